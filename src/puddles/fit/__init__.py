"""Fitting measured R(T) curves with the puddle network model.

>>> from puddles.examples import load_example
>>> from puddles.fit import fit_rt
>>> data = load_example("zrncl_like_w2_0.20")                        # doctest: +SKIP
>>> result = fit_rt(data, n=100, realizations=8, seed=1)             # doctest: +SKIP
>>> print(result.fit_report())                                       # doctest: +SKIP

The model is ``R(T) = R_N(T) Fbar((T - tc_mean) / sigma; w, w2)`` with ``Fbar`` the average of
the universal curves of ``realizations`` networks (:mod:`puddles.fit.curves`), ``R_N(T) =
r_n`` or ``r_n (1 + alpha (T - tc_mean))``. Only ``w`` and ``w2`` change the networks, so
``(tc_mean, sigma, r_n[, alpha])`` are a cheap inner problem (:mod:`puddles.fit.inner`)
profiled out of the outer fit over ``(w, w2)`` (:mod:`puddles.fit.outer`). The error bars
count the noise and the disorder of one measured film (:mod:`puddles.fit.uncertainty`,
``docs/fit_uncertainties.md``); diagnostics say when the model does not describe the data
(:mod:`puddles.fit.diagnostics`). :func:`fit_series` fits a gate-voltage or density
series with common random numbers and draws the paper's Fig. 1(b)-(e) from it.

What one curve determines
-------------------------
Measured (``tests/test_fit_coverage.py``, ``tests/test_fit.py``; 1 % noise, 60 points, 8
realizations of a seed the data never use):

* **one film** (one realization of an unseen seed, N = 50; rms deviation from the truth over
  30 films): Tc_mean 0.36 K (4 %), sigma 0.21 K (21 %), R_N 0.56 ohm (0.6 %), w 0.17,
  w2 0.09; the stated 1-sigma errors cover the truth in 67-83 % of the films for every
  parameter;
* **averaged data** (16 realizations of an unseen seed, N = 100): Tc_mean within 2.5 %,
  sigma within 10 %, R_N within 0.3 %, w within 0.15, w2 within 0.05.

``w`` is the weak spot: in a percolating film the curve barely depends on it, and with a
plateau ``w`` and ``w2`` trade off along a valley of chi^2. Fix one from other knowledge
(``fix={"w": ...}``) when you can.
"""

from .curves import X_GRID
from .prepare import estimate_noise
from .result import PARAMETER_INFO, FitResult, Parameter
from .rt import fit_rt
from .series import SeriesResult, fit_series, read_series

__all__ = [
    "PARAMETER_INFO",
    "X_GRID",
    "FitResult",
    "Parameter",
    "SeriesResult",
    "estimate_noise",
    "fit_rt",
    "fit_series",
    "read_series",
]
