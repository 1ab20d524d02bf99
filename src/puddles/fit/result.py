"""The outcome of a fit: parameters with uncertainties, the fitted curve, report and export.

Follows lmfit's conventions where they fit: :class:`Parameter` has ``value``, ``stderr``,
``min``, ``max``, ``vary`` and ``correl``; :class:`FitResult` has ``chisqr``, ``redchi``,
``covar``, ``var_names``, ``fit_report()``, ``eval_uncertainty(T)`` (the 1-sigma band of the
model from the parameter covariance), ``to_lmfit_params()`` and ``uvalue`` (an
``uncertainties`` number) per parameter. ``save``/``load`` round-trip through the JSON
export, which is also what ``to_json`` writes.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, fields

import numpy as np

from .. import __version__
from ..io import export_fit_csv, export_fit_json, fit_to_csv_str, fit_to_json_str
from .curves import derivative

__all__ = ["PARAMETER_INFO", "FitResult", "Parameter"]

#: Name -> (unit in ohm data, description). Units of r_n follow the data ("ohm" or "1").
PARAMETER_INFO = {
    "tc_mean": ("K", "mean local critical temperature"),
    "sigma": ("K", "standard deviation of the local critical temperatures"),
    "w": ("1", "superconducting weight (skeleton + puddles) / all bonds"),
    "w2": ("1", "probability that a filament bond no puddle covers is broken (the model's w2)"),
    "r_n": ("ohm", "normal-state resistance at T = tc_mean"),
    "alpha": ("1/K", "relative slope of the normal-state resistance at tc_mean"),
}


@dataclass(frozen=True)
class Parameter:
    """One fitted parameter (lmfit-like).

    Attributes
    ----------
    name : str
    value : float
        Best-fit value.
    stderr : float or None
        Total standard error, ``sqrt(stderr_noise**2 + stderr_disorder**2)``; None for a
        fixed parameter; NaN when it cannot be estimated (a singular curvature matrix).
    stderr_noise : float or None
        Part from the measurement noise.
    stderr_disorder : float or None
        Part from the disorder: the measured film is one realization and the model an
        average of ``realizations`` (see :mod:`puddles.fit.uncertainty`); NaN with one
        realization.
    min, max : float
        Bounds used.
    vary : bool
        False for a parameter held fixed.
    unit, description : str
    correl : dict of str to float
        Correlation coefficients with the other free parameters (lmfit's ``correl``).
    """

    name: str
    value: float
    stderr: float | None
    stderr_noise: float | None
    stderr_disorder: float | None
    min: float
    max: float
    vary: bool = True
    unit: str = ""
    description: str = ""
    correl: dict = field(default_factory=dict)

    @property
    def uvalue(self):
        """The value with its standard error as an ``uncertainties`` number (needs the package)."""
        from uncertainties import ufloat

        return ufloat(self.value, 0.0 if self.stderr is None else self.stderr, self.name)

    def __repr__(self) -> str:
        err = "fixed" if self.stderr is None else f"+/- {self.stderr:.4g}"
        return f"<Parameter {self.name} = {self.value:.6g} {err} {self.unit}>"


@dataclass(frozen=True, eq=False)
class FitResult:
    """Outcome of :func:`puddles.fit.fit_rt`.

    Attributes
    ----------
    params : dict of str to Parameter
        ``tc_mean``, ``sigma``, ``w``, ``w2``, ``r_n`` and, for a linear normal state,
        ``alpha``.
    T, R : ndarray
        The fitted data (K; ohm or R/R_N as given), after the range cut and any binning.
    R_fit, residual : ndarray
        Model at ``T`` and ``R - R_fit``.
    r_err : ndarray
        Noise (standard error) of every point, data unit: given, or estimated from the
        data (``noise_source``).
    noise_source : str
        "given" or "estimated from the data".
    chisqr, redchi : float
        ``sum((residual / r_err)**2)`` and ``chisqr / nfree``: about 1 when the residuals
        are at the noise level.
    misfit : float
        Mean square residual over what noise *and* disorder explain: about 1 for a single
        film the model describes (whose residuals hold its own disorder, so its ``redchi``
        is larger than 1); far above 1 when the model does not describe the data.
    ndata, nvarys, nfree : int
    covar : ndarray
        Total covariance of the free parameters, in the order of ``var_names``.
    var_names : tuple of str
    T_curve : ndarray
        400 temperatures spanning the data (``R_curve`` is the model there).
    x_grid, universal : ndarray
        The realization-averaged universal curve ``Fbar(x)`` at the best ``(w, w2)``.
    universal_grad : dict of str to ndarray
        ``dFbar/dw`` and ``dFbar/dw2`` on ``x_grid`` (free outer parameters only).
    percolates : bool
        Whether the best-fit cluster percolates in at least half of the realizations.
    percolating_fraction : float
    tp : float
        Mean percolation temperature (K) of the percolating realizations (NaN if none).
    plateau : float
        Model R(T -> 0+) / R_N(0).
    skeleton_broken_fraction : float
        Broken bonds over *all* skeleton bonds (the paper's Fig. 1(e) quantity), mean over
        the realizations; the model's ``w2`` counts only filament bonds no puddle covers,
        so this is ``w2`` times the uncovered share of the skeleton.
    n_solves, n_evaluations : int
        Network solves and distinct ``(w, w2)`` points of the whole fit.
    n, realizations, seed, seeds, tol, puddle_diameter, normal_state, r_unit, sample_realizations
        Settings of the fit.
    success : bool
        The optimiser converged *and* no diagnostic warned.
    message : str
    warnings : tuple of str
        Diagnostics (:mod:`puddles.fit.diagnostics`): what is suspicious and what to do.
    notes : tuple of str
        What was done to the data (binning) and to the uncertainties.
    elapsed : float
        Wall-clock time (s).
    metadata : dict
        Metadata of the input :class:`~puddles.io.RTData` (if one was given).
    """

    params: dict
    T: np.ndarray
    R: np.ndarray
    R_fit: np.ndarray
    residual: np.ndarray
    r_err: np.ndarray
    noise_source: str
    chisqr: float
    redchi: float
    misfit: float
    ndata: int
    nvarys: int
    nfree: int
    covar: np.ndarray
    var_names: tuple
    T_curve: np.ndarray
    x_grid: np.ndarray
    universal: np.ndarray
    universal_grad: dict
    percolates: bool
    percolating_fraction: float
    tp: float
    plateau: float
    skeleton_broken_fraction: float
    n_solves: int
    n_evaluations: int
    n: int
    realizations: int
    seed: int
    seeds: tuple
    tol: float
    puddle_diameter: float | str
    normal_state: str
    r_unit: str
    sample_realizations: float
    success: bool
    message: str
    warnings: tuple
    notes: tuple
    elapsed: float
    metadata: dict = field(default_factory=dict)

    # -- the fitted curve ---------------------------------------------------------------
    def normal_resistance(self, T) -> np.ndarray:
        """Normal-state resistance ``R_N(T)`` (data unit)."""
        T = np.asarray(T, dtype=float)
        p = self.params
        slope = p["alpha"].value if "alpha" in p else 0.0
        return p["r_n"].value * (1.0 + slope * (T - p["tc_mean"].value))

    def curve(self, T) -> np.ndarray:
        """The fitted model R(T) at any temperatures (K), in the data unit."""
        T = np.asarray(T, dtype=float)
        p = self.params
        x = (T - p["tc_mean"].value) / p["sigma"].value
        return self.normal_resistance(T) * np.interp(x, self.x_grid, self.universal)

    __call__ = curve

    @property
    def R_curve(self) -> np.ndarray:
        """The fitted model on :attr:`T_curve` (data unit)."""
        return self.curve(self.T_curve)

    def model_gradient(self, T) -> np.ndarray:
        """``dR_model/d(parameter)`` at ``T`` for every free parameter, shape ``(len(T), nvarys)``.

        Derivatives of the averaged curve are smoothed over +-0.1 in reduced temperature
        (central differences), so that the band follows the trend of the model rather
        than the steps of single puddles.
        """
        T = np.asarray(T, dtype=float)
        p = self.params
        tc, sg, rn = p["tc_mean"].value, p["sigma"].value, p["r_n"].value
        alpha = p["alpha"].value if "alpha" in p else 0.0
        dT = T - tc
        x = dT / sg
        f = np.interp(x, self.x_grid, self.universal)
        # Smoothed over +-0.1 in x like universal_grad: the band shows the trend, not single puddle steps.
        fp = np.interp(x, self.x_grid, derivative(self.universal, self.x_grid, 0.1))
        L = 1.0 + alpha * dT
        cols = {
            "tc_mean": rn * (-alpha * f - L * fp / sg),
            "sigma": -rn * L * fp * x / sg,
            "r_n": L * f,
            "alpha": rn * dT * f,
        }
        for name, g in self.universal_grad.items():
            cols[name] = rn * L * np.interp(x, self.x_grid, g)
        return np.column_stack([cols[name] for name in self.var_names])

    def eval_uncertainty(self, T=None, sigma: float = 1.0) -> np.ndarray:
        """Half-width of the ``sigma``-level confidence band of the model at ``T`` (lmfit's name).

        ``sqrt(diag(G covar G^T))`` with ``G`` the gradient of the model in the free
        parameters (:meth:`model_gradient`); ``T`` defaults to the data's temperatures.
        """
        T = self.T if T is None else T
        G = self.model_gradient(T)
        var = np.einsum("ij,jk,ik->i", G, np.nan_to_num(self.covar), G)
        return sigma * np.sqrt(np.maximum(var, 0.0))

    # -- lmfit / uncertainties interoperability -----------------------------------------
    def to_lmfit_params(self):
        """The parameters as an ``lmfit.Parameters`` (values, bounds, vary, stderr, correl)."""
        import lmfit

        out = lmfit.Parameters()
        for p in self.params.values():
            bounds = dict(min=p.min, max=p.max) if p.vary else {}  # lmfit refuses min == max
            out.add(p.name, value=p.value, vary=p.vary, **bounds)
            out[p.name].stderr = p.stderr
            out[p.name].correl = dict(p.correl) if p.vary else None
        return out

    # -- export ------------------------------------------------------------------------
    def _settings(self) -> dict:
        meta: dict[str, object] = {
            "generator": f"puddles {__version__} fit_rt",
            "model": "R = R_N(T) * mean_i F_i((T - tc_mean)/sigma; w, w2)",
            "normal_state": self.normal_state
            + ("" if self.normal_state == "constant" else ": R_N(T) = r_n (1 + alpha (T - tc_mean))"),
        }
        for name in ("r_unit", "n", "realizations", "seed", "tol", "puddle_diameter", "sample_realizations",
                     "chisqr", "redchi", "misfit", "ndata", "nvarys", "noise_source", "percolates",
                     "percolating_fraction", "plateau", "skeleton_broken_fraction", "n_solves", "success"):
            meta[name] = getattr(self, name)
        meta["tp_K"] = self.tp
        meta["stderr"] = ("sqrt(stderr_noise^2 + stderr_disorder^2): noise, and the disorder of one measured film "
                          "plus the model's finite realizations (puddles.fit.uncertainty)")
        meta["warnings"] = " | ".join(self.warnings)
        meta["notes"] = " | ".join(self.notes)
        for name, p in self.params.items():
            if p.vary:
                meta[f"{name}_stderr_noise"] = p.stderr_noise
                meta[f"{name}_stderr_disorder"] = p.stderr_disorder
        for k, v in self.metadata.items():
            meta[f"data_{k}"] = v
        return meta

    def _export_args(self) -> dict:
        params = {name: (p.value, p.stderr) for name, p in self.params.items()}
        return dict(params=params, T=self.T, R_data=self.R, R_fit=self.R_fit, metadata=self._settings())

    def to_csv(self, path_or_buffer=None) -> str | None:
        """Parameters, uncertainties and the fitted curve as CSV (:func:`puddles.io.fit_to_csv_str`).

        Parameters
        ----------
        path_or_buffer : str, os.PathLike or file-like, optional
            Where to write; None returns the text instead.
        """
        if path_or_buffer is None:
            return fit_to_csv_str(**self._export_args())
        export_fit_csv(path_or_buffer, **self._export_args())
        return None

    def to_json(self, path_or_buffer=None) -> str | None:
        """The same as JSON (:func:`puddles.io.fit_to_json_str`); None: return the text.

        Besides what the CSV holds, ``metadata.curve`` has the fitted curve on 400
        temperatures spanning the data (``T_K``, ``R``, ``band`` the 1-sigma half-width),
        ``metadata.covariance`` the total covariance of the free parameters (``names``,
        ``matrix``) and ``metadata.state`` everything :meth:`load` needs.
        """
        args = self._export_args()
        args["metadata"]["curve"] = {"T_K": self.T_curve, "R": self.R_curve, "band": self.eval_uncertainty(self.T_curve)}
        args["metadata"]["covariance"] = {"names": list(self.var_names), "matrix": self.covar}
        args["metadata"]["state"] = self._state()
        if path_or_buffer is None:
            return fit_to_json_str(**args)
        export_fit_json(path_or_buffer, **args)
        return None

    save = to_json

    def _state(self) -> dict:
        out = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name == "params":
                v = {k: {g.name: getattr(p, g.name) for g in fields(p)} for k, p in v.items()}
            out[f.name] = v
        return out

    @classmethod
    def load(cls, path_or_buffer) -> FitResult:
        """A result saved by :meth:`save` / :meth:`to_json` (path, file-like or the JSON text)."""
        if hasattr(path_or_buffer, "read"):
            text = path_or_buffer.read()
        elif isinstance(path_or_buffer, str) and path_or_buffer.lstrip().startswith("{"):
            text = path_or_buffer
        else:
            with open(path_or_buffer, encoding="utf-8") as fh:
                text = fh.read()
        try:
            state = json.loads(text)["metadata"]["state"]
        except (ValueError, KeyError, TypeError):
            raise ValueError("FitResult.load: not a puddles fit JSON (no metadata.state)") from None

        def floats(v):
            return np.array([math.nan if x is None else x for x in np.ravel(v)], dtype=float).reshape(np.shape(v))

        kw = {}
        for f in fields(cls):
            v = state[f.name]
            if f.name == "params":
                v = {k: Parameter(**{**d, "value": math.nan if d["value"] is None else d["value"],
                                     "stderr": (None if not d["vary"] else (math.nan if d["stderr"] is None else d["stderr"])),
                                     **{s: (None if not d["vary"] else (math.nan if d[s] is None else d[s]))
                                        for s in ("stderr_noise", "stderr_disorder")},
                                     "min": -math.inf if d["min"] is None else d["min"],
                                     "max": math.inf if d["max"] is None else d["max"]}) for k, d in v.items()}
            elif f.type in ("np.ndarray",):
                v = floats(v)
            elif f.name == "universal_grad":
                v = {k: floats(g) for k, g in v.items()}
            elif f.name in ("var_names", "seeds", "warnings", "notes"):
                v = tuple(v)
            elif f.type == "float" and v is None:
                v = math.nan
            kw[f.name] = v
        return cls(**kw)

    # -- display -----------------------------------------------------------------------
    def fit_report(self, min_correl: float = 0.1) -> str:
        """lmfit-style text report: statistics, variables, correlations, warnings."""
        lines = [
            "[[Model]]",
            f"    R_N(T) * Fbar((T - tc_mean)/sigma; w, w2), normal state {self.normal_state}; N = {self.n}, "
            f"{self.realizations} realizations (seed {self.seed})",
            "[[Fit Statistics]]",
            f"    # data points      = {self.ndata}",
            f"    # variables        = {self.nvarys}",
            f"    noise              = {np.median(self.r_err):.4g} ({self.noise_source})",
            f"    chi-square         = {self.chisqr:.5g}",
            f"    reduced chi-square = {self.redchi:.5g}",
            f"    misfit             = {self.misfit:.4g} (noise + disorder; about 1 for a good fit)",
            f"    network solves     = {self.n_solves} ({self.n_evaluations} (w, w2) points, {self.elapsed:.1f} s)",
            f"    success            = {self.success}: {self.message}",
            f"    cluster            = {'percolates' if self.percolates else 'does not percolate'} "
            f"({self.percolating_fraction:.0%} of realizations); Tp = {self.tp:.4g} K; plateau R(0)/R_N = {self.plateau:.3g}",
            f"    skeleton broken    = {self.skeleton_broken_fraction:.4g} (broken / all skeleton bonds; "
            "Fig. 1(e) of the paper)",
            "[[Variables]]",
        ]
        for p in self.params.values():
            if p.stderr is None:
                lines.append(f"    {p.name + ':':<9} {p.value:.6g} (fixed) {p.unit}")
            else:
                rel = f" ({abs(p.stderr / p.value):.2%})" if p.value else ""
                lines.append(f"    {p.name + ':':<9} {p.value:.6g} +/- {p.stderr:.4g}{rel} {p.unit}  "
                             f"[noise {p.stderr_noise:.3g}, disorder {p.stderr_disorder:.3g}]")
        pairs = sorted(
            ((a, b, c) for i, a in enumerate(self.var_names) for b, c in self.params[a].correl.items()
             if self.var_names.index(b) > i and abs(c) >= min_correl),
            key=lambda t: -abs(t[2]),
        )
        if pairs:
            lines.append(f"[[Correlations]] (unreported correlations are < {min_correl:.3f})")
            lines.extend(f"    C({a}, {b}){'':<{max(0, 16 - len(a) - len(b))}} = {c:+.4f}" for a, b, c in pairs)
        for title, items in (("[[Warnings]]", self.warnings), ("[[Notes]]", self.notes)):
            if items:
                lines.append(title)
                lines.extend(f"    {w}" for w in items)
        return "\n".join(lines)

    report = fit_report

    def plot(self, path=None, *, ax=None, band_sigma: float = 1.0):
        """Data, fit and its shaded confidence band, residuals below (:func:`puddles.plot.plot_fit`).

        Parameters
        ----------
        path : str or os.PathLike, optional
            Save the figure there (format from the suffix: png, pdf, svg...).
        ax : pair of matplotlib Axes, optional
            ``(main, residuals)`` to draw into; default a new figure.
        band_sigma : float
            Width of the band in standard deviations (0: no band).

        Returns
        -------
        matplotlib.figure.Figure
        """
        from ..plot import plot_fit

        return plot_fit(self, ax=ax, band_sigma=band_sigma, path=path)

    def __repr__(self) -> str:
        vals = ", ".join(f"{k}={p.value:.4g}" for k, p in self.params.items())
        return f"FitResult({vals}; redchi={self.redchi:.3g}, misfit={self.misfit:.3g}, success={self.success})"

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{h}</th>" for h in ("parameter", "value", "stderr", "noise / disorder", "unit"))
        body = []
        for p in self.params.values():
            err = "fixed" if p.stderr is None else f"{p.stderr:.3g}"
            split = "" if p.stderr is None else f"{p.stderr_noise:.3g} / {p.stderr_disorder:.3g}"
            body.append("<tr>" + "".join(f"<td>{c}</td>" for c in (p.name, f"{p.value:.5g}", err, split, p.unit))
                        + "</tr>")
        warn = "".join(f"<p><b>warning:</b> {w}</p>" for w in self.warnings)
        return (
            f"<p>reduced chi&sup2; = {self.redchi:.4g}, misfit {self.misfit:.3g}; {self.n_solves} solves; "
            f"{'percolating' if self.percolates else 'not percolating'}; success = {self.success}</p>{warn}"
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        )
