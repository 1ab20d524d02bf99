"""Calibration of the fit's error bars, tested statistically (slow, run in CI).

Twenty synthetic films, each ONE realization (N = 50) of a seed the fit never uses
(900000 + i; the fit's realizations come from master seed 1), with 1 % relative noise
(noise seeds 1000 + i): percolating, tc_mean = 10 K, sigma = 1 K, w = 0.6, w2 = 0.1,
r_n = 100 ohm, 60 points over 4-16 K. They are fitted as one series (fit_series: the
same 8 realizations for every film - what a user does, and it shares evaluations) and
the test asserts, per parameter, how often the truth lies within 1 and 2 stated standard
errors (1-sigma coverage in [0.5, 0.9], 2-sigma coverage >= 0.85).

w is the exception, documented in docs/fit_uncertainties.md: in a percolating film the
curve barely depends on w, the estimate stays near its start (0.45) and the bootstrap
error bar is as wide as that offset, so its 1-sigma interval over-covers (measured 1.00):
conservative, and asserted as such.

The same run measures the recovery figures quoted in the README and in puddles.fit
(RECOVERY_SINGLE below). Runtime: 160-220 s measured on the 2-core machine shared with other
jobs (the 20 fits share their realizations and run in the engine's worker pool).
"""

import numpy as np
import pytest

from puddles.examples import synthetic_rt
from puddles.fit import fit_series

TRUTH = dict(tc_mean=10.0, sigma=1.0, w=0.6, w2=0.1, r_n=100.0)
FILMS = 20
#: Measured root-mean-square deviation from the truth over the 20 films (the quoted figures).
RECOVERY_SINGLE = dict(tc_mean=0.40, sigma=0.20, w=0.15, w2=0.10, r_n=0.61)


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
    for name, truth in TRUTH.items():
        value, err = series.column(name), series.column(f"{name}_stderr")
        z = np.abs(value - truth) / err
        one, two = np.mean(z < 1), np.mean(z < 2)
        rms = float(np.sqrt(np.mean((value - truth) ** 2)))
        print(f"\n{name}: 1-sigma coverage {one:.2f}, 2-sigma {two:.2f}, median stderr {np.median(err):.3g}, "
              f"rms deviation {rms:.3g}")
        assert two >= 0.85, name
        if name == "w":
            assert one >= 0.5  # conservative (see the module docstring)
        else:
            assert 0.5 <= one <= 0.9, name
        # The quoted recovery figure is what this run measures (rounded).
        assert rms == pytest.approx(RECOVERY_SINGLE[name], rel=0.05), name
