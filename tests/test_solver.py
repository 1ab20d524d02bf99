"""The exact network solver against ground truth (docs/model.md#model-ground-truth)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from puddles import lattice
from puddles.solver import available_backends, effective_resistance, solve_graph, solve_lattice

BACKENDS = available_backends()


def dense_kirchhoff_resistance(n, r):
    """The paper's formulation: the full (3N^2 - 2N) Ohm + Kirchhoff system A b = y.

    Unknowns: the 2N(N-1) bond currents and the N^2 node potentials. Equations: Ohm's law
    V_a - V_b - r I = 0 on every bond; current conservation at every node that is not a
    lead; V = 1 on the left lead and V = 0 on the right lead. Solved densely.
    """
    a, b = lattice.bond_endpoints(n)
    nb, nn = a.size, n * n
    size = nb + nn
    assert size == 3 * n * n - 2 * n
    A = np.zeros((size, size))
    y = np.zeros(size)
    rows = np.arange(nb)
    A[rows, rows] = -r
    A[rows, nb + a] = 1.0
    A[rows, nb + b] = -1.0
    left, right = lattice.lead_nodes(n)
    for node in range(nn):
        eq = nb + node
        if node in left or node in right:
            A[eq, nb + node] = 1.0
            y[eq] = 1.0 if node in left else 0.0
        else:
            A[eq, np.flatnonzero(a == node)] = 1.0  # currents leaving the node
            A[eq, np.flatnonzero(b == node)] = -1.0  # currents arriving
    sol = np.linalg.solve(A, y)
    current = sol[:nb]
    into_right = np.isin(b, right) & ~np.isin(a, right)
    return 1.0 / current[into_right].sum()


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("n", [2, 3, 7, 30, 101])
def test_uniform_lattice_exact(n, backend):
    r0 = 3.7
    R = effective_resistance(n, np.full(lattice.n_bonds(n), r0), backend=backend)
    assert R == pytest.approx(r0 * (n - 1) / n, rel=1e-12)


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_by_two_parallel_and_short(backend):
    # bonds: h(0,0)-(0,1), h(1,0)-(1,1), v(0,0)-(1,0), v(0,1)-(1,1); the verticals join lead nodes.
    r = np.array([2.0, 3.0, 5.0, 7.0])
    assert effective_resistance(2, r, backend=backend) == pytest.approx(1 / (1 / 2 + 1 / 3), rel=1e-14)
    r[0] = 0.0
    assert effective_resistance(2, r, backend=backend) == 0.0


@pytest.mark.parametrize("backend", BACKENDS)
def test_three_by_three_rows_by_hand(backend):
    n = 3
    lr = np.array([1.0, 2.0, 4.0])  # left half-row resistances a_r
    rr = np.array([3.0, 1.0, 5.0])  # right half-row resistances b_r
    r = np.full(lattice.n_bonds(n), np.inf)
    r[lattice.bond_index(n, [0, 1, 2], 0, True)] = lr
    r[lattice.bond_index(n, [0, 1, 2], 1, True)] = rr
    # Middle column uncoupled: three independent series rows in parallel.
    assert effective_resistance(n, r, backend=backend) == pytest.approx(1 / np.sum(1 / (lr + rr)), rel=1e-13)
    # Middle column shorted: its nodes merge, left and right halves in series.
    r[lattice.bond_index(n, [0, 1], 1, False)] = 0.0
    expected = 1 / np.sum(1 / lr) + 1 / np.sum(1 / rr)
    assert effective_resistance(n, r, backend=backend) == pytest.approx(expected, rel=1e-13)


@pytest.mark.parametrize("backend", BACKENDS)
@given(n=st.integers(2, 8), seed=st.integers(0, 2**31 - 1), shorts=st.floats(0.0, 0.4))
def test_agrees_with_dense_kirchhoff_system(backend, n, seed, shorts):
    rng = np.random.default_rng(seed)
    r = rng.uniform(0.1, 10.0, lattice.n_bonds(n))
    expected = dense_kirchhoff_resistance(n, r)
    assert effective_resistance(n, r, backend=backend) == pytest.approx(expected, rel=1e-10)
    # Shorted bonds: the dense system stays solvable as long as zero bonds form no loop, so
    # compare with tiny-but-finite resistances (first order in the tiny value).
    zero = rng.random(r.size) < shorts
    r_short = np.where(zero, 0.0, r)
    tiny = np.where(zero, 1e-9, r)
    exact = effective_resistance(n, r_short, backend=backend)
    approx = dense_kirchhoff_resistance(n, tiny) if not zero.all() else 0.0
    assert exact == pytest.approx(approx, abs=1e-6 * max(1.0, approx))


@pytest.mark.parametrize("backend", BACKENDS)
def test_current_conserved_through_every_column(backend):
    n = 40
    rng = np.random.default_rng(3)
    r = np.where(rng.random(lattice.n_bonds(n)) < 0.3, 0.0, rng.uniform(0.5, 2.0, lattice.n_bonds(n)))
    sol = solve_lattice(n, r, potentials=True, currents=True, backend=backend)
    assert 0 < sol.resistance < np.inf
    horizontal = np.arange(lattice.n_horizontal(n))
    col = horizontal % (n - 1)
    for c in range(n - 1):
        cut = horizontal[col == c]
        i_cut = sol.bond_currents[cut]
        # A zero-resistance bond's own current is not fixed by the contracted problem; the
        # normal bonds of a cut alone carry I only where no superconducting bond crosses it.
        if np.isnan(i_cut).any():
            continue
        assert i_cut.sum() == pytest.approx(sol.current, rel=1e-10)
    # Kirchhoff's node law on every node whose bonds are all normal.
    a, b = lattice.bond_endpoints(n)
    left, right = lattice.lead_nodes(n)
    net = np.zeros(n * n)
    touches_sc = np.zeros(n * n, dtype=bool)
    touches_sc[a[r == 0]] = touches_sc[b[r == 0]] = True
    finite = r > 0
    np.add.at(net, a[finite], sol.bond_currents[finite])
    np.add.at(net, b[finite], -sol.bond_currents[finite])
    interior = np.setdiff1d(np.arange(n * n), np.concatenate([left, right]))
    interior = interior[~touches_sc[interior]]
    assert interior.size > 100
    assert np.abs(net[interior]).max() < 1e-12
    # Ohm's law on the normal bonds.
    normal = r > 0
    drop = sol.potentials[a] - sol.potentials[b]
    assert np.allclose(drop[normal], (r * sol.bond_currents)[normal], atol=1e-12)


@pytest.mark.parametrize("backend", BACKENDS)
def test_floating_islands_change_nothing(backend):
    n = 6
    r = np.ones(lattice.n_bonds(n))
    # Cut node (2, 2) and a superconducting 2x2 island around (3..4, 3..4) off the lattice.
    isolate = [
        lattice.bond_index(n, 2, 1, True), lattice.bond_index(n, 2, 2, True),
        lattice.bond_index(n, 1, 2, False), lattice.bond_index(n, 2, 2, False),
    ]
    island = [lattice.bond_index(n, 3, 3, True), lattice.bond_index(n, 4, 3, True),
              lattice.bond_index(n, 3, 3, False), lattice.bond_index(n, 3, 4, False)]
    border = [lattice.bond_index(n, 3, 2, True), lattice.bond_index(n, 4, 2, True),
              lattice.bond_index(n, 3, 4, True), lattice.bond_index(n, 4, 4, True),
              lattice.bond_index(n, 2, 3, False), lattice.bond_index(n, 2, 4, False),
              lattice.bond_index(n, 4, 3, False), lattice.bond_index(n, 4, 4, False)]
    r[isolate] = np.inf
    r[island] = 0.0
    r[border] = np.inf
    sol = solve_lattice(n, r, potentials=True, backend=backend)
    assert np.isfinite(sol.resistance)
    assert np.isnan(sol.potentials[2 * n + 2])
    assert np.isnan(sol.potentials[3 * n + 3])
    # Same as a reference network where the isolated pieces are simply absent.
    r_ref = r.copy()
    r_ref[island] = np.inf
    assert sol.resistance == pytest.approx(effective_resistance(n, r_ref, backend=backend), rel=1e-12)


@pytest.mark.parametrize("backend", BACKENDS)
def test_percolating_path_gives_exactly_zero(backend):
    n = 20
    r = np.ones(lattice.n_bonds(n))
    r[lattice.bond_index(n, 7, np.arange(n - 1), True)] = 0.0
    sol = solve_lattice(n, r, potentials=True, currents=True, backend=backend)
    assert sol.resistance == 0.0
    assert np.isnan(sol.potentials).all()
    r[lattice.bond_index(n, 7, 10, True)] = 1.0
    assert effective_resistance(n, r, backend=backend) > 0


def test_disconnected_leads_give_infinity():
    n = 5
    r = np.ones(lattice.n_bonds(n))
    r[lattice.bond_index(n, np.arange(n), 2, True)] = np.inf
    assert effective_resistance(n, r) == np.inf


def test_backends_agree():
    if len(BACKENDS) < 2:
        pytest.skip("only the scipy backend is installed (CHOLMOD is optional)")
    n = 60
    rng = np.random.default_rng(11)
    r = np.where(rng.random(lattice.n_bonds(n)) < 0.35, 0.0, rng.uniform(0.5, 2.0, lattice.n_bonds(n)))
    values = [effective_resistance(n, r, backend=b) for b in BACKENDS]
    assert values[0] == pytest.approx(values[1], rel=1e-11)


@pytest.mark.parametrize("bad", [-1.0, np.nan])
def test_bad_resistances_raise(bad):
    r = np.ones(lattice.n_bonds(4))
    r[3] = bad
    with pytest.raises(ValueError, match="r_bonds"):
        effective_resistance(4, r)
    with pytest.raises(ValueError, match="shape"):
        effective_resistance(4, np.ones(5))
    with pytest.raises(ValueError, match="backend"):
        effective_resistance(4, np.ones(lattice.n_bonds(4)), backend="magic")


def test_general_graph_series_chain():
    # 0 - 1 - 2 - 3 with resistances 1, 2, 3 and one shorted: plain series.
    R = solve_graph(4, [0, 1, 2], [1, 2, 3], [1.0, 0.0, 3.0], [0], [3]).resistance
    assert R == pytest.approx(4.0, rel=1e-14)


def _uncorrelated_resistance(n, p, seed, r_sc=0.0, r_n=1.0):
    rng = np.random.default_rng(seed)
    r = np.where(rng.random(lattice.n_bonds(n)) < p, r_sc, r_n)
    return effective_resistance(n, r) / lattice.normal_resistance(n, r_n)


@pytest.mark.slow
@pytest.mark.parametrize("p", [0.1, 0.2, 0.3])
def test_effective_medium_theory(p):
    values = [_uncorrelated_resistance(100, p, seed) for seed in range(6)]
    # EMT is not exact: measured deviations are 1.2%, 2.4%, 2.6% of R_N at p = 0.1, 0.2, 0.3
    # (EMT overestimates R as p_c = 1/2 nears); we require 3% of R_N.
    assert np.mean(values) == pytest.approx(1 - 2 * p, abs=0.03)


@pytest.mark.slow
def test_threshold_near_one_half():
    below = [_uncorrelated_resistance(100, 0.42, s) for s in range(6)]
    above = [_uncorrelated_resistance(100, 0.58, s) for s in range(6)]
    assert min(below) > 0
    assert max(above) == 0.0


@pytest.mark.slow
def test_dykhne_self_dual_mixture():
    g1, g2 = 1.0, 4.0
    values = [_uncorrelated_resistance(100, 0.5, s, r_sc=1 / g2, r_n=1 / g1) for s in range(6)]
    # R/R_N with R_N built from r_n = 1/g1: sigma_eff = sqrt(g1 g2) means R/R_N = g1/sqrt(g1 g2).
    expected = g1 / np.sqrt(g1 * g2)
    mean, sem = np.mean(values), np.std(values, ddof=1) / np.sqrt(len(values))
    assert abs(mean - expected) < max(4 * sem, 0.01)


# ---- resistances spanning many decades (never a silently wrong number) ----


@pytest.mark.parametrize("tiny", [1e-17, 1e-16, 1e-30])
def test_one_tiny_bond_obeys_rayleigh(tiny):
    """One bond at 1e-17 once gave 1.475 > the uniform 0.95 and 1e-16 gave inf."""
    n = 20
    r = np.ones(lattice.n_bonds(n))
    r[5] = tiny
    shorted = r.copy()
    shorted[5] = 0.0
    got = effective_resistance(n, r)
    assert got <= (n - 1) / n
    # Between the bond shorted and the bond at 1: Rayleigh, and within EXACT_RTOL of the short.
    assert effective_resistance(n, shorted) <= got <= effective_resistance(n, shorted) * (1 + 1e-11)


def test_unsolvable_range_raises_a_value_error_naming_r_bonds():
    """Half the bonds at 1e-20 once raised CholmodNotPositiveDefiniteError."""
    n = 20
    r = np.ones(lattice.n_bonds(n))
    r[np.random.default_rng(0).random(r.size) < 0.5] = 1e-20
    for backend in available_backends():
        with pytest.raises(ValueError, match="r_bonds"):
            effective_resistance(n, r, backend=backend)


def _resistance_or_none(n, r):
    try:
        return effective_resistance(n, r)
    except ValueError as exc:
        assert "r_bonds" in str(exc)
        return None


@given(
    n=st.integers(2, 8),
    data=st.data(),
    factor=st.sampled_from([2.0**-40, 0.5, 3.0, 2.0**40]),
)
def test_any_range_rayleigh_monotone_and_scale_free(n, data, factor):
    """Log-uniform resistances over 1e-30..1e30: an answer, when given, obeys the exact laws."""
    nb = lattice.n_bonds(n)
    exponents = data.draw(st.lists(st.floats(-30, 30), min_size=nb, max_size=nb))
    r = 10.0 ** np.array(exponents)
    base = _resistance_or_none(n, r)
    if base is None:
        return
    # Scaling: R(c r) = c R(r), to the documented accuracy (1e-8: rounding at a contrast of
    # 1e12 among the bonds that remain reaches ~1e-9, e.g. n = 5 with one bond at 1e-12).
    scaled = _resistance_or_none(n, factor * r)
    if scaled is not None:
        assert scaled == pytest.approx(factor * base, rel=1e-8)
    # Rayleigh: raising any bond never lowers R (to the promised accuracy).
    bond = data.draw(st.integers(0, nb - 1))
    up = r.copy()
    up[bond] *= 1e6
    raised = _resistance_or_none(n, up)
    if raised is not None:
        assert raised >= base * (1 - 1e-8)


def test_a_strong_bond_that_matters_is_refused_not_answered_wrongly():
    """n = 5, one bond at 1e-21 beside bonds at 1e-8, 1e-5 and 1: once 6e-5 off without a word."""
    e = np.zeros(lattice.n_bonds(5))
    e[[3, 4, 6]], e[17], e[37] = -8.0, -21.0, -5.0
    with pytest.raises(ValueError, match="r_bonds: bonds .* times stronger than the typical one"):
        effective_resistance(5, 10.0**e)
