"""Calibration of the fit's error bars, tested statistically (slow, run in CI).

Thirty synthetic films, each ONE realization (N = 50) of a seed the fit never uses
(900000 + i; the fit's realizations come from master seed 1), with 1 % relative noise
(noise seeds 1000 + i): percolating, tc_mean = 10 K, sigma = 1 K, w = 0.6, w2 = 0.1,
r_n = 100 ohm, 60 points over 4-16 K. They are fitted as one series (fit_series: the
same 8 realizations for every film - what a user does, and it shares evaluations) and
the test asserts, for every parameter, how often the truth lies within 1 and 2 stated
standard errors (1-sigma coverage in [0.5, 0.9], 2-sigma coverage >= 0.85). Thirty rather
than twenty films: a coverage of 0.68 measured on n films scatters by 0.47 / sqrt(n)
(0.10 with 20, 0.085 with 30).

Measured: 1-sigma coverage tc_mean 0.73, sigma 0.80, w 0.80, w2 0.67, r_n 0.83; 2-sigma
0.87-1.00.

The same run measures the recovery figures quoted in the README and in puddles.fit
(RECOVERY_SINGLE below). Runtime: 56 s measured (83-86 s before main's exact-when-cheaper curves) on the 2-core machine shared with
other jobs (load 3-5; the 30 fits share their realizations).
"""

import numpy as np
import pytest

from puddles.examples import synthetic_rt
from puddles.fit import fit_series

TRUTH = dict(tc_mean=10.0, sigma=1.0, w=0.6, w2=0.1, r_n=100.0)
FILMS = 30
#: Measured root-mean-square deviation from the truth over the 20 films (the quoted figures).
RECOVERY_SINGLE = dict(tc_mean=0.36, sigma=0.21, w=0.17, w2=0.091, r_n=0.56)


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_error_bars_cover_the_truth_on_single_realizations():
    T = np.linspace(4.0, 16.0, 60)
    films = [
        synthetic_rt(T, n=50, w=TRUTH["w"], w2=TRUTH["w2"], tc_mean=10.0, sigma=1.0, r_n=100.0, realizations=1,
                     seed=900_000 + i, noise=0.01, noise_seed=1000 + i, tol=0.02)
        for i in range(FILMS)
    ]
    series = fit_series(films, n=50, realizations=8, seed=1)
    rows = {}
    for name, truth in TRUTH.items():
        value, err = series.column(name), series.column(f"{name}_stderr")
        z = np.abs(value - truth) / err
        rms = float(np.sqrt(np.mean((value - truth) ** 2)))
        rows[name] = (np.mean(z < 1), np.mean(z < 2), rms)
        print(f"\n{name}: 1-sigma coverage {rows[name][0]:.2f}, 2-sigma {rows[name][1]:.2f}, "
              f"median stderr {np.median(err):.3g}, rms deviation {rms:.3g}")
    for name, (one, two, rms) in rows.items():
        assert 0.5 <= one <= 0.9, name
        assert two >= 0.85, name
        # The quoted recovery figure is what this run measures (rounded).
        assert rms == pytest.approx(RECOVERY_SINGLE[name], rel=0.05), name
