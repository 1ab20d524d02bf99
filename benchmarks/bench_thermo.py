"""Timing of puddles.thermo against naive baselines measured in the same run.

Run as ``python benchmarks/bench_thermo.py``; prints a markdown table of medians.

* ``maxwell_construction`` (target <= 5 ms), timed cold (cache cleared before every
  call) and warm (cached), against a brute-force construction: scan mu* on a grid,
  then brentq on the equal-area integral evaluated with scipy.integrate.quad.
* mu(n) and kappa^-1(n) on 1000 densities (target <= 1 ms), against a pure-Python loop.
"""

from __future__ import annotations

import sys

import numpy as np
from _timing import median_time
from scipy import integrate, optimize

from puddles import thermo
from puddles.thermo import PRESETS, ThermoParams, chemical_potential, inverse_compressibility, maxwell_construction

INTERIOR = ThermoParams(W=1.0, A=2.0, B=210.0, Gamma=1.75, nu0=0.02)


def _mu_py(x: float, p: ThermoParams) -> float:
    # Eq. (5) as printed; the n = 0, nu0 = 0 point is its limit 0.
    if x == 0.0:
        return 0.0
    return p.W / 2 * x + x * (p.A + p.B * x * x) - p.Gamma * x * x * (2 * x + 3 * p.nu0) / (x + p.nu0) ** 2


def _kappa_py(x: float, p: ThermoParams) -> float:
    if x == 0.0 and p.nu0 == 0.0:
        return p.W / 2 + p.A - 2 * p.Gamma
    return p.W / 2 + p.A + 3 * p.B * x * x - 2 * p.Gamma * (1 - (p.nu0 / (x + p.nu0)) ** 3)


def naive_curve(n: list[float], p: ThermoParams):
    return [_mu_py(x, p) for x in n], [_kappa_py(x, p) for x in n]


def naive_maxwell(p: ThermoParams, n_max: float = 1.0, n_scan: int = 40):
    """Brute force: locate the loop of mu(n) on a grid, scan mu*, brentq on equal areas."""
    grid = np.linspace(0.0, n_max, 2001)
    mu = np.array([_mu_py(float(x), p) for x in grid])
    dmu = np.diff(mu)
    falling = np.nonzero(dmu < 0)[0]
    if falling.size == 0:
        return None
    lo, hi = grid[falling[0]], grid[falling[-1] + 1]  # local max / min of mu on the grid

    def mu_minus(x, m):
        return _mu_py(x, p) - m

    def area(m):
        n1 = 0.0 if m <= _mu_py(0.0, p) else optimize.brentq(mu_minus, 0.0, lo, args=(m,))
        n2 = optimize.brentq(mu_minus, hi, n_max, args=(m,))
        return integrate.quad(mu_minus, n1, n2, args=(m,), limit=200)[0], n1, n2

    m_lo, m_hi = _mu_py(hi, p), _mu_py(lo, p)
    scan = np.linspace(m_lo, m_hi, n_scan)[1:-1]
    values = [area(m)[0] for m in scan]
    for k in range(len(scan) - 1):
        if values[k] > 0 >= values[k + 1]:
            m_star = optimize.brentq(lambda m: area(m)[0], scan[k], scan[k + 1], xtol=1e-15)
            _, n1, n2 = area(m_star)
            return n1, n2, m_star
    return None


def main() -> int:
    rows = []
    cases = [("fig6-green (n1 = 0)", PRESETS["fig6-green"]), ("interior window (nu0 = 0.02)", INTERIOR)]
    for label, p in cases:
        ours = maxwell_construction(p)
        base = naive_maxwell(p)
        assert base is not None
        agree = max(abs(ours.n1 - base[0]), abs(ours.n2 - base[1]), abs(ours.mu_star - base[2]))
        t_cold = median_time(lambda: maxwell_construction(p), 200, setup=thermo._maxwell_cached.cache_clear)[0]
        maxwell_construction(p)
        t_warm = median_time(lambda: maxwell_construction(p), 2000)[0]
        t_base = median_time(lambda: naive_maxwell(p), 7)[0]
        rows.append((f"`maxwell_construction`, {label}, cold", t_cold, 5e-3, t_base, f"max diff vs baseline {agree:.1e}"))
        rows.append((f"`maxwell_construction`, {label}, cached", t_warm, 5e-3, t_base, ""))

    p = PRESETS["fig6-green"]
    n = np.linspace(0.0, 1.0, 1000)
    n_list = n.tolist()
    mu_b, k_b = naive_curve(n_list, p)
    agree = max(
        float(np.max(np.abs(chemical_potential(n, p) - mu_b))),
        float(np.max(np.abs(inverse_compressibility(n, p) - k_b))),
    )
    t_curve = median_time(lambda: (chemical_potential(n, p), inverse_compressibility(n, p)), 500)[0]
    t_curve_base = median_time(lambda: naive_curve(n_list, p), 50)[0]
    rows.append(("mu(n) + kappa^-1(n), 1000 points", t_curve, 1e-3, t_curve_base, f"max diff vs baseline {agree:.1e} eV"))

    print(f"python {sys.version.split()[0]}, numpy {np.__version__}\n")
    print("| benchmark | median | target | baseline median | speed-up | status | note |")
    print("|---|---:|---:|---:|---:|---|---|")
    ok = True
    for name, t, target, t_base, note in rows:
        status = "ok" if t <= target else "MISSED"
        ok &= t <= target
        print(
            f"| {name} | {t * 1e3:.4f} ms | <= {target * 1e3:g} ms | {t_base * 1e3:.2f} ms "
            f"| {t_base / t:,.0f}x | {status} | {note} |"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
