"""Critical current (max-flow/min-cut) and superfluid stiffness against ground truth.

Runs in about 4 s on one core (the scenario check, marked slow, is a quarter of it).
"""

from concurrent.futures import ThreadPoolExecutor

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from puddles import ModelParams, Network, lattice
from puddles.bcs import bond_weights, gap, supercurrent_factor
from puddles.critical_current import (
    lattice_max_flow,
    lattice_max_flow_sequence,
    max_flow,
)
from puddles.ensemble import ensemble_superfluid
from puddles.percolation import leads_joined
from puddles.stiffness import lattice_stiffness, uniform_stiffness

TC, SIGMA = 10.0, 2.0


# -- BCS factor ------------------------------------------------------------------------
def test_gap_limits_and_known_values():
    assert gap(0.0) == 1.0 and gap(1.0) == 0.0 and gap(1.5) == 0.0
    # BCS: Delta(T)/Delta(0) = 0.9458 at T = Tc/2 and ~ 1.74 sqrt(1 - t) near Tc.
    assert gap(0.5) == pytest.approx(0.9458, abs=0.01)
    t = 0.999
    assert gap(t) == pytest.approx(1.74 * np.sqrt(1 - t), rel=1e-3)


def test_supercurrent_factor_is_ambegaokar_baratoff():
    t = np.linspace(0.0, 1.2, 241)
    f = supercurrent_factor(t)
    assert f[0] == 1.0 and np.all(f[t >= 1] == 0.0)
    assert np.all(np.diff(f) <= 1e-15)  # decreasing in T
    d = gap(t[1:120])
    np.testing.assert_allclose(f[1:120], d * np.tanh(1.764 * d / (2 * t[1:120])))
    # Near Tc: Ic R_N -> (pi/4e) Delta^2 / k_B T, i.e. f ~ 0.882 delta^2 (linear in Tc - T).
    assert supercurrent_factor(0.999) == pytest.approx(0.882 * gap(0.999) ** 2, rel=1e-3)


def test_bond_weights_scale_with_tc():
    tc = np.array([5.0, 10.0, 20.0, -np.inf, 3.0])
    w = bond_weights(tc, 0.0, 10.0)
    np.testing.assert_allclose(w, [0.5, 1.0, 2.0, 0.0, 0.3])
    w = bond_weights(tc, 4.0, 10.0)
    assert w[4] == 0.0 and w[3] == 0.0 and 0 < w[0] < 0.5


# -- ground truth on the lattice ----------------------------------------------------------
def _row_bonds(n, r):
    return lattice.bond_index(n, np.full(n - 1, r), np.arange(n - 1), True)


def test_single_chain():
    n = 7
    rng = np.random.default_rng(9)
    w = np.zeros(lattice.n_bonds(n))
    js = rng.uniform(0.2, 3.0, n - 1)
    w[_row_bonds(n, 3)] = js
    mf = lattice_max_flow(n, w)
    assert abs(mf.value - js.min()) <= mf.error_bound + 1e-15
    np.testing.assert_array_equal(mf.cut, _row_bonds(n, 3)[[np.argmin(js)]])
    assert mf.cut_capacity == js.min()
    assert lattice_stiffness(n, w, relative=False) == pytest.approx(1 / np.sum(1 / js), rel=1e-12)


def test_parallel_chains_add():
    n = 6
    rng = np.random.default_rng(10)
    w = np.zeros(lattice.n_bonds(n))
    ic, j = 0.0, 0.0
    for r in (0, 2, 5):
        js = rng.uniform(0.2, 3.0, n - 1)
        w[_row_bonds(n, r)] = js
        ic += js.min()
        j += 1 / np.sum(1 / js)
    mf = lattice_max_flow(n, w)
    assert abs(mf.value - ic) <= mf.error_bound + 1e-14
    assert mf.cut.size == 3
    assert lattice_stiffness(n, w, relative=False) == pytest.approx(j, rel=1e-12)


def test_hand_solved_network():
    """3 x 3 lattice, middle column joined by one vertical bond (solved by hand below).

    Bonds: a0 = left-(0,1) = 1, b0 = (0,1)-right = 2, a1 = left-(1,1) = 2, b1 = (1,1)-right = 1,
    c = (0,1)-(1,1) = 1/2. Kirchhoff, x = v(0,1), y = v(1,1): 1 = 3.5 x - 0.5 y, 2 = 3.5 y - 0.5 x,
    so x = 3/8, y = 5/8 and J = b0 x + b1 y = 11/8. Cuts: {a0, c, b1} = 5/2 is the only minimum
    ({a0, a1} = {b0, b1} = 3, {a1, c, b0} = 9/2).
    """
    n = 3
    w = np.zeros(lattice.n_bonds(n))
    a0, b0, a1, b1 = 0, 1, 2, 3
    c = int(lattice.bond_index(n, 0, 1, False))
    w[[a0, b0, a1, b1, c]] = [1.0, 2.0, 2.0, 1.0, 0.5]
    assert lattice_stiffness(n, w, relative=False) == pytest.approx(11 / 8, rel=1e-12)
    mf = lattice_max_flow(n, w)
    assert abs(mf.value - 2.5) <= mf.error_bound
    np.testing.assert_array_equal(mf.cut, sorted([a0, b1, c]))
    assert mf.cut_capacity == 2.5


@pytest.mark.parametrize("n", [2, 5, 20])
def test_uniform_lattice(n):
    w = np.full(lattice.n_bonds(n), 0.7)
    assert lattice_stiffness(n, w, relative=False) == pytest.approx(0.7 * n / (n - 1), rel=1e-12)
    assert uniform_stiffness(n) == pytest.approx(n / (n - 1))
    assert lattice_stiffness(n, np.ones(lattice.n_bonds(n))) == pytest.approx(1.0, rel=1e-12)
    mf = lattice_max_flow(n, w)  # N rows in parallel
    assert abs(mf.value - 0.7 * n) <= mf.error_bound
    assert mf.cut_capacity == pytest.approx(0.7 * n)


def test_nothing_spans():
    n = 5
    w = np.zeros(lattice.n_bonds(n))
    w[_row_bonds(n, 1)[:-1]] = 1.0  # the chain stops one bond short of the right lead
    assert lattice_stiffness(n, w) == 0.0
    mf = lattice_max_flow(n, w)
    assert mf.value == 0.0 and mf.cut.size == 0


def _random_capacities(seed, n, p):
    rng = np.random.default_rng(seed)
    cap = rng.uniform(0.05, 3.0, lattice.n_bonds(n))
    cap[rng.random(cap.size) > p] = 0.0
    return cap


def _networkx_max_flow(n, cap):
    a, b = lattice.bond_endpoints(n)
    left, right = lattice.lead_nodes(n)
    g = nx.DiGraph()

    def node(v):
        return "s" if v in set(left) else ("t" if v in set(right) else int(v))

    for i in np.flatnonzero(cap > 0):
        u, v = node(a[i]), node(b[i])
        if u == v:
            continue
        for x, y in ((u, v), (v, u)):
            c = g[x][y]["capacity"] + cap[i] if g.has_edge(x, y) else cap[i]
            g.add_edge(x, y, capacity=c)
    if "s" not in g or "t" not in g:
        return 0.0
    return nx.maximum_flow_value(g, "s", "t")


@pytest.mark.parametrize("seed", range(8))
def test_max_flow_equals_min_cut_and_networkx(seed):
    n = 4 + seed
    cap = _random_capacities(1000 + seed, n, 0.75)
    mf = lattice_max_flow(n, cap)
    exact = _networkx_max_flow(n, cap)
    assert mf.value <= exact + 1e-12 and exact <= mf.value + mf.error_bound + 1e-12
    # The cut is a cut (it separates the leads) and its capacity is the max-flow.
    assert mf.value <= mf.cut_capacity <= mf.value + mf.error_bound
    if mf.cut.size:
        sc = cap > 0
        assert leads_joined(n, sc)
        sc[mf.cut] = False
        assert not leads_joined(n, sc)


def test_generic_graph_matches_lattice():
    n = 6
    cap = _random_capacities(77, n, 0.8)
    a, b = lattice.bond_endpoints(n)
    left, right = lattice.lead_nodes(n)
    g, lt = max_flow(n * n, a, b, cap, left, right), lattice_max_flow(n, cap)
    assert g.value == lt.value
    np.testing.assert_array_equal(g.cut, lt.cut)


def test_integer_scaling_bound():
    """Capacities far below the rounding step: the bound len(cut)/scale covers the loss."""
    n = 4
    w = np.zeros(lattice.n_bonds(n))
    chain = _row_bonds(n, 0)
    w[chain] = [1.0, 3e-10, 1.0]
    w[_row_bonds(n, 2)] = [1.0, 1.0 / 3.0, 2.0]
    mf = lattice_max_flow(n, w)
    exact = 3e-10 + 1.0 / 3.0
    assert mf.value <= exact <= mf.value + mf.error_bound
    assert mf.error_bound <= mf.cut.size * 2.0 * 2.0 / (2**31 - 1) * 1.0001  # 2 x source capacity / int32
    assert mf.cut_capacity == pytest.approx(exact, rel=1e-15)
    np.testing.assert_array_equal(mf.cut, sorted([chain[1], _row_bonds(n, 2)[1]]))


@given(
    seed=st.integers(0, 10_000),
    bond=st.integers(0, lattice.n_bonds(6) - 1),
    factor=st.floats(1.0, 5.0),
)
def test_raising_a_capacity_never_lowers_ic(seed, bond, factor):
    n = 6
    cap = _random_capacities(seed, n, 0.7)
    before = lattice_max_flow(n, cap)
    cap2 = cap.copy()
    cap2[bond] = cap2[bond] * factor if cap2[bond] > 0 else factor - 0.5
    after = lattice_max_flow(n, cap2)
    # exact(after) >= exact(before) >= before.value and value >= exact - error_bound for each
    assert after.value >= before.value - after.error_bound
    assert after.cut_capacity >= before.value
    # Rayleigh: a stiffer bond never lowers the network stiffness.
    assert lattice_stiffness(n, cap2) >= lattice_stiffness(n, cap) * (1 - 1e-12)


def test_warm_started_sequence_matches_independent_solves():
    """Growing capacities (a curve from high to low T): each step equals a cold solve and networkx."""
    n = 9
    rng = np.random.default_rng(4321)
    base = _random_capacities(99, n, 0.9)
    order = rng.permutation(base.size)
    steps = []
    for frac, gain in ((0.55, 0.3), (0.7, 0.5), (0.7, 0.8), (0.85, 0.9), (1.0, 1.0)):
        c = np.zeros(base.size)
        c[order[: int(frac * base.size)]] = base[order[: int(frac * base.size)]] * gain
        steps.append(c)
    seq = lattice_max_flow_sequence(n, steps)
    values = [f.value for f in seq]
    assert values == sorted(values) and len({f.scale for f in seq}) == 1
    for c, flow in zip(steps, seq):
        exact = _networkx_max_flow(n, c)
        assert flow.value <= exact + 1e-12 <= flow.value + flow.error_bound + 2e-12
        assert flow.value <= flow.cut_capacity <= flow.value + flow.error_bound
        if flow.cut.size:
            sc = c > 0
            sc[flow.cut] = False
            assert not leads_joined(n, sc)
    # A step whose capacities fall is solved from zero flow, still exactly.
    back = lattice_max_flow_sequence(n, [steps[3], steps[1], steps[4]])
    assert abs(back[1].value - _networkx_max_flow(n, steps[1])) <= back[1].error_bound + 1e-12
    with pytest.raises(ValueError, match="last step"):
        lattice_max_flow_sequence(n, [steps[4], steps[0]])
    assert lattice_max_flow_sequence(n, []) == []


def test_bad_input_raises():
    with pytest.raises(ValueError, match="capacity"):
        lattice_max_flow(3, np.full(lattice.n_bonds(3), -1.0))
    with pytest.raises(ValueError, match="capacity must have shape"):
        lattice_max_flow(3, np.ones(5))
    with pytest.raises(ValueError, match="stiffness"):
        lattice_stiffness(3, np.full(lattice.n_bonds(3), np.nan))
    net = Network.generate(20, w=0.4, w2=0.0, seed=5)
    with pytest.raises(ValueError, match="tc_mean"):
        net.critical_current(1.0, 0.0, 1.0)
    with pytest.raises(ValueError, match="sigma"):
        net.stiffness_curve([1.0], 10.0, -1.0)
    with pytest.raises(ValueError, match="T must"):
        net.critical_current_curve([-1.0], 10.0, 1.0)
    with pytest.raises(ValueError, match="one temperature"):
        net.stiffness([1.0, 2.0], 10.0, 1.0)


# -- one network -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def net():
    return Network.generate(40, w=0.45, w2=0.05, seed=8123)


def test_zero_at_and_above_tp_positive_below(net):
    tp = net.percolation_temperature(TC, SIGMA)
    T = np.array([0.0, tp * 0.5, tp - 1e-6, tp, tp + 1e-9, tp + 1.0, 40.0])
    ic = net.critical_current_curve(T, TC, SIGMA)
    rho = net.stiffness_curve(T, TC, SIGMA)
    assert np.all(ic[3:] == 0.0) and np.all(rho[3:] == 0.0)
    assert np.all(ic[:3] > 0) and np.all(rho[:3] > 0)
    assert np.all(np.diff(ic[:3]) < 0) and np.all(np.diff(rho[:3]) < 0)
    # One ulp below Tp the weakest link's Ic (~1e-16 Ic0) is below the rounding step: the
    # reported flow may be 0, but the minimum cut still holds the exact, positive value.
    last = net.weakest_links(np.nextafter(tp, 0), TC, SIGMA)
    assert 0 < last.cut_capacity <= last.value + last.error_bound
    assert net.stiffness(np.nextafter(tp, 0), TC, SIGMA) > 0


def test_curves_match_single_points_and_bond_weights(net):
    T = np.array([1.0, 3.0, 5.0, 3.0])
    ic = net.critical_current_curve(T, TC, SIGMA)
    rho = net.stiffness_curve(T, TC, SIGMA)
    assert ic[1] == ic[3]
    for t, i, r in zip(T, ic, rho):
        mf = net.weakest_links(t, TC, SIGMA)
        # The curve warm-starts its max-flows with one integer scale: equal within the bound.
        assert abs(net.critical_current(t, TC, SIGMA) - i) <= 2 * mf.error_bound
        assert mf.value <= i + 2 * mf.error_bound and i <= mf.cut_capacity + 2 * mf.error_bound
        assert net.stiffness(t, TC, SIGMA) == r
        # The weakest links are superconducting bonds of the spanning cluster.
        states = net.bond_states(t, TC, SIGMA)
        assert states.spanning[mf.cut].all()


def test_common_random_numbers_puddles_share_weight(net):
    from puddles.superfluid import bond_weights_at

    w = bond_weights_at(net, 4.0, TC, SIGMA)
    puddle = net.cluster.puddle
    for p in np.unique(puddle[puddle >= 0])[:10]:
        vals = w[puddle == p]
        assert np.all(vals == vals[0])
    sc, _ = net.superconducting_bonds(net.superconducting_count(4.0, TC, SIGMA))
    np.testing.assert_array_equal(w > 0, sc)


def test_monotone_in_w2():
    """Breaking filaments removes superconducting bonds: neither Ic nor rho_s can grow."""
    base = Network.generate(40, w=0.4, w2=0.0, seed=4242)
    T = [0.0, 4.0]
    ic0, rho0 = base.critical_current_curve(T, TC, SIGMA), base.stiffness_curve(T, TC, SIGMA)
    broken = base.with_params(w2=0.3)
    ic1, rho1 = broken.critical_current_curve(T, TC, SIGMA), broken.stiffness_curve(T, TC, SIGMA)
    assert np.all(ic1 <= ic0 + 1e-6) and np.all(rho1 <= rho0 * (1 + 1e-12))


def test_ensemble_bands_and_executor_independence():
    p = ModelParams(n=24, w=0.45, w2=0.0, tc_mean=TC, sigma=SIGMA)
    T = np.linspace(0.0, 12.0, 7)
    seeds = [31, 32, 33]
    with ThreadPoolExecutor(2) as ex:
        out = ensemble_superfluid(p, T, seeds, executor=ex)
    for key, method in (("ic", "critical_current_curve"), ("rho_s", "stiffness_curve")):
        res = out[key]
        assert res.curves.shape == (3, T.size)
        for s, row in zip(seeds, res.curves):
            np.testing.assert_array_equal(row, getattr(Network.generate(24, 0.45, 0.0, seed=s), method)(T, TC, SIGMA))
        np.testing.assert_allclose(res.mean, res.curves.mean(axis=0))
        np.testing.assert_allclose(res.std, res.curves.std(axis=0, ddof=1))
        assert res.n_solves > 0
    with pytest.raises(ValueError, match="seeds"):
        ensemble_superfluid(p, T, 5)


# -- the paper's scenario ------------------------------------------------------------------
@pytest.mark.slow
def test_filamentary_versus_bulky_clusters():
    """Filamentary clusters (w = w_skeleton) are loosely connected: a stiffness far below the
    bulky cluster's (w = 0.8) and a critical current limited by a few weakest links.

    Checked on every one of five seeds the code never uses, at N = 60 (about 1 s).
    """
    cuts_fil, cuts_bulk = [], []
    for seed in (70001, 70002, 70003, 70004, 70005):
        fil = Network.generate(60, w=0.3, w2=0.0, seed=seed)
        fil = fil.with_params(w=fil.w_skeleton)
        bulk = fil.with_params(w=0.8)
        for net, cuts in ((fil, cuts_fil), (bulk, cuts_bulk)):
            tp = net.percolation_temperature(TC, SIGMA)
            cuts.append(net.weakest_links(0.9 * tp, TC, SIGMA).cut.size)
        rho_fil = fil.stiffness_curve([0.0, 0.8 * fil.percolation_temperature(TC, SIGMA)], TC, SIGMA)
        rho_bulk = bulk.stiffness_curve([0.0, 0.8 * bulk.percolation_temperature(TC, SIGMA)], TC, SIGMA)
        assert np.all(rho_fil < rho_bulk / 3)
    assert max(cuts_fil) <= 5
    assert np.mean(cuts_fil) * 3 < np.mean(cuts_bulk)

