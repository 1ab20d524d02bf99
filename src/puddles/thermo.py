"""Electronic phase separation in an ionic-liquid gated 2D film.

This module provides the zero-temperature thermodynamics of the model in Sec. III of
Dezi, Scopigno, Caprara and Grilli (PRB), which links the inhomogeneity seen in
ionic-liquid gated superconducting films to a negative electronic compressibility. The
electron density ``n`` equals the countercharge density ``nu`` (both in electrons per
unit cell) and the chemical potential, in eV, is their Eq. (5),

    mu(n) = (W/2) n + n (A + B n^2) - Gamma n^2 (2 n + 3 nu0) / (n + nu0)^2 .

From it the module derives

* the inverse compressibility ``kappa^-1 = d mu / d n`` and the free energy per cell
  ``f(n) = int_0^n mu dn'``, both in closed form;
* the spinodal densities (``kappa^-1 = 0``);
* the Maxwell construction, i.e. the common tangent / lower convex hull of ``f`` on
  ``[0, n_max]``, which also covers an empty-band (``n = 0``) low-density phase;
* the equilibrium ``mu(n)`` (flat across coexistence) and the lever-rule fraction of
  the sample occupied by the high-density phase. That fraction is the bridge to the
  random-resistor network: it can set the superconducting weight ``w``.
* unit helpers between the lattice units used here and laboratory units.

Closed forms
------------
With ``a = W/2 + A - 2 Gamma`` and ``q = nu0 / (n + nu0)`` (``q = 0`` when ``nu0 = 0``)::

    mu(n)      = a n + B n^3 + Gamma n q (1 + q)
    kappa^-1   = a + 3 B n^2 + 2 Gamma q^3
    f(n)       = a n^2 / 2 + B n^4 / 4 + Gamma n^2 q

These are Eq. (5), its derivative and its integral rearranged. The integral uses that
the Gamma term of ``mu`` is ``d/dn [n eps0(n)]`` with the band bottom
``eps0 = -Gamma n^2 / (n + nu0)``, so that
``int_0^n n'^2 (2 n' + 3 nu0) / (n' + nu0)^2 dn' = n^3 / (n + nu0)``.

Because ``d^2 kappa^-1 / dn^2 = 6 B + 24 Gamma q^5 / nu0^2 >= 0``, the inverse
compressibility is convex in ``n``: the unstable set ``kappa^-1 < 0`` is a single
interval, there are at most two spinodal densities and at most one coexistence window.
The hull code below does not rely on this (it would report several windows); the
spinodal search does.

Units: energies in eV, densities in electrons per unit cell unless a name says
otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from numbers import Real

import numpy as np
from scipy import optimize

__all__ = [
    "weight_from_fraction",
    "density_from_weight",
    "DEFAULT_N_MAX",
    "PRESETS",
    "ThermoParams",
    "CoexistenceWindow",
    "MaxwellResult",
    "chemical_potential",
    "inverse_compressibility",
    "free_energy",
    "spinodal",
    "spinodal_polynomial",
    "maxwell_construction",
    "equilibrium_mu",
    "high_density_fraction",
    "gamma_from_capacitance",
    "density_per_cm2",
    "density_per_cell",
]

#: Default upper end (electrons per unit cell) of the density range searched for
#: phase coexistence. The Fig. 6 windows end near n ~ 0.1, well inside it.
DEFAULT_N_MAX = 1.0

# Elementary charge in coulombs (exact in the 2019 SI).
_E_CHARGE_C = 1.602176634e-19
# 1 uF/cm^2 in F/cm^2.
_UF = 1e-6

# Uniform hull grid, plus a denser patch around the unstable interval so that narrow
# windows (close to the critical point) still span many grid points.
_N_GRID = 1025
_N_DENSE = 513
# Relative tolerance of the Brent root searches: as tight as scipy allows.
_RTOL = 4 * np.finfo(float).eps


# --------------------------------------------------------------------------- params


def _check_real(name: str, value, allowed: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{name} must be a real number ({allowed}), got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite ({allowed}), got {value!r}")
    return value


@dataclass(frozen=True)
class ThermoParams:
    """Parameters of the chemical potential of Eq. (5), all in eV (``nu0`` excepted).

    Parameters
    ----------
    W : float
        Electron bandwidth in eV; the density of states is ``1/W`` per spin. Must be
        finite and > 0.
    A : float
        Quadratic countercharge coefficient in eV (short-range ion-ion term). Any finite
        value.
    B : float
        Quartic countercharge coefficient in eV; it stops the collapse at high density.
        Must be finite and >= 0.
    Gamma : float
        Rate at which the bottom of the 2D band is pulled down by the countercharges, in
        eV; ``Gamma = e / (2 C a^2)`` (see :func:`gamma_from_capacitance`). Must be
        finite and >= 0.
    nu0 : float
        Countercharge density (electrons per unit cell) below which electrons stay
        bound to the ions and the band bottom no longer moves linearly. Must be finite
        and >= 0.

    Notes
    -----
    The instance is frozen and hashable, so it can key caches. Instances compare equal
    whenever all fields are equal as floats.

    ``PRESETS`` holds the three Fig. 6 curves (all with ``A = 0``):

    ===============  =========  =======
    name             Gamma/eV   B/eV
    ===============  =========  =======
    ``fig6-green``   1.75       210
    ``fig6-blue``    1.75       250
    ``fig6-red``     1.6        160
    ===============  =========  =======

    The paper does not print ``W`` and ``nu0`` for Fig. 6. The presets use ``W = 1 eV``
    (the bandwidth it quotes as typical) and ``nu0 = 0``; both are our assumption.
    """

    W: float = 1.0
    A: float = 0.0
    B: float = 210.0
    Gamma: float = 1.75
    nu0: float = 0.0

    def __post_init__(self) -> None:
        checks = {
            "W": ("finite and > 0", lambda v: v > 0),
            "A": ("any finite value", lambda v: True),
            "B": ("finite and >= 0", lambda v: v >= 0),
            "Gamma": ("finite and >= 0", lambda v: v >= 0),
            "nu0": ("finite and >= 0", lambda v: v >= 0),
        }
        for name, (allowed, ok) in checks.items():
            value = _check_real(name, getattr(self, name), allowed)
            if not ok(value):
                raise ValueError(f"{name} must be {allowed}, got {value!r}")
            # Coerce ints/numpy scalars so equal parameters hash equally.
            object.__setattr__(self, name, value)

    @property
    def a(self) -> float:
        """``W/2 + A - 2 Gamma`` in eV.

        For ``nu0 = 0`` this is ``kappa^-1(0)``; the film is unstable at small density
        exactly when it is negative.
        """
        return 0.5 * self.W + self.A - 2.0 * self.Gamma

    @classmethod
    def preset(cls, name: str) -> ThermoParams:
        """Return one of the Fig. 6 parameter sets by name.

        Parameters
        ----------
        name : str
            ``"fig6-green"``, ``"fig6-blue"`` or ``"fig6-red"``.

        Raises
        ------
        ValueError
            If ``name`` is not a known preset; the message lists the valid names.
        """
        try:
            return PRESETS[name]
        except (KeyError, TypeError):
            valid = ", ".join(repr(k) for k in PRESETS)
            raise ValueError(f"unknown preset name {name!r}; valid names: {valid}") from None


#: The Fig. 6 parameter sets, keyed by curve colour (see :class:`ThermoParams`).
PRESETS: dict[str, ThermoParams] = {
    "fig6-green": ThermoParams(W=1.0, A=0.0, B=210.0, Gamma=1.75, nu0=0.0),
    "fig6-blue": ThermoParams(W=1.0, A=0.0, B=250.0, Gamma=1.75, nu0=0.0),
    "fig6-red": ThermoParams(W=1.0, A=0.0, B=160.0, Gamma=1.6, nu0=0.0),
}


def _check_params(p) -> ThermoParams:
    if not isinstance(p, ThermoParams):
        raise ValueError(f"p must be a ThermoParams instance, got {type(p).__name__}")
    return p


def _check_density(n, name: str = "n") -> np.ndarray:
    try:
        arr = np.asarray(n, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} (density) must be a real number or array, got {n!r}") from None
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} (density) must be finite, got NaN or inf")
    if np.any(arr < 0):
        raise ValueError(f"{name} (density) must be >= 0, got min {arr.min()!r}")
    return arr


def _check_n_max(n_max) -> float:
    n_max = _check_real("n_max", n_max, "finite and > 0")
    if not n_max > 0:
        raise ValueError(f"n_max must be finite and > 0, got {n_max!r}")
    return n_max


def _out(arr: np.ndarray):
    return float(arr) if arr.ndim == 0 else arr


# ------------------------------------------------------------------ thermodynamics


def _q(n: np.ndarray, nu0: float) -> np.ndarray:
    # q = nu0 / (n + nu0) = 1 - r; for nu0 = 0 the n -> 0+ limit q = 0 avoids a 0/0.
    if nu0 == 0.0:
        return np.zeros_like(n)
    return nu0 / (n + nu0)


# Written around a = W/2 + A - 2 Gamma rather than W/2 + A: near the critical point
# (a -> 0-) this avoids the cancellation (W/2 + A) n - 2 Gamma n.
def _mu_raw(n: np.ndarray, p: ThermoParams) -> np.ndarray:
    q = _q(n, p.nu0)
    return p.a * n + p.B * n**3 + p.Gamma * n * q * (1.0 + q)


def _kappa_raw(n: np.ndarray, p: ThermoParams) -> np.ndarray:
    q = _q(n, p.nu0)
    return p.a + 3.0 * p.B * n**2 + 2.0 * p.Gamma * q**3


def _f_raw(n: np.ndarray, p: ThermoParams) -> np.ndarray:
    q = _q(n, p.nu0)
    return 0.5 * p.a * n**2 + 0.25 * p.B * n**4 + p.Gamma * n**2 * q


def chemical_potential(n, p: ThermoParams):
    """Electron chemical potential of Eq. (5).

    Parameters
    ----------
    n : float or array_like
        Electron density (= countercharge density) in electrons per unit cell, >= 0.
    p : ThermoParams
        Model parameters.

    Returns
    -------
    float or numpy.ndarray
        ``mu(n)`` in eV, same shape as ``n`` (a float for scalar input).

    Raises
    ------
    ValueError
        If ``n`` is negative or not finite, or ``p`` is not a :class:`ThermoParams`.
    """
    p = _check_params(p)
    return _out(_mu_raw(_check_density(n), p))


def inverse_compressibility(n, p: ThermoParams):
    """Inverse electronic compressibility ``kappa^-1 = d mu / d n`` (analytic).

    Parameters
    ----------
    n : float or array_like
        Electron density in electrons per unit cell, >= 0.
    p : ThermoParams
        Model parameters.

    Returns
    -------
    float or numpy.ndarray
        ``kappa^-1(n)`` in eV per (electron per unit cell), same shape as ``n``.
        Negative values mark densities where the homogeneous film is unstable.

    Notes
    -----
    ``kappa^-1 = W/2 + A + 3 B n^2 - 2 Gamma [1 - nu0^3 / (n + nu0)^3]``. For
    ``nu0 = 0`` this is ``W/2 + A - 2 Gamma + 3 B n^2``, negative at small ``n`` exactly
    when ``W/2 + A - 2 Gamma < 0`` (the criterion stated in the paper).
    """
    p = _check_params(p)
    return _out(_kappa_raw(_check_density(n), p))


def free_energy(n, p: ThermoParams):
    """Free energy per unit cell ``f(n) = int_0^n mu(n') dn'`` (analytic).

    Parameters
    ----------
    n : float or array_like
        Electron density in electrons per unit cell, >= 0.
    p : ThermoParams
        Model parameters.

    Returns
    -------
    float or numpy.ndarray
        ``f(n)`` in eV per unit cell, with ``f(0) = 0``.

    Notes
    -----
    ``f = (W/2 + A) n^2/2 + B n^4/4 - Gamma n^3 / (n + nu0)``, using
    ``int_0^n n'^2 (2 n' + 3 nu0) / (n' + nu0)^2 dn' = n^3 / (n + nu0)``, valid for
    ``nu0 = 0`` (where it is ``n^2``) as well as ``nu0 > 0``.
    """
    p = _check_params(p)
    return _out(_f_raw(_check_density(n), p))


# Scalar versions for the Newton refinement, where numpy call overhead would dominate.
def _mu_s(x: float, p: ThermoParams) -> float:
    q = 0.0 if p.nu0 == 0.0 else p.nu0 / (x + p.nu0)
    return p.a * x + p.B * x**3 + p.Gamma * x * q * (1.0 + q)


def _kappa_s(x: float, p: ThermoParams) -> float:
    q = 0.0 if p.nu0 == 0.0 else p.nu0 / (x + p.nu0)
    return p.a + 3.0 * p.B * x * x + 2.0 * p.Gamma * q**3


def _dkappa_s(x: float, p: ThermoParams) -> float:
    if p.nu0 == 0.0:
        return 6.0 * p.B * x
    q = p.nu0 / (x + p.nu0)
    return 6.0 * p.B * x - 6.0 * p.Gamma * q**4 / p.nu0


def _f_s(x: float, p: ThermoParams) -> float:
    q = 0.0 if p.nu0 == 0.0 else p.nu0 / (x + p.nu0)
    return 0.5 * p.a * x * x + 0.25 * p.B * x**4 + p.Gamma * x * x * q


# ------------------------------------------------------------------------ spinodal


def spinodal_polynomial(p: ThermoParams) -> np.ndarray:
    """Polynomial whose non-negative real roots are the spinodal densities.

    Parameters
    ----------
    p : ThermoParams
        Model parameters.

    Returns
    -------
    numpy.ndarray
        Coefficients, highest power first (``numpy.roots`` order). For ``nu0 = 0`` this
        is ``3 B n^2 + a`` with ``a = W/2 + A - 2 Gamma``; for ``nu0 > 0`` it is
        ``kappa^-1 (n + nu0)^3 = (W/2 + A - 2 Gamma + 3 B n^2)(n + nu0)^3 + 2 Gamma nu0^3``.

    Notes
    -----
    For ``nu0 = 0`` the factor ``n^3`` is not multiplied in: it would add a spurious
    triple root at ``n = 0``.
    """
    p = _check_params(p)
    if p.nu0 == 0.0:
        return np.array([3.0 * p.B, 0.0, p.a])
    cube = np.array([1.0, 3.0 * p.nu0, 3.0 * p.nu0**2, p.nu0**3])
    poly = np.polymul([3.0 * p.B, 0.0, p.a], cube)
    poly[-1] += 2.0 * p.Gamma * p.nu0**3
    return poly


def _unstable_interval(p: ThermoParams, n_max: float):
    """Return ``(lo, hi, roots)``: the closure of ``{kappa^-1 < 0}`` in ``[0, n_max]``.

    ``lo``/``hi`` are None when the film is stable on the whole range; ``roots`` are the
    spinodal densities. Convexity of ``kappa^-1`` makes the unstable set one interval
    and lets brentq bracket each root on either side of the minimum.
    """
    k0, k1 = _kappa_s(0.0, p), _kappa_s(n_max, p)
    d0, d1 = _dkappa_s(0.0, p), _dkappa_s(n_max, p)
    if d0 >= 0.0:
        x_min = 0.0
    elif d1 <= 0.0:
        x_min = n_max
    else:
        x_min = optimize.brentq(_dkappa_s, 0.0, n_max, args=(p,), xtol=1e-300, rtol=_RTOL)
    k_min = _kappa_s(x_min, p)
    if k_min > 0.0:
        return None, None, np.empty(0)
    if k_min == 0.0:
        # Marginal: kappa^-1 touches zero without turning negative. An identically
        # zero kappa^-1 (B = 0, Gamma nu0 = 0, a = 0) is reported as stable.
        if k0 == 0.0 and k1 == 0.0:
            return None, None, np.empty(0)
        return None, None, np.array([x_min])
    roots = []
    lo = 0.0
    if k0 >= 0.0:
        lo = optimize.brentq(_kappa_s, 0.0, x_min, args=(p,), xtol=1e-300, rtol=_RTOL)
        roots.append(lo)
    hi = n_max
    if k1 >= 0.0:
        hi = optimize.brentq(_kappa_s, x_min, n_max, args=(p,), xtol=1e-300, rtol=_RTOL)
        roots.append(hi)
    return lo, hi, np.array(roots)


def spinodal(p: ThermoParams, n_max: float = DEFAULT_N_MAX) -> np.ndarray:
    """Spinodal densities: all ``n`` in ``[0, n_max]`` where ``kappa^-1 = d mu/dn = 0``.

    Parameters
    ----------
    p : ThermoParams
        Model parameters.
    n_max : float, optional
        Upper end of the density range, electrons per unit cell (> 0, finite).

    Returns
    -------
    numpy.ndarray
        Sorted spinodal densities in electrons per unit cell; empty when the film is
        stable (``kappa^-1 > 0``) on the whole range, and also when ``kappa^-1 < 0`` on
        all of it (no sign change inside ``[0, n_max]``). Because ``kappa^-1`` is convex in
        ``n`` there are at most two. For ``nu0 = 0`` and ``a = W/2 + A - 2 Gamma < 0``
        the single root is ``sqrt(-a / (3 B))``.

    Raises
    ------
    ValueError
        If ``n_max`` is not finite and > 0.

    Notes
    -----
    The roots are bracketed on either side of the minimum of ``kappa^-1`` and found
    with Brent's method to machine precision. :func:`spinodal_polynomial` gives the same
    roots as a polynomial (used by the tests as an independent check).
    """
    p = _check_params(p)
    n_max = _check_n_max(n_max)
    return _unstable_interval(p, n_max)[2]


# ----------------------------------------------------------- Maxwell construction


@dataclass(frozen=True)
class CoexistenceWindow:
    """One two-phase region of the Maxwell construction.

    Attributes
    ----------
    n1, n2 : float
        Densities of the coexisting low- and high-density phases, electrons per unit
        cell, ``n1 < n2``. ``n1 = 0`` means the low-density phase is the empty band.
    mu_star : float
        Common chemical potential in eV; the slope of the common tangent of ``f``.
    """

    n1: float
    n2: float
    mu_star: float


@dataclass(frozen=True)
class MaxwellResult:
    """Result of :func:`maxwell_construction`.

    Attributes
    ----------
    coexists : bool
        Whether any two-phase window exists in ``[0, n_max]``.
    n1, n2 : float or None
        Low- and high-density coexisting phases of the first window (electrons per unit
        cell), None when nothing coexists.
    mu_star : float or None
        Coexistence chemical potential of the first window in eV, None when nothing
        coexists.
    windows : tuple of CoexistenceWindow
        All windows, by increasing density (at most one for Eq. (5)).
    spinodal : numpy.ndarray
        Spinodal densities in ``[0, n_max]`` (see :func:`spinodal`); read-only, since
        results are cached and shared.
    n_max : float
        Upper end of the density range that was searched.
    """

    coexists: bool
    n1: float | None
    n2: float | None
    mu_star: float | None
    windows: tuple[CoexistenceWindow, ...] = ()
    spinodal: np.ndarray = field(default_factory=lambda: np.empty(0), compare=False)
    n_max: float = DEFAULT_N_MAX


def _lower_hull(x: np.ndarray, y: np.ndarray) -> list[int]:
    # Andrew's monotone chain on points already sorted by x; collinear points are
    # dropped so that a straight hull edge is one edge.
    hull: list[int] = []
    xs, ys = x.tolist(), y.tolist()
    for k in range(len(xs)):
        xk, yk = xs[k], ys[k]
        while len(hull) >= 2:
            i, j = hull[-2], hull[-1]
            if (xs[j] - xs[i]) * (yk - ys[i]) - (ys[j] - ys[i]) * (xk - xs[i]) <= 0.0:
                hull.pop()
            else:
                break
        hull.append(k)
    return hull


def _chord_s(x1: float, x2: float, p: ThermoParams) -> float:
    """``(f(x2) - f(x1)) / (x2 - x1)``, with the difference taken analytically."""
    s = x1 + x2
    out = 0.5 * p.a * s + 0.25 * p.B * s * (x1 * x1 + x2 * x2)
    if p.nu0 > 0.0:
        nu = p.nu0
        out += p.Gamma * nu * (x1 * x2 + nu * s) / ((x1 + nu) * (x2 + nu))
    return out


def _dd_mu_s(x1: float, x2: float, p: ThermoParams) -> float:
    """``(mu(x2) - mu(x1)) / (x2 - x1)``, analytically; tends to ``kappa^-1`` as x2 -> x1."""
    out = p.a + p.B * (x1 * x1 + x1 * x2 + x2 * x2)
    if p.nu0 > 0.0:
        nu = p.nu0
        prod = (x1 + nu) * (x2 + nu)
        out += p.Gamma * nu**3 * (x1 + x2 + 2.0 * nu) / (prod * prod)
    return out


def _endpoint_g(x: float, p: ThermoParams) -> float:
    # (mu(x) - f(x)/x) / x, simplified by hand: zero at the n1 = 0 tangent point and,
    # unlike mu x - f, without a spurious root at x = 0.
    q = 0.0 if p.nu0 == 0.0 else p.nu0 / (x + p.nu0)
    return 0.5 * p.a + 0.75 * p.B * x * x + p.Gamma * q * q


def _endpoint_dg(x: float, p: ThermoParams) -> float:
    if p.nu0 == 0.0:
        return 1.5 * p.B * x
    q = p.nu0 / (x + p.nu0)
    return 1.5 * p.B * x - 2.0 * p.Gamma * q**3 / p.nu0


def _refine_endpoint(x2: float, p: ThermoParams, lo: float, hi: float) -> float | None:
    """Solve the one-sided tangent condition ``mu(n2) = f(n2) / n2`` (n1 = 0).

    ``lo < hi`` bracket the root: ``g(lo) < 0`` at the end of the unstable interval and
    ``g(hi) > 0`` at ``n_max`` when the window closes inside the range.
    """
    x, prev = x2, math.inf
    for _ in range(50):
        dg = _endpoint_dg(x, p)
        if not dg > 0.0:
            break
        step = _endpoint_g(x, p) / dg
        x_new = x - step
        if not lo <= x_new <= hi:
            break
        x = x_new
        if abs(step) <= 1e-12 * x:
            return x
        if abs(step) >= 0.5 * prev and abs(step) <= 1e-6 * x:
            # No longer contracting although tiny: the rounding noise floor.
            return x
        prev = abs(step)
    if _endpoint_g(lo, p) < 0.0 < _endpoint_g(hi, p):
        return optimize.brentq(_endpoint_g, lo, hi, args=(p,), xtol=1e-300, rtol=_RTOL)
    return None


def _refine_interior(x1: float, x2: float, p: ThermoParams) -> tuple[float, float] | None:
    """Newton solution of ``mu(n1) = mu(n2) = (f(n2) - f(n1)) / (n2 - n1)``."""
    n1, n2, prev = x1, x2, math.inf
    for _ in range(60):
        d = n2 - n1
        m1, m2 = _mu_s(n1, p), _mu_s(n2, p)
        k1, k2 = _kappa_s(n1, p), _kappa_s(n2, p)
        g1 = _dd_mu_s(n1, n2, p)
        chord = _chord_s(n1, n2, p)
        g2 = chord - 0.5 * (m1 + m2)
        # Exact partial derivatives of the divided differences.
        j11, j12 = (g1 - k1) / d, (k2 - g1) / d
        j21 = (chord - m1) / d - 0.5 * k1
        j22 = (m2 - chord) / d - 0.5 * k2
        det = j11 * j22 - j12 * j21
        if not (det != 0.0 and math.isfinite(det)):
            break
        s1 = (j22 * g1 - j12 * g2) / det
        s2 = (j11 * g2 - j21 * g1) / det
        n1_new, n2_new = n1 - s1, n2 - s2
        if not (0.0 < n1_new < n2_new):
            break
        n1, n2 = n1_new, n2_new
        step = max(abs(s1), abs(s2))
        if step <= 1e-12 * n2 or (step >= 0.5 * prev and step <= 1e-6 * (n2 - n1)):
            # Converged, or no longer contracting although tiny (rounding noise floor
            # close to a critical point).
            return n1, n2
        prev = step
    return None


def _equal_area_fallback(p: ThermoParams, lo: float, hi: float, n_max: float) -> tuple[float, float] | None:
    """Slow but safe fallback: Brent's method on mu* for the equal-area condition.

    ``lo < hi`` are the spinodal densities, so mu increases on ``[0, lo]`` and on
    ``[hi, n_max]``; for ``mu(hi) < m < mu(lo)`` each branch has one root, and
    ``chord(n1(m), n2(m)) - m`` decreases with m.
    """
    if not 0.0 < lo < hi < n_max:
        return None

    def branches(m):
        n1 = optimize.brentq(lambda x: _mu_s(x, p) - m, 0.0, lo, xtol=1e-300, rtol=_RTOL)
        n2 = optimize.brentq(lambda x: _mu_s(x, p) - m, hi, n_max, xtol=1e-300, rtol=_RTOL)
        return n1, n2

    def area(m):
        n1, n2 = branches(m)
        return _chord_s(n1, n2, p) - m

    m_lo, m_hi = max(_mu_s(hi, p), _mu_s(0.0, p)), _mu_s(lo, p)
    if not (m_lo < m_hi and _mu_s(n_max, p) > m_hi):
        return None
    eps = 1e-15 * (abs(m_lo) + abs(m_hi))
    a_lo, a_hi = m_lo + eps, m_hi - eps
    if not area(a_lo) > 0.0 > area(a_hi):
        return None
    m = optimize.brentq(area, a_lo, a_hi, xtol=1e-300, rtol=_RTOL)
    return branches(m)


def _tangent_ok(n1: float, n2: float, mu_star: float, x: np.ndarray, fx: np.ndarray, p) -> bool:
    f1 = _f_s(n1, p)
    scale = float(np.max(np.abs(fx))) + abs(mu_star) * float(x[-1]) + 1e-300
    gap = fx - (f1 + mu_star * (x - n1))
    return bool(np.min(gap) >= -1e-9 * scale)


@lru_cache(maxsize=256)
def _maxwell_cached(p: ThermoParams, n_max: float) -> MaxwellResult:
    lo, hi, roots = _unstable_interval(p, n_max)
    roots.setflags(write=False)
    if lo is None:
        # kappa^-1 >= 0 everywhere: f is convex and equals its hull.
        return MaxwellResult(False, None, None, None, (), roots, n_max)
    if _kappa_s(n_max, p) < 0.0:
        raise ValueError(
            f"n_max={n_max!r} is too small: kappa^-1 < 0 at n_max, so the coexistence "
            "window extends beyond it; increase n_max (with B = 0 no n_max suffices)"
        )

    width = hi - lo
    x = np.union1d(
        np.linspace(0.0, n_max, _N_GRID),
        np.linspace(max(0.0, lo - 2.0 * width), min(n_max, hi + 2.0 * width), _N_DENSE),
    )
    fx = _f_raw(x, p)
    hull = _lower_hull(x, fx)

    windows = []
    for i, j in zip(hull[:-1], hull[1:]):
        # A bridge skips grid points; only those over the unstable region are real
        # coexistence (elsewhere a skipped point is rounding on a nearly straight f).
        if j == i + 1 or x[j] <= lo or x[i] >= hi:
            continue
        window = None
        if i == 0 or _kappa_s(0.0, p) < 0.0:
            n2 = _refine_endpoint(float(x[j]), p, hi, n_max)
            if n2 is not None:
                mu_star = _mu_s(n2, p)
                # n = 0 is the low-density phase only if the tangent from the origin
                # stays below f near 0, i.e. mu(0) = 0 >= mu*.
                if mu_star <= 0.0 and _tangent_ok(0.0, n2, mu_star, x, fx, p):
                    window = CoexistenceWindow(0.0, n2, mu_star)
        if window is None:
            sol = _refine_interior(float(x[max(i, 1)]), float(x[j]), p)
            if sol is None:
                sol = _equal_area_fallback(p, lo, hi, n_max)
            if sol is not None:
                n1, n2 = sol
                mu_star = _chord_s(n1, n2, p)
                if _tangent_ok(n1, n2, mu_star, x, fx, p):
                    window = CoexistenceWindow(n1, n2, mu_star)
        if window is None and j == len(x) - 1:
            raise ValueError(
                f"n_max={n_max!r} is too small: the common tangent of f does not close "
                "inside [0, n_max]; increase n_max"
            )
        if window is None:
            depth = abs(_mu_s(lo, p) - _mu_s(hi, p))
            hint = ""
            if depth <= 1e-12 * (abs(_mu_s(hi, p)) + abs(p.a) * hi + 1e-300):
                hint = (
                    "; the loop of mu(n) across the spinodal interval is only "
                    f"{depth:.3g} eV deep, within rounding of a critical point"
                )
            raise RuntimeError(
                f"Maxwell construction failed to converge for {p!r}, n_max={n_max!r} "
                f"(hull estimate n1={x[i]:.6g}, n2={x[j]:.6g}){hint}"
            )
        if window.n2 > n_max:
            raise ValueError(
                f"n_max={n_max!r} is too small: the coexistence window ends at "
                f"n2={window.n2:.6g}; increase n_max"
            )
        windows.append(window)

    if not windows:
        return MaxwellResult(False, None, None, None, (), roots, n_max)
    first = windows[0]
    return MaxwellResult(True, first.n1, first.n2, first.mu_star, tuple(windows), roots, n_max)


def maxwell_construction(p: ThermoParams, n_max: float = DEFAULT_N_MAX) -> MaxwellResult:
    """Phase coexistence from the common tangent (lower convex hull) of ``f(n)``.

    Parameters
    ----------
    p : ThermoParams
        Model parameters.
    n_max : float, optional
        Upper end of the density range in electrons per unit cell (> 0, finite). The
        default, 1 electron per cell, covers the Fig. 6 windows (``n2 ~ 0.09-0.11``).

    Returns
    -------
    MaxwellResult
        ``coexists`` is False (and ``n1``, ``n2``, ``mu_star`` None) when the film is
        stable on ``[0, n_max]``. Otherwise the window(s), each with ``n1 < n2`` in
        electrons per unit cell and ``mu_star`` in eV, satisfy
        ``mu(n1) = mu(n2) = mu_star = (f(n2) - f(n1)) / (n2 - n1)`` (equal areas), or
        for an empty-band low-density phase ``n1 = 0`` and ``mu(n2) = f(n2) / n2``.

    Raises
    ------
    ValueError
        If ``n_max`` is not finite and > 0, or if the window is not closed inside
        ``[0, n_max]`` (then increase ``n_max``; with ``B = 0`` nothing stops the
        collapse and no ``n_max`` is large enough).
    RuntimeError
        If the tangent cannot be resolved in double precision; this happens only within
        ~1e-10 eV of a critical point, where the loop of ``mu(n)`` is a few ulp deep.

    Notes
    -----
    The hull of ``f`` is first taken on a grid (1025 uniform points plus 513 around
    the unstable interval); each hull edge that bridges the unstable region gives the
    starting point of a Newton solution of the tangent equations, converged to machine
    precision. The result is accepted only if the tangent line lies below ``f`` on the
    whole grid. For ``nu0 = 0`` and ``a = W/2 + A - 2 Gamma < 0`` the result is
    ``n1 = 0``, ``n2 = sqrt(-2 a / (3 B))``, ``mu_star = a n2 / 3``.

    Results are cached per ``(p, n_max)`` (the parameters are frozen and hashable), so
    repeated calls, e.g. from :func:`equilibrium_mu`, cost a dictionary lookup.
    """
    p = _check_params(p)
    return _maxwell_cached(p, _check_n_max(n_max))


def _domain(n, n_max: float) -> np.ndarray:
    arr = _check_density(n)
    if np.any(arr > n_max):
        raise ValueError(
            f"n (density) must be <= n_max={n_max!r}, got max {arr.max()!r}; pass a larger n_max"
        )
    return arr


def equilibrium_mu(n, p: ThermoParams, n_max: float = DEFAULT_N_MAX):
    """Thermodynamically stable chemical potential (Maxwell-constructed).

    Parameters
    ----------
    n : float or array_like
        Mean electron density in electrons per unit cell, in ``[0, n_max]``.
    p : ThermoParams
        Model parameters.
    n_max : float, optional
        Density range of the Maxwell construction (see :func:`maxwell_construction`).

    Returns
    -------
    float or numpy.ndarray
        ``mu(n)`` in eV outside coexistence and ``mu_star`` inside ``[n1, n2]``: the
        derivative of the lower convex hull of ``f``. Non-decreasing in ``n``.

    Raises
    ------
    ValueError
        If ``n`` is negative, not finite or above ``n_max``, if ``n_max`` is invalid, or
        if the coexistence window does not close inside ``[0, n_max]``.
    """
    p = _check_params(p)
    n_max = _check_n_max(n_max)
    arr = _domain(n, n_max)
    res = _maxwell_cached(p, n_max)
    out = _mu_raw(arr, p)
    for w in res.windows:
        out = np.where((arr >= w.n1) & (arr <= w.n2), w.mu_star, out)
    return _out(np.asarray(out, dtype=float))


def high_density_fraction(n, p: ThermoParams, n_max: float = DEFAULT_N_MAX):
    """Lever rule: fraction of the sample occupied by the high-density phase.

    Parameters
    ----------
    n : float or array_like
        Mean electron density in electrons per unit cell, in ``[0, n_max]``.
    p : ThermoParams
        Model parameters.
    n_max : float, optional
        Density range of the Maxwell construction (see :func:`maxwell_construction`).

    Returns
    -------
    float or numpy.ndarray
        Dimensionless fraction in ``[0, 1]``: 0 for ``n <= n1``,
        ``(n - n1) / (n2 - n1)`` inside the window, 1 for ``n >= n2``. It is
        continuous and non-decreasing and can drive the superconducting weight ``w`` of
        the network.

        Without coexistence the film is homogeneous and a "high-density phase" is not
        defined; the function then returns 0.0 for every ``n``, by convention.

    Raises
    ------
    ValueError
        If ``n`` is negative, not finite or above ``n_max``, if ``n_max`` is invalid, or
        if the coexistence window does not close inside ``[0, n_max]``.

    Notes
    -----
    The fraction refers to the first (lowest-density) window; Eq. (5) never has more
    than one.
    """
    p = _check_params(p)
    n_max = _check_n_max(n_max)
    arr = _domain(n, n_max)
    res = _maxwell_cached(p, n_max)
    if res.n1 is None or res.n2 is None:  # nothing coexists
        return _out(np.zeros_like(arr))
    x = np.clip((arr - res.n1) / (res.n2 - res.n1), 0.0, 1.0)
    return _out(np.asarray(x, dtype=float))


# --------------------------------------------------------------------------- units


def _check_weight_limits(w_skeleton, w_max) -> tuple[float, float]:
    """``(w_skeleton, w_max)`` as floats with ``0 <= w_skeleton <= w_max <= 1``, else ValueError."""
    w_skeleton = _check_real("w_skeleton", w_skeleton, "a fraction in [0, 1]")
    w_max = _check_real("w_max", w_max, "a fraction in [w_skeleton, 1]")
    if not (0.0 <= w_skeleton <= 1.0):
        raise ValueError(f"w_skeleton must lie in [0, 1], got {w_skeleton}")
    if not (w_skeleton <= w_max <= 1.0):
        raise ValueError(f"w_max must lie in [w_skeleton, 1] = [{w_skeleton}, 1], got {w_max}")
    return w_skeleton, w_max


def weight_from_fraction(x, w_skeleton: float, w_max: float = 1.0) -> tuple[float, bool]:
    """Superconducting weight ``w`` of the network for a high-density fraction ``x``.

    The bridge from phase separation to the network (our modelling choice, not the
    paper's): superconducting puddles live in the high-density phase, so the fraction of
    potentially superconducting bonds is the lever-rule fraction itself, ``w = x``. The
    filamentary skeleton is always there, so ``w`` cannot drop below its fraction, and
    puddles centred on the skeleton may not reach every bond (``w_max``, see
    ``Network.w_max``):

        w = clip(x, w_skeleton, w_max)

    Parameters
    ----------
    x : float
        High-density fraction in [0, 1] (see :func:`high_density_fraction`).
    w_skeleton : float
        Skeleton fraction of the network, in [0, 1].
    w_max : float
        Largest weight the network can reach, in [w_skeleton, 1].

    Returns
    -------
    w : float
        The weight to build the network with.
    clamped : bool
        True when ``w != x`` (x was outside [w_skeleton, w_max]).
    """
    x = _check_real("x", x, "a fraction in [0, 1]")
    if not (0.0 <= x <= 1.0):
        raise ValueError(f"x (high-density fraction) must lie in [0, 1], got {x}")
    w_skeleton, w_max = _check_weight_limits(w_skeleton, w_max)
    w = min(max(x, w_skeleton), w_max)
    return w, not math.isclose(w, x, abs_tol=1e-12)


def density_from_weight(
    w, p: ThermoParams, w_skeleton: float = 0.0, w_max: float = 1.0, n_max: float = DEFAULT_N_MAX
) -> float:
    """Mean density that sets the weight ``w``: the inverse lever rule.

    Inverts ``weight_from_fraction(high_density_fraction(n, p), w_skeleton, w_max)`` on the
    range where that map is one to one: ``x = w`` and

        n = n1 + w (n2 - n1)

    inside the coexistence window ``[n1, n2]`` of :func:`maxwell_construction`. At
    ``w = w_skeleton`` every density with ``x <= w_skeleton`` gives the same weight; the one
    returned is the largest, ``x = w_skeleton`` (the one that is not clamped).

    Parameters
    ----------
    w : float
        Superconducting weight of the network, in ``[w_skeleton, w_max]``.
    p : ThermoParams
        Model parameters; they must give phase coexistence.
    w_skeleton, w_max : float
        Limits of the weight, as in :func:`weight_from_fraction`.
    n_max : float, optional
        Density range of the Maxwell construction (see :func:`maxwell_construction`).

    Returns
    -------
    float
        Mean electron density in electrons per unit cell, in ``[n1, n2]``.

    Raises
    ------
    ValueError
        If ``w`` is outside ``[w_skeleton, w_max]`` or the limits are invalid, or if the
        parameters give no coexistence (a homogeneous film: no density sets ``w``).
    """
    w = _check_real("w", w, "a weight in [w_skeleton, w_max]")
    w_skeleton, w_max = _check_weight_limits(w_skeleton, w_max)
    if not (w_skeleton <= w <= w_max):
        raise ValueError(f"w (superconducting weight) must lie in [w_skeleton, w_max] = [{w_skeleton}, {w_max}], got {w}")
    res = maxwell_construction(p, n_max)
    if not res.coexists:
        raise ValueError(
            "p (thermodynamic parameters) give no phase coexistence (a homogeneous film): no density sets w"
        )
    n1, n2 = res.n1, res.n2
    assert n1 is not None and n2 is not None  # coexists guarantees both
    return float(n1 + w * (n2 - n1))


def gamma_from_capacitance(C_uF_per_cm2: float, a_cm: float) -> float:
    """Band-bottom coefficient ``Gamma = e / (2 C a^2)`` from the interface capacitance.

    Parameters
    ----------
    C_uF_per_cm2 : float
        Interface capacitance per area in uF/cm^2 (> 0).
    a_cm : float
        Lattice spacing of the 2D unit cell in cm (> 0).

    Returns
    -------
    float
        ``Gamma`` in eV. The ratio ``e / (C a^2)`` is a voltage; acting on one electron
        it is the same number in eV. ``C = 10 uF/cm^2`` and ``a = 3e-8 cm`` give
        ``Gamma = 8.9 eV`` (the paper rounds to ~10 eV).

    Raises
    ------
    ValueError
        If an argument is not finite and > 0.
    """
    C = _check_real("C_uF_per_cm2", C_uF_per_cm2, "finite and > 0")
    a = _check_real("a_cm", a_cm, "finite and > 0")
    if not C > 0:
        raise ValueError(f"C_uF_per_cm2 must be finite and > 0, got {C!r}")
    if not a > 0:
        raise ValueError(f"a_cm must be finite and > 0, got {a!r}")
    return _E_CHARGE_C / (2.0 * C * _UF * a * a)


def _check_a(a_cm) -> float:
    a = _check_real("a_cm", a_cm, "finite and > 0")
    if not a > 0:
        raise ValueError(f"a_cm must be finite and > 0, got {a!r}")
    return a


def density_per_cm2(n, a_cm: float):
    """Convert a density from electrons per unit cell to electrons per cm^2.

    Parameters
    ----------
    n : float or array_like
        Density in electrons per unit cell (>= 0).
    a_cm : float
        Lattice spacing in cm (> 0); the cell area is ``a^2``.

    Returns
    -------
    float or numpy.ndarray
        ``n / a^2`` in cm^-2; one electron per cell with ``a = 3e-8 cm`` is
        ``1.11e15 cm^-2``.
    """
    a = _check_a(a_cm)
    return _out(_check_density(n) / (a * a))


def density_per_cell(n_cm2, a_cm: float):
    """Convert a density from electrons per cm^2 to electrons per unit cell.

    Parameters
    ----------
    n_cm2 : float or array_like
        Density in cm^-2 (>= 0).
    a_cm : float
        Lattice spacing in cm (> 0).

    Returns
    -------
    float or numpy.ndarray
        ``n_cm2 * a^2`` in electrons per unit cell (inverse of :func:`density_per_cm2`).
    """
    a = _check_a(a_cm)
    return _out(_check_density(n_cm2, "n_cm2") * (a * a))
