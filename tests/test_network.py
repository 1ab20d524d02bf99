"""The Network API and the model's laws: monotonicity, universality, Tp, phenomenology."""

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from puddles import Network, lattice
from puddles.cluster import BROKEN, FILAMENT, MATRIX, PUDDLE
from puddles.percolation import leads_joined
from puddles.solver import effective_resistance

N = 30  # small lattices keep the property tests fast; the laws hold for every realization


@pytest.fixture(scope="module")
def net():
    return Network.generate(40, 0.45, 0.15, seed=7)


def test_generate_validates_w_against_skeleton():
    net = Network.generate(N, 0.5, 0.0, seed=1)
    with pytest.raises(ValueError, match=r"w_skeleton = 0\.\d{4}"):
        Network.generate(N, net.w_skeleton / 2, 0.0, seed=1)
    for bad in (dict(w2=1.5), dict(w2=-0.1)):
        with pytest.raises(ValueError, match="w2"):
            Network.generate(N, 0.5, seed=1, w2=bad["w2"])
    with pytest.raises(ValueError, match="w "):
        Network.generate(N, 1.2, 0.0, seed=1)
    with pytest.raises(ValueError, match="seed"):
        Network.generate(N, 0.5, 0.0, seed=-3)
    with pytest.raises(ValueError, match="lattice size"):
        Network.generate(1, 0.5, 0.0, seed=1)
    with pytest.raises(ValueError, match="sigma"):
        net.rt_curve([1.0], 1.0, 0.0)
    with pytest.raises(ValueError, match="T"):
        net.rt_curve([-1.0], 1.0, 0.2)


def test_weight_and_kinds(net):
    c = net.cluster
    nb = lattice.n_bonds(net.n)
    covered = np.isin(c.kind, [FILAMENT, PUDDLE, BROKEN]).sum() / nb
    assert covered == pytest.approx(c.w_actual)
    assert c.w_actual >= net.w
    # The last puddle may overshoot w by at most one puddle's worth of bonds.
    assert c.w_actual - net.w < 200 / nb
    assert c.w_skeleton <= net.w
    # Broken bonds never superconduct; matrix bonds never do either.
    assert np.all(np.isneginf(c.z[(c.kind == BROKEN) | (c.kind == MATRIX)]))
    assert np.all(np.isfinite(c.z[(c.kind == FILAMENT) | (c.kind == PUDDLE)]))


def test_puddles_share_tc_and_are_discs():
    net = Network.generate(60, 0.5, 0.0, seed=3, puddle_diameter=10)
    c = net.cluster
    row, col = lattice.bond_midpoints(net.n)
    real = net._realization
    for pid in np.unique(c.puddle[c.puddle >= 0])[:10]:
        members = c.puddle == pid
        assert np.unique(c.z[members]).size == 1
        centre = real.puddle_centre[pid]
        dist = np.hypot(row[members] - row[centre], col[members] - col[centre])
        assert dist.max() <= 5.0 + 1e-9


def test_common_random_numbers_prefix_in_w():
    small = Network.generate(N, 0.4, 0.0, seed=5)
    large = Network.generate(N, 0.6, 0.0, seed=5)
    # A larger w only adds puddles: every superconducting-capable bond stays, with the same z.
    keep = np.isfinite(small.cluster.z)
    assert np.all(np.isfinite(large.cluster.z[keep]))
    same = small.cluster.puddle >= 0
    assert np.array_equal(small.cluster.z[same], large.cluster.z[same])


def test_broken_fraction_follows_w2():
    net = Network.generate(100, 0.3, 0.3, seed=2)
    c = net.cluster
    uncovered_skeleton = ((c.kind == FILAMENT) | (c.kind == BROKEN)).sum()
    assert (c.kind == BROKEN).sum() / uncovered_skeleton == pytest.approx(0.3, abs=0.03)


@given(seed=st.integers(0, 50), w=st.floats(0.32, 0.7), w2=st.floats(0, 0.5))
def test_resistance_non_increasing_as_T_falls(seed, w, w2):
    net = Network.generate(N, w, w2, seed=seed)
    T = np.linspace(0.0, 2.0, 41)
    R = net.rt_curve(T, 1.0, 0.3, tol=None)
    assert np.all(np.diff(R) >= -1e-12)
    assert R[-1] <= 1.0 + 1e-12 and R[0] >= 0.0


@given(seed=st.integers(0, 50), w=st.floats(0.32, 0.7), T=st.floats(0.3, 1.5))
def test_resistance_non_decreasing_in_w2(seed, w, T):
    values = [Network.generate(N, w, w2, seed=seed).resistance(T, 1.0, 0.3) for w2 in (0.0, 0.2, 0.5, 1.0)]
    assert np.all(np.diff(values) >= -1e-12)


@given(seed=st.integers(0, 50), tc=st.floats(0.5, 3.0), sigma=st.floats(0.05, 1.0), T=st.floats(0.0, 4.0))
def test_universal_scaling(seed, tc, sigma, T):
    net = Network.generate(N, 0.5, 0.2, seed=seed)
    direct = net.resistance(T, tc, sigma)
    # Independent of the cache: build the resistor array from the local Tc and solve it.
    states = net.bond_states(T, tc, sigma)
    r = np.where(states.superconducting, 0.0, 1.0)
    independent = effective_resistance(net.n, r) / lattice.normal_resistance(net.n)
    assert direct == pytest.approx(independent, abs=1e-12)
    assert direct == pytest.approx(float(net.universal_curve((T - tc) / sigma, tol=None)), abs=1e-15)


@given(seed=st.integers(0, 50), w=st.floats(0.32, 0.8), w2=st.floats(0.0, 0.4))
def test_percolation_temperature_is_first_zero(seed, w, w2):
    net = Network.generate(N, w, w2, seed=seed)
    tc, sigma = 1.0, 0.3
    tp = net.percolation_temperature(tc, sigma)
    T = np.linspace(0.0, 2.0, 801)
    R = net.rt_curve(T, tc, sigma, tol=None)
    zero = T[R == 0.0]
    if np.isnan(tp):
        assert zero.size == 0
    else:
        # Below Tp the leads are joined (R = 0), at and above Tp they are not.
        assert np.all(R[T < tp] == 0.0) and np.all(R[T >= tp] > 0.0)
        # Just above and just below Tp (at T = Tp exactly, rounding of (T - Tc_mean)/sigma decides).
        assert net.resistance(tp * (1 + 1e-12), tc, sigma) > 0
        assert net.resistance(tp * (1 - 1e-12), tc, sigma) == 0.0


def test_percolation_index_matches_sequential_union_find(net):
    order = net.cluster.order
    parent = list(range(net.n * net.n + 2))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    a, b = lattice.bond_endpoints(net.n)
    left, right = lattice.lead_nodes(net.n)
    L, R = net.n * net.n, net.n * net.n + 1
    for node in left:
        parent[find(node)] = find(L)
    for node in right:
        parent[find(node)] = find(R)
    k_join = None
    for k, bond in enumerate(order, start=1):
        parent[find(a[bond])] = find(b[bond])
        if find(L) == find(R):
            k_join = k
            break
    assert k_join == net.k_perc


def test_bond_states_and_spanning(net):
    tc, sigma = 1.0, 0.3
    states = net.bond_states(0.05, tc, sigma)
    assert states.kind.shape == states.superconducting.shape == (lattice.n_bonds(net.n),)
    assert not states.superconducting[states.kind == MATRIX].any()
    assert not states.superconducting[states.kind == BROKEN].any()
    if states.percolating:
        assert leads_joined(net.n, states.spanning)
        assert np.all(states.superconducting[states.spanning])
    hot = net.bond_states(10.0, tc, sigma)
    assert not hot.superconducting.any() and not hot.percolating
    counts = states.counts()
    assert sum(counts[k] for k in ("matrix", "filament", "puddle", "broken")) == lattice.n_bonds(net.n)


def test_solution_currents(net):
    sol = net.solve(1.2, 1.0, 0.3)
    assert sol.resistance / lattice.normal_resistance(net.n) == pytest.approx(net.resistance(1.2, 1.0, 0.3), rel=1e-12)
    assert np.nanmax(np.abs(sol.bond_currents)) > 0


def test_to_networkx(net):
    g = net.to_networkx(T=0.8, tc_mean=1.0, sigma=0.3)
    assert g.number_of_nodes() == net.n**2 and g.number_of_edges() == lattice.n_bonds(net.n)
    states = net.bond_states(0.8, 1.0, 0.3)
    a, b = lattice.bond_endpoints(net.n)
    i = int(np.flatnonzero(states.superconducting)[0])
    edge = g.edges[divmod(int(a[i]), net.n), divmod(int(b[i]), net.n)]
    assert edge["index"] == i and edge["superconducting"] and edge["resistance"] == 0.0
    assert g.nodes[(0, 0)]["lead"] == "left" and g.nodes[(0, net.n - 1)]["lead"] == "right"


def test_networkx_resistance_distance_agrees():
    """Independent formulation: networkx's dense resistance distance on the contracted graph."""
    net = Network.generate(14, 0.5, 0.1, seed=2, growth=(35, 980, 10))
    tc, sigma, T = 1.0, 0.3, 1.05
    g = net.to_networkx(T=T, tc_mean=tc, sigma=sigma)
    # Contract superconducting edges and each lead into single nodes.
    sc_graph = nx.Graph()
    sc_graph.add_nodes_from(g)
    sc_graph.add_edges_from((u, v) for u, v, d in g.edges(data=True) if d["superconducting"])
    sc_graph.add_edges_from(((r, 0), (r + 1, 0)) for r in range(net.n - 1))
    sc_graph.add_edges_from(((r, net.n - 1), (r + 1, net.n - 1)) for r in range(net.n - 1))
    label = {node: i for i, comp in enumerate(nx.connected_components(sc_graph)) for node in comp}
    assert label[(0, 0)] != label[(0, net.n - 1)]  # not percolating at this T
    quotient = nx.Graph()
    for u, v, d in g.edges(data=True):
        lu, lv = label[u], label[v]
        if lu != lv and not d["superconducting"]:
            old = quotient.get_edge_data(lu, lv, {"conductance": 0.0})["conductance"]
            quotient.add_edge(lu, lv, conductance=old + 1.0 / d["resistance"])
    main = nx.node_connected_component(quotient, label[(0, 0)])
    quotient = quotient.subgraph(main)
    r_nx = nx.resistance_distance(quotient, label[(0, 0)], label[(0, net.n - 1)], weight="conductance", invert_weight=False)
    assert net.resistance(T, tc, sigma) * lattice.normal_resistance(net.n) == pytest.approx(r_nx, rel=1e-9)


def test_summary(net):
    s = net.summary(1.0, 0.3)
    for key in ("n", "w_skeleton", "w", "w2", "n_puddles", "tp", "plateau"):
        assert key in s
    assert s["plateau"] == net.resistance(0.0, 1.0, 0.3)
    assert s["n_matrix"] + s["n_filament"] + s["n_puddle_bonds"] + s["n_broken"] == lattice.n_bonds(net.n)


def test_table_interpolation_error_is_bounded():
    net = Network.generate(50, 0.45, 0.1, seed=4)
    tol = 0.02
    x = np.random.default_rng(0).uniform(-4, 4, 60)
    approx = net.universal_curve(x, tol=tol)
    exact = net.universal_curve(x, tol=None)
    bound = net.curve.error_bound(x, tol)
    assert np.all(np.abs(approx - exact) <= bound + 1e-15)
    assert np.all(bound <= tol + 1e-15)


def test_table_is_exact_at_samples():
    net = Network.generate(40, 0.5, 0.0, seed=9)
    kk, gg = net.curve.table(0.05)
    assert kk[0] == 0 and gg[0] == 1.0
    # Re-solve a few samples from scratch with the plain solver.
    order = net.cluster.order
    for k, g in list(zip(kk, gg))[:: max(1, kk.size // 6)]:
        r = np.ones(lattice.n_bonds(net.n))
        r[order[:k]] = 0.0
        assert g == pytest.approx(effective_resistance(net.n, r) / lattice.normal_resistance(net.n), abs=1e-13)


# -- the paper's phenomenology (docs/model.md#model-ground-truth / issue) ------------------------------------------

def _first_percolating_seed(n, w, w2, seeds=range(20)):
    for s in seeds:
        net = Network.generate(n, w, w2, seed=s)
        if net.percolates:
            return net
    raise AssertionError("no percolating realization found")


def test_non_percolating_cluster_has_plateau():
    net = Network.generate(60, 0.35, 0.9, seed=1)
    tc, sigma = 1.0, 0.1
    assert np.isnan(net.percolation_temperature(tc, sigma))
    plateau = net.plateau(tc, sigma)
    assert 0 < plateau < 1
    R = net.rt_curve(np.linspace(0, 0.5, 6), tc, sigma, tol=None)
    assert np.allclose(R, plateau)  # flat: every bond with Tc > T is already superconducting


def test_w2_lengthens_tail_then_lifts_plateau():
    tc, sigma = 1.0, 0.2
    base = Network.generate(60, 0.4, 0.0, seed=3)
    assert base.percolates
    tps, plateaus = [], []
    for w2 in (0.0, 0.2, 0.5, 1.0):
        net = base.with_params(w2=w2)
        tps.append(net.percolation_temperature(tc, sigma))
        plateaus.append(net.plateau(tc, sigma))
    finite = [t for t in tps if np.isfinite(t)]
    assert np.all(np.diff(finite) <= 1e-12)  # Tp only moves down as filaments break (longer tail)
    assert plateaus[0] == 0.0 and plateaus[-1] > 0.0  # and eventually the sample stops percolating
    assert np.all(np.diff(plateaus) >= -1e-12)


def test_sigma_widens_the_transition():
    net = _first_percolating_seed(60, 0.45, 0.0)
    T = np.linspace(0, 3, 601)
    widths = []
    for sigma in (0.1, 0.2, 0.4):
        R = net.rt_curve(T, 1.5, sigma, tol=None)
        onset = T[np.argmax(R > 0.0)]
        top = T[np.argmax(R >= 0.9)]
        widths.append(top - onset)
    assert widths[0] < widths[1] < widths[2]


def test_seed_reproducible():
    a = Network.generate(N, 0.5, 0.2, seed=11).rt_curve([0.8, 1.0], 1.0, 0.2, tol=None)
    b = Network.generate(N, 0.5, 0.2, seed=11).rt_curve([0.8, 1.0], 1.0, 0.2, tol=None)
    assert np.array_equal(a, b)


def test_random_diameter_and_anywhere_centres():
    net = Network.generate(N, 0.6, 0.1, seed=1, puddle_diameter="random", puddle_centres="anywhere")
    assert net.cluster.w_actual >= 0.6
    with pytest.raises(ValueError, match="puddle_diameter"):
        Network.generate(N, 0.6, 0.1, seed=1, puddle_diameter=-2)
    with pytest.raises(ValueError, match="puddle_centres"):
        Network.generate(N, 0.6, 0.1, seed=1, puddle_centres="nowhere")


def test_table_cancel_and_threads():
    from concurrent.futures import ThreadPoolExecutor

    from puddles.transport import TableCancelled

    net = Network.generate(30, 0.5, 0.1, seed=12)
    with pytest.raises(TableCancelled):
        net.curve.table(0.001, cancelled=lambda: True)
    assert net.curve.table_tol == np.inf
    # A table build and exact questions from other threads share the cache safely.
    with ThreadPoolExecutor(3) as pool:
        futures = [pool.submit(net.curve.table, 0.01)]
        futures += [pool.submit(net.plateau, 1.0, s) for s in (0.1, 0.2, 0.3, 0.4)]
        [f.result() for f in futures]
    assert net.curve.table_tol == 0.01
    kk, gg = net.curve.table(0.02)  # a coarser request is served by the finer table
    assert np.all(np.abs(np.diff(gg))[np.diff(kk) > 1] <= 0.01)


def test_w_max_is_reachable_and_enforced():
    net = Network.generate(50, 0.5, 0.0, seed=1)
    assert net.w_skeleton < net.w_max <= 1.0
    full = Network.generate(50, net.w_max, 0.0, seed=1)
    assert full.cluster.w_actual == pytest.approx(net.w_max)
    if net.w_max < 1.0:
        with pytest.raises(ValueError, match="w_max"):
            Network.generate(50, 1.0, 0.0, seed=1)
    assert Network.generate(50, 1.0, 0.0, seed=1, puddle_centres="anywhere").cluster.w_actual == 1.0


@pytest.mark.parametrize("n", [2, 5, 17])
def test_bond_raster_index_is_twice_the_midpoint(n):
    rows, cols = lattice.bond_raster_index(n)
    mr, mc = lattice.bond_midpoints(n)
    np.testing.assert_array_equal(rows, 2 * mr)
    np.testing.assert_array_equal(cols, 2 * mc)
    assert not rows.flags.writeable and lattice.bond_raster_index(n)[0] is rows


# ---- inputs and edge rules (issue: an engine that never answers wrong) ----


def test_seed_validity_does_not_depend_on_the_cache():
    Network.generate(10, 0.6, 0.0, seed=1)  # seed 1 now cached; True == 1 hashes alike
    with pytest.raises(ValueError, match="seed"):
        Network.generate(10, 0.6, 0.0, seed=True)


def test_at_tp_resistance_and_bond_states_follow_one_rule():
    """T == Tp: the completing bond is normal (T < Tc is strict), for R and for the states."""
    rng = np.random.default_rng(2024)
    checked = 0
    for seed in range(12):
        net = Network.generate(12, 0.6, 0.0, seed=seed)
        for _ in range(6):
            tc_mean, sigma = rng.uniform(0.5, 3.0), rng.uniform(0.05, 1.0)
            tp = net.percolation_temperature(tc_mean, sigma)
            if not np.isfinite(tp):
                continue
            checked += 1
            states = net.bond_states(tp, tc_mean, sigma)
            np.testing.assert_array_equal(states.superconducting, tp < states.tc)
            assert not states.percolating and net.resistance(tp, tc_mean, sigma) > 0
            below = np.nextafter(tp, 0.0)
            assert net.bond_states(below, tc_mean, sigma).percolating
            assert net.resistance(below, tc_mean, sigma) == 0.0
    assert checked > 30


def test_smallest_documented_lattice_builds_with_default_diameter():
    net = Network.generate(2, 0.5, 0.0, seed=1)
    assert net.n == 2 and np.isfinite(net.resistance(0.5, 1.0, 0.2))


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda net: net.resistance([], 1.0, 0.2), "T"),
        (lambda net: net.resistance([0.5, 1.0], 1.0, 0.2), "T"),
        (lambda net: net.bond_states([0.5, 1.0], 1.0, 0.2), "T"),
        (lambda net: net.rt_curve([0.5], 1.0, 0.2, tol="0.01"), "tol"),
        (lambda net: net.to_networkx(T=0.5), "tc_mean"),
        (lambda net: net.to_networkx(tc_mean=1.0), "sigma"),
    ],
)
def test_bad_inputs_raise_value_errors_naming_the_parameter(call, name):
    net = Network.generate(10, 0.6, 0.0, seed=3)
    with pytest.raises(ValueError, match=name):
        call(net)


def test_sizes_beyond_the_practical_range_warn(monkeypatch):
    import puddles.network as network_module

    class Stop(Exception):
        pass

    def stop(*args, **kwargs):
        raise Stop

    monkeypatch.setattr(network_module, "realization", stop)  # no need to build it
    with pytest.warns(UserWarning, match="practical range"), pytest.raises(Stop):
        Network.generate(401, 0.5, 0.0, seed=1)


def test_resistance_is_not_monotone_in_w_at_a_fixed_seed():
    """The documented counter-example (Network.generate, parameter w)."""
    low = Network.generate(30, 0.525, 0.0, seed=1).resistance(1.0, 1.0, 0.3)
    high = Network.generate(30, 0.55, 0.0, seed=1).resistance(1.0, 1.0, 0.3)
    assert high > low
    assert "not* monotone in ``w``" in Network.generate.__doc__
