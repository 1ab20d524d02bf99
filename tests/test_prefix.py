"""Grouped exact evaluation of prefix conductances (puddles.prefix) against direct solves."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from puddles import Network, lattice, prefix
from puddles.percolation import superconducting_labels
from puddles.solver import available_backends, effective_resistance
from puddles.transport import UniversalCurve, prefix_resistance

BACKENDS = available_backends()


def direct_conductance(n, order, k, backend=None):
    """1/R of the prefix order[:k] from one independent, ungrouped solve (R0 = 1)."""
    r = np.ones(lattice.n_bonds(n))
    r[order[:k]] = 0.0
    return 1.0 / effective_resistance(n, r, backend=backend)


def random_order(n, seed, fraction=0.6):
    """A random bond order that never joins the leads (it avoids one full column cut)."""
    rng = np.random.default_rng(seed)
    nb = lattice.n_bonds(n)
    a, b = lattice.bond_endpoints(n)
    cut = n // 2
    # Horizontal bonds crossing from column cut-1 to cut stay normal: the leads never join.
    crossing = (a % n == cut - 1) & (b % n == cut)
    allowed = np.flatnonzero(~crossing)
    return rng.permutation(allowed)[: int(fraction * nb)]


def super_node_count(n, order, k):
    sc = np.zeros(lattice.n_bonds(n), dtype=bool)
    sc[order[:k]] = True
    return np.unique(superconducting_labels(n, sc)).size


@given(seed=st.integers(0, 10_000), n=st.integers(3, 14))
def test_forest_ranks_count_super_nodes(seed, n):
    order = random_order(n, seed)
    ranks = prefix.forest_ranks(n, order)
    for k in np.linspace(0, order.size, 7).astype(int):
        assert prefix.n_super_nodes(n, ranks, k) == super_node_count(n, order, k)


def test_lead_column_bonds_are_never_joining():
    """Bonds inside a lead column duplicate the lead itself (regression: they once broke the forest)."""
    n = 8
    a, b = lattice.bond_endpoints(n)
    in_lead = np.flatnonzero((a % n == b % n) & ((a % n == 0) | (a % n == n - 1)))
    order = np.concatenate([in_lead, random_order(n, 1, 0.3)])
    ranks = prefix.forest_ranks(n, order)
    assert ranks.min() >= in_lead.size
    for k in range(0, order.size, 5):
        assert prefix.n_super_nodes(n, ranks, k) == super_node_count(n, order, k)


@pytest.mark.parametrize("backend", BACKENDS)
@given(seed=st.integers(0, 10_000), n=st.integers(3, 16), data=st.data())
def test_group_agrees_with_direct_solves(backend, seed, n, data):
    order = random_order(n, seed)
    ranks = prefix.forest_ranks(n, order)
    ks = sorted(set(data.draw(st.lists(st.integers(0, order.size), min_size=1, max_size=8))))
    group = prefix.Group(ks[0], tuple(ks[1:]))
    g_base, g_targets = prefix.group_conductances(n, *prefix.group_arguments(order, ranks, group), backend)
    assert g_base == pytest.approx(direct_conductance(n, order, ks[0], backend), rel=1e-10)
    for k, g in zip(ks[1:], g_targets):
        assert g == pytest.approx(direct_conductance(n, order, k, backend), rel=1e-10)


def test_group_refuses_a_percolating_base():
    n = 5
    left_to_right = np.arange(n - 1)  # horizontal bonds of row 0, in bond order
    with pytest.raises(ValueError, match="joins the leads"):
        prefix.group_conductances(n, left_to_right, np.array([], dtype=int), [])


def test_plan_covers_every_k_once_and_follows_the_cost_model():
    net = Network.generate(60, 0.45, 0.1, seed=3)
    curve = net.curve
    ranks = prefix.forest_ranks(net.n, curve.order[: curve.k_max])
    ks = np.unique(np.linspace(1, curve.k_max - 1, 40).astype(int))
    groups = prefix.plan_groups(net.n, ranks, ks)
    seen = [k for g in groups for k in [g.base, *g.targets]]
    assert seen == ks.tolist()
    assert all(g.base < t for g in groups for t in g.targets)
    # The plan is never costlier, on its own model, than one factorisation per k.
    assert sum(g.cost for g in groups) <= sum(
        prefix.plan_groups(net.n, ranks, [k])[0].cost for k in ks
    ) + 1e-9
    # Close prefixes (few new constraints) share a factorisation.
    dense = np.arange(1, 12)
    assert len(prefix.plan_groups(net.n, ranks, dense)) == 1


@pytest.mark.parametrize("seed", [0, 5])
def test_whole_curve_agrees_with_direct_solves(seed):
    """The engine's exact curve (grouped, maybe in the pool) is the direct solve at every k."""
    net = Network.generate(64, 0.45, 0.1, seed=seed)
    x = np.linspace(-4.5, 4.5, 120)
    g = net.universal_curve(x, tol=None)
    ks = np.minimum(net.curve.k_of_x(x), net.curve.k_max)
    for k, value in zip(ks, g):
        percolated = net.k_perc is not None and k >= net.k_perc
        expected = 0.0 if percolated else prefix_resistance(net.n, net.cluster.order, k)
        assert value == pytest.approx(expected, rel=1e-10, abs=1e-14)


def test_curve_in_process_equals_pool(monkeypatch):
    net = Network.generate(64, 0.45, 0.1, seed=2)
    order, z = net.cluster.order, net.cluster.z_sorted
    ks = np.unique(np.linspace(1, net.curve.k_max - 1, 30).astype(int))
    pooled = UniversalCurve(net.n, order, z, net.k_perc).exact(ks)
    monkeypatch.setenv("PUDDLES_WORKERS", "1")
    alone = UniversalCurve(net.n, order, z, net.k_perc).exact(ks)
    np.testing.assert_allclose(pooled, alone, rtol=1e-12)


def test_group_falls_back_to_direct_solves_if_the_schur_factor_fails(monkeypatch):
    n = 10
    order = random_order(n, 3)
    ranks = prefix.forest_ranks(n, order)
    group = prefix.Group(5, (40, 90, 150))

    def refuse(*args, **kwargs):
        raise prefix.LinAlgError("not positive definite")

    monkeypatch.setattr(prefix, "cholesky", refuse)
    _, g_targets = prefix.group_conductances(n, *prefix.group_arguments(order, ranks, group))
    for k, g in zip(group.targets, g_targets):
        assert g == pytest.approx(direct_conductance(n, order, k), rel=1e-12)
