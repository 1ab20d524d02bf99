"""Tests for puddles.thermo: Eq. (5) of Dezi et al., spinodal and Maxwell construction."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy import integrate

from puddles import thermo
from puddles.thermo import (
    PRESETS,
    ThermoParams,
    chemical_potential,
    density_per_cell,
    density_per_cm2,
    equilibrium_mu,
    free_energy,
    gamma_from_capacitance,
    high_density_fraction,
    inverse_compressibility,
    maxwell_construction,
    spinodal,
    spinodal_polynomial,
)

SETTINGS = settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])

# A window with both coexisting phases at finite density (found by scanning A and nu0):
# n1 ~ 0.0040, n2 ~ 0.0471, spinodal ~ 0.0112 and 0.0366.
INTERIOR = ThermoParams(W=1.0, A=2.0, B=210.0, Gamma=1.75, nu0=0.02)

finite = dict(allow_nan=False, allow_infinity=False)
W_ST = st.floats(0.2, 3.0, **finite)
A_ST = st.floats(-1.0, 3.0, **finite)
B_ST = st.floats(20.0, 1000.0, **finite)
GAMMA_ST = st.floats(0.0, 5.0, **finite)
NU0_ST = st.one_of(st.just(0.0), st.floats(1e-4, 0.2, **finite))


def eq5(n, p):
    """Eq. (5) typed as printed in the paper (valid for n > 0)."""
    return p.W / 2 * n + n * (p.A + p.B * n**2) - p.Gamma * n**2 * (2 * n + 3 * p.nu0) / (n + p.nu0) ** 2


def nu0_zero_expectations(p):
    a = p.W / 2 + p.A - 2 * p.Gamma
    n_s = math.sqrt(-a / (3 * p.B))
    n2 = math.sqrt(-2 * a / (3 * p.B))
    return a, n_s, n2, a * n2 / 3


def assert_rel(actual, expected, rtol=1e-8):
    assert actual == pytest.approx(expected, rel=rtol, abs=0.0)


# ------------------------------------------------------------------ parameters


def test_defaults_and_presets():
    p = ThermoParams()
    assert (p.W, p.A, p.B, p.Gamma, p.nu0) == (1.0, 0.0, 210.0, 1.75, 0.0)
    expected = {
        "fig6-green": (1.75, 210.0),
        "fig6-blue": (1.75, 250.0),
        "fig6-red": (1.6, 160.0),
    }
    assert list(PRESETS) == list(expected)
    for name, (gamma, b) in expected.items():
        q = ThermoParams.preset(name)
        assert q is PRESETS[name]
        assert (q.W, q.A, q.B, q.Gamma, q.nu0) == (1.0, 0.0, b, gamma, 0.0)
    assert ThermoParams.preset("fig6-green") == p


def test_unknown_preset_lists_valid_names():
    with pytest.raises(ValueError) as exc:
        ThermoParams.preset("fig6-purple")
    for name in PRESETS:
        assert name in str(exc.value)


def test_params_frozen_and_hashable():
    p = ThermoParams(B=210)
    assert hash(p) == hash(ThermoParams(B=210.0))
    assert isinstance(p.B, float)
    with pytest.raises(AttributeError):
        p.B = 1.0  # type: ignore[misc]


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"W": 0.0}, "W"),
        ({"W": -1.0}, "W"),
        ({"B": -1.0}, "B"),
        ({"Gamma": -0.1}, "Gamma"),
        ({"nu0": -1e-3}, "nu0"),
        ({"A": math.nan}, "A"),
        ({"W": math.nan}, "W"),
        ({"B": math.inf}, "B"),
        ({"Gamma": math.nan}, "Gamma"),
        ({"nu0": math.nan}, "nu0"),
        ({"A": "1"}, "A"),
        ({"B": True}, "B"),
    ],
)
def test_bad_params_raise(kwargs, name):
    with pytest.raises(ValueError, match=name):
        ThermoParams(**kwargs)


@pytest.mark.parametrize("n_max", [0.0, -1.0, math.nan, math.inf])
@pytest.mark.parametrize("func", [spinodal, maxwell_construction])
def test_bad_n_max_raises(func, n_max):
    with pytest.raises(ValueError, match="n_max"):
        func(ThermoParams(), n_max=n_max)


@pytest.mark.parametrize(
    "func", [chemical_potential, inverse_compressibility, free_energy, equilibrium_mu, high_density_fraction]
)
@pytest.mark.parametrize("n", [-0.1, [0.1, -1e-9], math.nan, [0.0, math.inf], "x"])
def test_bad_density_raises(func, n):
    with pytest.raises(ValueError, match="density"):
        func(n, ThermoParams())


def test_density_above_n_max_and_bad_p_raise():
    with pytest.raises(ValueError, match="n_max"):
        equilibrium_mu(0.6, ThermoParams(), n_max=0.5)
    with pytest.raises(ValueError, match="p must be"):
        chemical_potential(0.1, {"W": 1.0})


# ------------------------------------------------------ mu, kappa^-1 and f(n)


@SETTINGS
@given(W=W_ST, A=A_ST, B=B_ST, Gamma=GAMMA_ST, nu0=NU0_ST)
def test_mu_matches_eq5_and_shapes(W, A, B, Gamma, nu0):
    p = ThermoParams(W=W, A=A, B=B, Gamma=Gamma, nu0=nu0)
    n = np.linspace(1e-3, 0.5, 37).reshape(37, 1)
    mu = chemical_potential(n, p)
    assert mu.shape == (37, 1)
    np.testing.assert_allclose(mu, eq5(n, p), rtol=1e-12, atol=1e-12 * (W + abs(A) + B + Gamma))
    assert chemical_potential(0.0, p) == 0.0
    assert isinstance(chemical_potential(0.1, p), float)


@SETTINGS
@given(W=W_ST, A=A_ST, B=B_ST, Gamma=GAMMA_ST, nu0=NU0_ST, n=st.floats(1e-3, 0.8, **finite))
def test_kappa_is_derivative_of_mu(W, A, B, Gamma, nu0, n):
    p = ThermoParams(W=W, A=A, B=B, Gamma=Gamma, nu0=nu0)
    h = 1e-5 * n
    # Fourth-order central difference.
    fd = (
        -chemical_potential(n + 2 * h, p)
        + 8 * chemical_potential(n + h, p)
        - 8 * chemical_potential(n - h, p)
        + chemical_potential(n - 2 * h, p)
    ) / (12 * h)
    scale = W + abs(A) + B * n**2 + Gamma
    assert inverse_compressibility(n, p) == pytest.approx(fd, abs=1e-7 * scale)


def test_kappa_vectorised():
    p = INTERIOR
    n = np.linspace(0, 1, 11)
    k = inverse_compressibility(n, p)
    assert k.shape == (11,)
    np.testing.assert_allclose(k, [inverse_compressibility(float(x), p) for x in n], rtol=1e-15)
    assert k[0] == pytest.approx(p.W / 2 + p.A)  # nu0 > 0: the Gamma term vanishes at n = 0


@SETTINGS
@given(W=W_ST, A=A_ST, B=B_ST, Gamma=GAMMA_ST, nu0=NU0_ST, n=st.floats(0.0, 1.0, **finite))
def test_free_energy_is_integral_of_mu(W, A, B, Gamma, nu0, n):
    p = ThermoParams(W=W, A=A, B=B, Gamma=Gamma, nu0=nu0)
    # The band bottom bends over a density scale nu0: tell quad where.
    points = [c * nu0 for c in (1.0, 10.0) if 0.0 < c * nu0 < n] or None
    ref, err = integrate.quad(
        lambda x: chemical_potential(x, p), 0.0, n, epsabs=1e-14, epsrel=1e-12, points=points, limit=200
    )
    scale = (W + abs(A) + Gamma) * n**2 + B * n**4 + 1e-300
    assert free_energy(n, p) == pytest.approx(ref, abs=1e-11 * scale)


def test_free_energy_gamma_term_closed_form():
    # int_0^n x^2 (2x + 3 nu0) / (x + nu0)^2 dx = n^3 / (n + nu0), both nu0 = 0 and > 0.
    for nu0 in (0.0, 0.013, 0.5):
        p = ThermoParams(W=1.0, A=-0.5, B=0.0, Gamma=1.0, nu0=nu0)
        for n in (0.0, 0.01, 0.3, 1.0):
            expect = -(n**3 / (n + nu0)) if n > 0 else 0.0
            assert free_energy(n, p) == pytest.approx(expect, rel=1e-14, abs=1e-300)


@SETTINGS
@given(W=W_ST, A=A_ST, Gamma=GAMMA_ST, B=B_ST)
def test_paper_instability_criterion(W, A, Gamma, B):
    p = ThermoParams(W=W, A=A, B=B, Gamma=Gamma, nu0=0.0)
    a = W / 2 + A - 2 * Gamma
    assume(a != 0.0)
    k0 = inverse_compressibility(0.0, p)
    assert (k0 < 0) == (a < 0)
    # "negative at small n": also just above n = 0.
    n_small = 1e-3 * math.sqrt(abs(a) / B)
    assert (inverse_compressibility(n_small, p) < 0) == (a < 0)


# ---------------------------------------------------------------- nu0 = 0 closed forms


@pytest.mark.parametrize("name", list(PRESETS))
def test_presets_closed_form(name):
    p = PRESETS[name]
    a, n_s, n2, mu_star = nu0_zero_expectations(p)
    s = spinodal(p)
    assert s.shape == (1,)
    assert_rel(s[0], n_s)
    res = maxwell_construction(p)
    assert res.coexists
    assert res.n1 == 0.0
    assert_rel(res.n2, n2)
    assert_rel(res.mu_star, mu_star)
    assert 0.08 < res.n2 < 0.11  # well inside the default n_max
    assert len(res.windows) == 1 and res.windows[0] == thermo.CoexistenceWindow(res.n1, res.n2, res.mu_star)


@SETTINGS
@given(W=W_ST, A=st.floats(-1.0, 1.0, **finite), B=B_ST, Gamma=GAMMA_ST)
def test_nu0_zero_closed_form_random(W, A, B, Gamma):
    p = ThermoParams(W=W, A=A, B=B, Gamma=Gamma, nu0=0.0)
    a = W / 2 + A - 2 * Gamma
    assume(a < -1e-4)
    a, n_s, n2, mu_star = nu0_zero_expectations(p)
    assume(n2 < 0.9)
    assert_rel(spinodal(p)[0], n_s)
    res = maxwell_construction(p)
    assert res.coexists and res.n1 == 0.0
    assert_rel(res.n2, n2)
    assert_rel(res.mu_star, mu_star)


# --------------------------------------------------------------- general checks


@SETTINGS
@given(W=W_ST, A=A_ST, B=B_ST, Gamma=GAMMA_ST, nu0=st.floats(1e-4, 0.2, **finite))
def test_spinodal_matches_polynomial_roots(W, A, B, Gamma, nu0):
    p = ThermoParams(W=W, A=A, B=B, Gamma=Gamma, nu0=nu0)
    s = spinodal(p)
    roots = np.roots(spinodal_polynomial(p))
    real = roots[np.abs(roots.imag) <= 1e-9 * np.abs(roots)].real
    real = np.sort(real[(real > 0.0) & (real <= 1.0)])
    # A near-double root (kappa^-1 barely touching zero) is ill-conditioned for np.roots.
    assume(len(real) < 2 or real[1] - real[0] > 1e-4)
    np.testing.assert_allclose(s, real, rtol=1e-6)
    assert np.all(np.diff(s) > 0)
    k = inverse_compressibility(s, p)
    assert np.all(np.abs(k) <= 1e-9 * (W + abs(A) + B + Gamma))


def equal_area(p, res):
    f = lambda x: chemical_potential(x, p) - res.mu_star  # noqa: E731
    signed, _ = integrate.quad(f, res.n1, res.n2, epsabs=1e-15, epsrel=1e-13, limit=200)
    total, _ = integrate.quad(lambda x: abs(f(x)), res.n1, res.n2, epsabs=1e-15, limit=200)
    return signed, total


@pytest.mark.parametrize("p", [*PRESETS.values(), INTERIOR], ids=[*PRESETS, "interior"])
def test_equal_area_rule(p):
    res = maxwell_construction(p)
    signed, total = equal_area(p, res)
    assert total > 0
    assert abs(signed) <= 1e-9 * total


def test_interior_window():
    p = INTERIOR
    res = maxwell_construction(p)
    assert res.coexists and len(res.windows) == 1
    assert 0.0 < res.n1 < res.n2 < 1.0
    assert res.n1 == pytest.approx(0.00404173205, rel=1e-8)
    assert res.n2 == pytest.approx(0.04713671281, rel=1e-8)
    s = spinodal(p)
    assert len(s) == 2 and res.n1 < s[0] < s[1] < res.n2
    scale = abs(res.mu_star)
    for n in (res.n1, res.n2):
        assert chemical_potential(n, p) == pytest.approx(res.mu_star, abs=1e-12 * scale)
    f1, f2 = free_energy(res.n1, p), free_energy(res.n2, p)
    assert (f2 - f1) / (res.n2 - res.n1) == pytest.approx(res.mu_star, rel=1e-10)
    # The tangent line touches f at n1 and n2 and lies below it everywhere else.
    x = np.union1d(np.linspace(0, 1, 200_001), np.linspace(res.n1, res.n2, 20_001))
    gap = free_energy(x, p) - (f1 + res.mu_star * (x - res.n1))
    fscale = np.abs(free_energy(x, p)).max()
    assert gap.min() >= -1e-14 * fscale
    assert abs(gap[np.searchsorted(x, res.n1)]) <= 1e-14 * fscale
    assert abs(free_energy(res.n2, p) - (f1 + res.mu_star * (res.n2 - res.n1))) <= 1e-14 * fscale
    inside = (x > res.n1 + 1e-4) & (x < res.n2 - 1e-4)
    assert gap[inside].min() > 0  # f is strictly above the bridge between the contacts


def test_n1_at_origin_with_finite_nu0():
    # nu0 > 0 but mu* < 0 = mu(0): the low-density phase is still the empty band.
    p = ThermoParams(W=1.0, A=0.0, B=210.0, Gamma=1.75, nu0=0.02)
    res = maxwell_construction(p)
    assert res.n1 == 0.0 and res.mu_star < 0
    assert chemical_potential(res.n2, p) == pytest.approx(res.mu_star, rel=1e-12)
    assert free_energy(res.n2, p) / res.n2 == pytest.approx(res.mu_star, rel=1e-12)


@SETTINGS
@given(W=W_ST, A=A_ST, B=B_ST, Gamma=GAMMA_ST, nu0=NU0_ST)
def test_equilibrium_mu_monotone_and_tangent(W, A, B, Gamma, nu0):
    p = ThermoParams(W=W, A=A, B=B, Gamma=Gamma, nu0=nu0)
    res = maxwell_construction(p)
    n = np.linspace(0.0, 1.0, 2001)
    mu_eq = equilibrium_mu(n, p)
    scale = W + abs(A) + B + Gamma
    assert np.all(np.diff(mu_eq) >= -1e-12 * scale)
    if not res.coexists:
        np.testing.assert_array_equal(mu_eq, chemical_potential(n, p))
        return
    inside = (n >= res.n1) & (n <= res.n2)
    assert np.all(mu_eq[inside] == res.mu_star)
    np.testing.assert_array_equal(mu_eq[~inside], chemical_potential(n[~inside], p))
    # Tangent below f (hull property) on the grid.
    gap = free_energy(n, p) - (free_energy(res.n1, p) + res.mu_star * (n - res.n1))
    assert gap.min() >= -1e-12 * np.abs(free_energy(n, p)).max()


# --------------------------------------------------------------- stable and lever


def test_stable_system():
    p = ThermoParams(Gamma=0.0)
    assert spinodal(p).size == 0
    res = maxwell_construction(p)
    assert not res.coexists
    assert res.n1 is None and res.n2 is None and res.mu_star is None and res.windows == ()
    n = np.linspace(0, 1, 101)
    np.testing.assert_array_equal(equilibrium_mu(n, p), chemical_potential(n, p))
    np.testing.assert_array_equal(high_density_fraction(n, p), np.zeros_like(n))
    # nu0 large enough to stabilise the presets' Gamma with A = 2 eV.
    assert not maxwell_construction(ThermoParams(W=1.0, A=2.0, B=210.0, Gamma=1.75, nu0=0.05)).coexists


@pytest.mark.parametrize("p", [PRESETS["fig6-green"], INTERIOR], ids=["green", "interior"])
def test_high_density_fraction_lever_rule(p):
    res = maxwell_construction(p)
    n = np.linspace(0, 0.3, 3001)
    x = high_density_fraction(n, p)
    assert x.shape == n.shape
    assert np.all(np.diff(x) >= 0)
    assert x.min() == 0.0 and x.max() == 1.0
    assert np.all(x[n <= res.n1] == 0.0) and np.all(x[n >= res.n2] == 1.0)
    mid = 0.5 * (res.n1 + res.n2)
    assert high_density_fraction(mid, p) == pytest.approx(0.5, rel=1e-12)
    inside = (n > res.n1) & (n < res.n2)
    np.testing.assert_allclose(x[inside], (n[inside] - res.n1) / (res.n2 - res.n1), rtol=1e-12)
    assert isinstance(high_density_fraction(0.05, p), float)


def test_window_beyond_n_max_raises():
    with pytest.raises(ValueError, match="n_max"):
        maxwell_construction(PRESETS["fig6-green"], n_max=0.05)
    with pytest.raises(ValueError, match="n_max"):
        maxwell_construction(PRESETS["fig6-green"], n_max=0.09)
    with pytest.raises(ValueError, match="n_max"):
        maxwell_construction(ThermoParams(B=0.0))
    # A window that closes just inside n_max is still found.
    n2 = maxwell_construction(PRESETS["fig6-green"]).n2
    assert maxwell_construction(PRESETS["fig6-green"], n_max=n2 + 1e-6).n2 == pytest.approx(n2, rel=1e-12)


def test_construction_is_cached():
    p = PRESETS["fig6-blue"]
    assert maxwell_construction(p) is maxwell_construction(p, n_max=1)
    assert not maxwell_construction(p).spinodal.flags.writeable


# ------------------------------------------------------------------------ units


def test_gamma_from_capacitance():
    gamma = gamma_from_capacitance(10.0, 3e-8)
    # e / (2 C a^2) = 1.602e-19 C / (2 * 1e-5 F/cm^2 * 9e-16 cm^2) = 8.90 V -> eV per electron
    assert gamma == pytest.approx(1.602176634e-19 / (2 * 10e-6 * 9e-16), rel=1e-14)
    assert gamma == pytest.approx(8.901, rel=1e-3)
    assert 5 < gamma < 15  # "about 10 eV" in the paper
    with pytest.raises(ValueError, match="C_uF_per_cm2"):
        gamma_from_capacitance(0.0, 3e-8)
    with pytest.raises(ValueError, match="a_cm"):
        gamma_from_capacitance(10.0, math.nan)


def test_density_units():
    assert density_per_cm2(1.0, 3e-8) == pytest.approx(1.111e15, rel=1e-3)
    n = np.array([0.0, 0.05, 0.1])
    np.testing.assert_allclose(density_per_cell(density_per_cm2(n, 3e-8), 3e-8), n, rtol=1e-15)
    assert density_per_cell(1.1e15, 3e-8) == pytest.approx(0.99, rel=1e-12)
    with pytest.raises(ValueError, match="a_cm"):
        density_per_cm2(0.1, -3e-8)
    with pytest.raises(ValueError, match="n_cm2"):
        density_per_cell(-1.0, 3e-8)


def test_weight_from_fraction_clamps_to_skeleton():
    from puddles.thermo import weight_from_fraction

    assert weight_from_fraction(0.5, 0.28) == (0.5, False)
    assert weight_from_fraction(0.1, 0.28) == (0.28, True)
    assert weight_from_fraction(1.0, 0.28) == (1.0, False)
    assert weight_from_fraction(1.0, 0.28, 0.99) == (0.99, True)
    with pytest.raises(ValueError, match="x"):
        weight_from_fraction(1.5, 0.28)
    with pytest.raises(ValueError, match="w_skeleton"):
        weight_from_fraction(0.5, float("nan"))


@pytest.mark.parametrize("preset", ["fig6-green", "fig6-blue", "fig6-red"])
def test_density_from_weight_inverts_the_lever_rule_and_the_weight_map(preset):
    from puddles.thermo import density_from_weight, weight_from_fraction

    p = ThermoParams.preset(preset)
    res = maxwell_construction(p)
    wsk, wmax = 0.27, 0.93
    for w in np.linspace(wsk, wmax, 13):
        n = density_from_weight(w, p, wsk, wmax)
        assert res.n1 <= n <= res.n2
        # Round trip through the forward maps (density -> lever fraction -> weight).
        back, clamped = weight_from_fraction(high_density_fraction(n, p), wsk, wmax)
        assert back == pytest.approx(w, abs=1e-12) and not clamped
    # Limits: the window's ends for w = 0 and w = 1 (no skeleton, no ceiling).
    assert density_from_weight(0.0, p) == pytest.approx(res.n1, abs=1e-15)
    assert density_from_weight(1.0, p) == pytest.approx(res.n2, rel=1e-15)
    # Monotone: more weight needs more density.
    ns = [density_from_weight(w, p) for w in np.linspace(0.0, 1.0, 11)]
    assert np.all(np.diff(ns) > 0)


def test_density_from_weight_refuses_what_no_density_gives():
    from puddles.thermo import density_from_weight

    p = ThermoParams.preset("fig6-green")
    for w in (0.2, 0.95, float("nan"), -1.0):
        with pytest.raises(ValueError, match=r"^w "):
            density_from_weight(w, p, 0.27, 0.93)
    with pytest.raises(ValueError, match="w_max"):
        density_from_weight(0.5, p, 0.3, 0.2)
    stable = ThermoParams(W=1.0, A=1.0, B=10.0, Gamma=0.0, nu0=0.01)
    assert not maxwell_construction(stable).coexists
    with pytest.raises(ValueError, match="no phase coexistence"):
        density_from_weight(0.5, stable)
