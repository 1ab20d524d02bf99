"""Figures for slides and papers (matplotlib): R(T), the cluster map, mu(n) and fits.

Every function returns a :class:`matplotlib.figure.Figure` built without pyplot (no GUI
backend, no global figure state), so it works in scripts, notebooks and servers alike;
``path=`` also saves it (format from the suffix: png, svg, pdf...). Pass ``ax=`` to draw
into axes of your own figure instead.

matplotlib is the optional ``figures`` extra (``pip install "superpuddles[figures]"``): it
is imported when a figure is drawn, never by ``import puddles``. The cluster map uses the
palette and the bond -> pixel rule of :mod:`puddles.colours`, so it is the dashboard's map.

>>> import numpy as np
>>> from puddles import Network, ModelParams
>>> from puddles.plot import plot_rt, plot_cluster
>>> net = Network.from_params(ModelParams(n=40, w=0.45, tc_mean=10.0, sigma=2.0), seed=1)
>>> T = np.linspace(0.0, 20.0, 81)
>>> fig = plot_rt(T, net.rt_curve(T), tp=net.percolation_temperature())
>>> fig = plot_cluster(net.bond_states(8.0))
>>> fig.savefig("map.svg")                                                   # doctest: +SKIP
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from . import colours, lattice

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["FIGURES_HINT", "plot_rt", "plot_cluster", "cluster_rgb", "plot_mu", "plot_fit", "plot_series", "plot_curves"]

FIGURES_HINT = 'pip install "superpuddles[figures]"'

#: Text sizes (points) readable on a slide at the default figure widths (6-7 inches).
_RC = {
    "font.size": 12,
    "axes.titlesize": 13,
    "axes.labelsize": 14,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "legend.fontsize": 11,
    "lines.linewidth": 2.0,
    "axes.grid": True,
    "grid.linestyle": ":",
    "grid.linewidth": 0.7,
    "svg.hashsalt": "puddles",  # reproducible SVG ids
}
#: Fits, Tp and the Maxwell line: the accent colour of the R(T) and mu(n) figures.
FIT_COLOUR = "#c51b7d"
LABEL_T = "$T$ (K)"
LABEL_R = "$R/R_\\mathrm{N}$"
#: Typeset axis labels of the quantities the command line writes.
_LABELS = {"R/R_N": LABEL_R, "Ic/Ic0": "$I_\\mathrm{c}/I_\\mathrm{c0}$", "rho_s": "$\\rho_\\mathrm{s}/\\rho_\\mathrm{s0}$"}
#: Order of the state legend (the dashboard's).
STATE_ORDER = [colours.C_MATRIX, colours.C_FIL_N, colours.C_FIL_S, colours.C_PUD_N, colours.C_PUD_S,
               colours.C_BROKEN, colours.C_SPAN]
MODES = ("states", "kinds")


# -- helpers ------------------------------------------------------------------------------


def _mpl():
    """The ``matplotlib`` module, or an ImportError naming the ``figures`` extra."""
    try:
        import matplotlib
        import matplotlib.figure
    except ImportError:
        raise ModuleNotFoundError(f"puddles.plot needs matplotlib (the 'figures' extra): {FIGURES_HINT}") from None
    return matplotlib


def _new_figure(figsize: tuple[float, float]) -> Figure:
    return _mpl().figure.Figure(figsize=figsize, layout="constrained")


def _finish(fig: Figure, path) -> Figure:
    if path is not None:
        fig.savefig(path, dpi=200)
    return fig


def _curve(name: str, value, size: int | None = None, *, nan_ok: bool = False) -> np.ndarray:
    """``value`` as a 1-D float array (of length ``size``), or a ValueError naming ``name``."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a 1-D array of numbers, got {type(value).__name__}") from None
    if arr.ndim != 1 or arr.size < 2:
        raise ValueError(f"{name} must be a 1-D array of at least 2 numbers, got shape {arr.shape}")
    if size is not None and arr.size != size:
        raise ValueError(f"{name} must have the length of T ({size}), got {arr.size}")
    finite = np.isfinite(arr)
    if not (finite.any() if nan_ok else finite.all()):
        raise ValueError(f"{name} must be finite, got NaN or inf")
    return arr


def _scalar(name: str, value) -> float | None:
    """None for None or a non-finite number (nothing to mark), else the float; ValueError otherwise."""
    if value is None:
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number or None, got {value!r}") from None
    return x if math.isfinite(x) else None


#: Legend labels longer than this (characters) stack in one column.
LONG_LABEL = 24


def _legend(fig: Figure, ax, own: bool, ncols: int = 3) -> None:
    """Legend above the axes on our own figures (outside: it never covers a curve), else at the best spot."""
    handles, labels = ax.get_legend_handles_labels()
    if not handles:
        return
    if own:
        if max(map(len, labels)) > LONG_LABEL:  # side by side, long labels (a pin's parameters) run off the figure
            ncols = 1
        fig.legend(handles, labels, loc="outside upper center", ncols=min(ncols, len(handles)), frameon=False)
    else:
        ax.legend(handles, labels, loc="best")


# -- R(T) ---------------------------------------------------------------------------------


def plot_rt(T, R, *, pins=(), cursor=None, tp=None, plateau=None, label=None, band=None, ax=None,
            path=None) -> Figure:
    """R/R_N against T: the curve, pinned curves, the temperature cursor, Tp and the plateau.

    Parameters
    ----------
    T : array_like
        Temperatures in K.
    R : array_like
        R/R_N at ``T`` (same length).
    pins : sequence of (label, T, R) or (label, T, R, colour)
        Earlier curves to compare with, drawn in muted colours under the curve.
    cursor : float, optional
        A temperature (K) to mark with a vertical line (the dashboard's T slider).
    tp : float, optional
        Percolation temperature Tp in K (where R reaches 0); NaN or inf: not marked.
    plateau : float, optional
        R(T -> 0)/R_N of a curve that does not reach zero, drawn as a dotted line when > 0.
    label : str, optional
        Legend label of the curve (default "R(T)").
    band : array_like, optional
        Half-width of a shaded band around ``R`` (e.g. the spread of an ensemble).
    ax : matplotlib Axes, optional
        Draw there instead of on a new figure.
    path : str or os.PathLike, optional
        Save the figure there (200 dpi for raster formats).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``T`` or ``R`` (or a pin) is not a finite 1-D array of matching length, or a
        marker is not a number.
    """
    T = _curve("T", T)
    R = _curve("R", R, T.size)
    band = None if band is None else _curve("band", band, T.size, nan_ok=True)
    cursor, tp, plateau = _scalar("cursor", cursor), _scalar("tp", tp), _scalar("plateau", plateau)
    if isinstance(pins, (str, bytes)) or not isinstance(pins, Sequence):
        raise ValueError(f"pins must be a sequence of (label, T, R) tuples, got {type(pins).__name__}")
    checked = []
    for i, pin in enumerate(pins):
        if not isinstance(pin, Sequence) or len(pin) not in (3, 4):
            raise ValueError(f"pins[{i}] must be (label, T, R) or (label, T, R, colour), got {pin!r}")
        pt = _curve(f"pins[{i}] T", pin[1])
        colour = pin[3] if len(pin) == 4 else colours.PIN_COLOURS[i % len(colours.PIN_COLOURS)]
        checked.append((str(pin[0]), pt, _curve(f"pins[{i}] R", pin[2], pt.size), colour))
    mpl = _mpl()
    with mpl.rc_context(_RC):
        own = ax is None
        fig = _new_figure((6.4, 4.8)) if own else ax.figure
        ax = fig.add_subplot() if own else ax
        for name, pt, pr, colour in checked:
            ax.plot(pt, pr, color=colour, lw=2, label=name, gid="pin")
        if band is not None:
            ax.fill_between(T, R - band, R + band, color=colours.LIVE_COLOUR, alpha=0.2, lw=0, label="spread")
        ax.plot(T, R, color=colours.LIVE_COLOUR, lw=2.5, label=label or "R(T)", gid="rt", zorder=3)
        if cursor is not None:
            ax.axvline(cursor, color="#555555", lw=1.2, ls="-", label=f"$T$ = {cursor:.2f} K", gid="cursor")
        if tp is not None:
            ax.axvline(tp, color=FIT_COLOUR, lw=1.5, ls="--", label=f"$T_\\mathrm{{p}}$ = {tp:.2f} K", gid="tp")
        if plateau is not None and plateau > 0:
            ax.axhline(plateau, color="#666666", lw=1.5, ls=":", gid="plateau",
                       label=f"$R(T\\to 0)/R_\\mathrm{{N}}$ = {plateau:.3f}")
        ax.set_xlabel(LABEL_T)
        ax.set_ylabel(LABEL_R)
        ax.set_xlim(float(T.min()), float(T.max()))
        top = max([1.05, float(np.nanmax(R)) * 1.05] + [float(np.nanmax(p[2])) * 1.05 for p in checked])
        ax.set_ylim(0.0, top)
        _legend(fig, ax, own)
    return _finish(fig, path)


def plot_curves(T, curves: Mapping[str, Any], *, title: str | None = None, path=None) -> Figure:
    """One panel per quantity against T, each with an optional band (the command line's figures).

    Parameters
    ----------
    T : array_like
        Temperatures in K.
    curves : mapping of name to array or (array, band or None)
        ``"R/R_N"``, ``"Ic/Ic0"`` and ``"rho_s"`` get typeset axis labels; other names are
        used as they are.
    title : str, optional
        Small title above the first panel.
    path : str or os.PathLike, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    T = _curve("T", T)
    if not isinstance(curves, Mapping) or not curves:
        raise ValueError("curves must be a non-empty mapping of name to values")
    items = []
    for name, value in curves.items():
        y, band = value if isinstance(value, tuple) else (value, None)
        items.append((name, _curve(f"curves[{name!r}]", y, T.size),
                      None if band is None else _curve(f"curves[{name!r}] band", band, T.size, nan_ok=True)))
    mpl = _mpl()
    with mpl.rc_context(_RC):
        fig = _new_figure((6.4, 4.0 + 2.0 * (len(items) - 1)))
        axes = fig.subplots(len(items), 1, sharex=True, squeeze=False)[:, 0]
        for i, (ax, (name, y, band)) in enumerate(zip(axes, items)):
            ax.plot(T, y, color=f"C{i}")
            if band is not None:
                ax.fill_between(T, y - band, y + band, color=f"C{i}", alpha=0.25, lw=0)
            ax.set_ylabel(_LABELS.get(name, name))
            ax.set_ylim(min(-0.02, ax.get_ylim()[0]), None)
        axes[-1].set_xlabel(LABEL_T)
        if title:
            axes[0].set_title(title, fontsize="small")
    return _finish(fig, path)


# -- the cluster map -----------------------------------------------------------------------


def _lattice_size(states, n) -> int:
    size = np.asarray(states.kind).size
    guess = int(round((1 + math.sqrt(1 + 2 * size)) / 2))
    n = guess if n is None else lattice.validate_size(n)
    if lattice.n_bonds(n) != size:
        raise ValueError(f"n must match the {size} bonds of states (2 n (n - 1) bonds), got n = {n}")
    return n


def cluster_rgb(states, n: int | None = None, mode: str = "states") -> np.ndarray:
    """The cluster map's RGB raster ``(2n-1, 2n-1, 3)`` (uint8), as the dashboard paints it.

    ``mode="states"``: kind and superconducting state of every bond, the spanning path
    highlighted; ``"kinds"``: matrix, filament, puddle, broken filament (as if every bond
    superconducted).
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    for attr in ("kind", "superconducting", "spanning"):
        if not hasattr(states, attr):
            raise ValueError(f"states must be a BondStates (Network.bond_states(T)), got {type(states).__name__}")
    n = _lattice_size(states, n)
    if mode == "kinds":
        return colours.paint(states.kind, n, colours.KIND_PALETTE, priority=colours.KIND_PRIORITY,
                             fill=colours.KIND_FILL)
    codes = colours.state_codes(np.asarray(states.kind), np.asarray(states.superconducting, dtype=bool),
                                np.asarray(states.spanning, dtype=bool))
    return colours.paint(codes, n, [colours.STATE_COLOURS[c] for c in range(len(colours.STATE_COLOURS))],
                         fill=colours.STATE_FILL)


def plot_cluster(states, *, n=None, mode="states", legend=True, leads=True, ax=None, path=None) -> Figure:
    """The cluster map: every bond of the lattice in the dashboard's colours, leads marked.

    Parameters
    ----------
    states : BondStates
        What :meth:`puddles.Network.bond_states` returns at one temperature.
    n : int, optional
        Lattice size (default: from the number of bonds).
    mode : {"states", "kinds"}
        Bond states at ``states.T`` (superconducting or not, the spanning path), or the
        bond kinds alone.
    legend : bool
        Colour legend beside the map.
    leads : bool
        Mark the left lead "V" and the right lead "0" (every node of the first and the last
        column) and the direction of the current between them.
    ax : matplotlib Axes, optional
    path : str or os.PathLike, optional

    Returns
    -------
    matplotlib.figure.Figure
        The map is an ``AxesImage`` whose pixel ``(2r, 2c)`` is node ``(r, c)`` (see
        :mod:`puddles.lattice`).

    Raises
    ------
    ValueError
        For an unknown ``mode``, or ``n`` that does not match the states.
    """
    rgb = cluster_rgb(states, n, mode)
    size = rgb.shape[0]
    mpl = _mpl()
    with mpl.rc_context(_RC):
        own = ax is None
        fig = _new_figure((8.4, 5.2) if legend else (5.4, 5.6)) if own else ax.figure
        ax = fig.add_subplot() if own else ax
        ax.imshow(rgb, interpolation="nearest", extent=(-0.5, size - 0.5, size - 0.5, -0.5), gid="cluster-map")
        ax.set(xticks=[], yticks=[], aspect="equal")
        ax.grid(False)
        T = getattr(states, "T", None)
        n_nodes = (size + 1) // 2
        ax.set_title(f"N = {n_nodes}" + (f", T = {T:.2f} K" if T is not None else ""), loc="left")
        if leads:
            _draw_leads(ax, size)
        if legend:
            mpatches = mpl.patches
            if mode == "states":
                entries = [(colours.STATE_COLOURS[c], colours.STATE_LABELS[c]) for c in STATE_ORDER]
            else:
                entries = [(c, name) for name, c in colours.KIND_PALETTE]
            handles = [mpatches.Patch(facecolor=c, edgecolor="#777777", lw=0.6, label=name) for c, name in entries]
            title = "bond " + ("state" if mode == "states" else "kind")
            if own:  # the layout engine makes room for a figure legend outside the axes
                fig.legend(handles=handles, loc="outside right upper", frameon=False, title=title)
            else:
                ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.04, 1.0), borderaxespad=0.0,
                          frameon=False, title=title)
    return _finish(fig, path)


def _draw_leads(ax, size: int) -> None:
    """Bars along the first and last node columns, labelled V and 0 below, and the current's arrow between."""
    lo, hi = -0.5, size - 0.5
    for x, text, gid in ((lo - 1.2, "V", "lead-V"), (hi + 1.2, "0", "lead-0")):
        ax.plot([x, x], [lo, hi], color="#000000", lw=5, solid_capstyle="butt", clip_on=False, gid=gid)
        ax.text(x, hi + 0.015 * size, text, ha="center", va="top", fontsize=16, fontweight="bold", gid=gid + "-label")
    arrow = ax.annotate("", xy=(0.68, -0.04), xytext=(0.32, -0.04), xycoords="axes fraction",
                        arrowprops=dict(arrowstyle="-|>", lw=2, color="#000000", mutation_scale=18), gid="current-arrow")
    arrow.arrow_patch.set_gid("current-arrow")  # the id of the drawn arrow in an SVG
    ax.text(0.5, -0.06, "current $I$", transform=ax.transAxes, ha="center", va="top", gid="current-label")
    ax.set_xlim(lo - 2.5, hi + 2.5)


# -- mu(n) --------------------------------------------------------------------------------


def plot_mu(params, *, n_mean=None, kappa=True, n_max=None, ax=None, path=None) -> Figure:
    """mu(n) with its unstable branch dashed, the spinodal region shaded and the Maxwell line; kappa^-1(n) below.

    Parameters
    ----------
    params : ThermoParams or str
        The model of :mod:`puddles.thermo`, or the name of a preset (e.g. ``"fig6-green"``).
    n_mean : float, optional
        Mean density (electrons per unit cell) to mark on the equilibrium curve.
    kappa : bool
        Add the inverse compressibility ``kappa^-1 = d mu / d n`` panel.
    n_max : float, optional
        Right end of the density axis (default: about 1.35 times the coexistence window,
        so the whole construction shows).
    ax : matplotlib Axes, or a pair of them when ``kappa``, optional
    path : str or os.PathLike, optional

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        For parameters that are not a ThermoParams or a preset name, or densities out of
        range (see :func:`puddles.thermo.equilibrium_mu`).
    """
    from . import thermo

    p = thermo.ThermoParams.preset(params) if isinstance(params, str) else params
    if not isinstance(p, thermo.ThermoParams):
        raise ValueError(f"params must be a ThermoParams or a preset name, got {type(params).__name__}")
    res = thermo.maxwell_construction(p)
    if n_max is None:
        ends = [0.05] + [w.n2 for w in res.windows] + [float(s) for s in res.spinodal]
        n_hi = float(min(thermo.DEFAULT_N_MAX, 1.35 * max(ends)))
    else:
        n_hi = _scalar("n_max", n_max) or -1.0
        if not 0 < n_hi <= thermo.DEFAULT_N_MAX:
            raise ValueError(f"n_max must be in (0, {thermo.DEFAULT_N_MAX}] electrons per unit cell, got {n_max!r}")
    nbar = _scalar("n_mean", n_mean)
    if n_mean is not None and (nbar is None or not 0 <= nbar <= n_hi):
        raise ValueError(f"n_mean must be in [0, {n_hi:.3g}] electrons per unit cell (the plotted range), got {n_mean!r}")
    n = np.linspace(0.0, n_hi, 801)
    mu = np.asarray(thermo.chemical_potential(n, p), dtype=float)
    kap = np.asarray(thermo.inverse_compressibility(n, p), dtype=float)
    unstable = kap < 0
    mpl = _mpl()
    with mpl.rc_context(_RC):
        own = ax is None
        axes: Any
        if own:
            fig = _new_figure((6.4, 6.4 if kappa else 4.8))
            axes = fig.subplots(2, 1, sharex=True, height_ratios=[3, 2]) if kappa else [fig.add_subplot()]
        else:
            axes = list(ax) if kappa else [ax]
            fig = axes[0].figure
        a_mu = axes[0]
        # The dashed piece includes its neighbours so it joins the solid pieces.
        touch = unstable | np.r_[unstable[1:], False] | np.r_[False, unstable[:-1]]
        a_mu.plot(n, np.where(unstable, np.nan, mu), color=colours.LIVE_COLOUR, label="$\\mu(n)$", gid="mu")
        if unstable.any():
            a_mu.plot(n, np.where(touch, mu, np.nan), color=colours.LIVE_COLOUR, ls="--", label="unstable ($\\kappa^{-1} < 0$)",
                      gid="mu-unstable")
            lo, hi = float(n[unstable][0]), float(n[unstable][-1])
            for a in axes:
                a.axvspan(lo, hi, color="#fdd0a2", alpha=0.5, lw=0, label="spinodal region" if a is a_mu else None,
                          gid="spinodal")
        for i, w in enumerate(res.windows):
            a_mu.plot([w.n1, w.n2], [w.mu_star, w.mu_star], color=FIT_COLOUR, lw=2.5, gid="maxwell",
                      label=None if i else f"Maxwell line, $\\mu^*$ = {w.mu_star:.3g} eV".replace("-", "−"))
            a_mu.plot([w.n1, w.n2], [w.mu_star, w.mu_star], "o", color=FIT_COLOUR, ms=6)
        if nbar is not None:
            mu_eq = float(thermo.equilibrium_mu(nbar, p))
            for a in axes:
                a.axvline(nbar, color="#555555", lw=1.2, gid="n-mean")
            a_mu.plot([nbar], [mu_eq], "D", color="#000000", ms=8, zorder=4, gid="n-mean-marker",
                      label=f"mean density n = {nbar:.3g}")
        a_mu.set_ylabel("$\\mu$ (eV)")
        if kappa:
            a_k = axes[1]
            a_k.plot(n, kap, color=colours.LIVE_COLOUR, gid="kappa")
            a_k.axhline(0.0, color="#777777", lw=1)
            k_lo = float(min(kap.min(), -0.2))
            k_hi = float(min(kap.max(), max(3.0, 4 * abs(kap.min()))))
            pad = 0.08 * (k_hi - k_lo)
            a_k.set_ylim(k_lo - pad, k_hi + pad)
            a_k.set_ylabel("$\\kappa^{-1} = \\mathrm{d}\\mu/\\mathrm{d}n$ (eV)")
        axes[-1].set_xlabel("$n$ (electrons per unit cell)")
        axes[-1].set_xlim(0.0, n_hi)
        _legend(fig, a_mu, own, ncols=2)
    return _finish(fig, path)


# -- fits ---------------------------------------------------------------------------------


def plot_fit(result, *, ax=None, band_sigma: float = 1.0, label: str | None = None, path=None) -> Figure:
    """A fit: data, the model with its confidence band, and residuals below (a series: see :func:`plot_series`).

    Parameters
    ----------
    result : FitResult or SeriesResult
        What :func:`puddles.fit_rt` (or :func:`puddles.fit_series`) returns.
    ax : pair of matplotlib Axes, optional
        ``(main, residuals)`` to draw into (for a series: 4 axes).
    band_sigma : float
        Width of the band in standard deviations (0: no band).
    label : str, optional
        Legend label of the data (default "data").
    path : str or os.PathLike, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    from .fit.result import FitResult
    from .fit.series import SeriesResult

    if isinstance(result, SeriesResult):
        return plot_series(result, axes=ax, path=path)
    if not isinstance(result, FitResult):
        raise ValueError(f"result must be a FitResult or SeriesResult, got {type(result).__name__}")
    band_sigma = _scalar("band_sigma", band_sigma) or 0.0
    if band_sigma < 0:
        raise ValueError(f"band_sigma must be >= 0, got {band_sigma!r}")
    mpl = _mpl()
    with mpl.rc_context(_RC):
        own = ax is None
        if own:
            fig = _new_figure((6.4, 5.6))
            main, res = fig.subplots(2, 1, sharex=True, height_ratios=[3, 1])
        else:
            main, res = ax
            fig = main.figure
        main.plot(result.T, result.R, "o", ms=3.5, color=colours.LIVE_COLOUR, label=label or "data", gid="data")
        if band_sigma > 0:
            band = result.eval_uncertainty(result.T_curve, band_sigma)
            main.fill_between(result.T_curve, result.R_curve - band, result.R_curve + band, color=FIT_COLOUR,
                              alpha=0.25, lw=0, label=f"{band_sigma:g}σ band")
        main.plot(result.T_curve, result.R_curve, "-", color=FIT_COLOUR, lw=2, label="fit", gid="fit")
        normalized = result.r_unit == "normalized"
        main.set_ylabel(LABEL_R if normalized else "$R$ (Ω)")
        res.axhline(0.0, color="#777777", ls="--", lw=1)
        res.plot(result.T, result.residual, "o", ms=3.5, color=FIT_COLOUR, gid="residual")
        res.set_xlabel(LABEL_T)
        res.set_ylabel("data − fit" + ("" if normalized else " (Ω)"))
        _legend(fig, main, own)
    return _finish(fig, path)


def plot_series(series, *, axes=None, path=None) -> Figure:
    """The paper's Fig. 1(b)-(e): ``tc_mean``, ``sigma``, ``w``, ``w2`` against the control value.

    Error bars are the 1-sigma uncertainties; the ``w2`` panel also shows the broken
    fraction of the whole skeleton (open symbols), the paper's quantity.

    Parameters
    ----------
    series : SeriesResult
    axes : sequence of 4 matplotlib Axes, optional
    path : str or os.PathLike, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    from .fit.series import SERIES_PARAMETERS, SeriesResult

    if not isinstance(series, SeriesResult):
        raise ValueError(f"series must be a SeriesResult, got {type(series).__name__}")
    mpl = _mpl()
    with mpl.rc_context(_RC):
        if axes is None:
            fig = _new_figure((9.0, 6.5))
            axes = fig.subplots(2, 2, sharex=True).ravel()
        fig = axes[0].figure
        x = series.labels
        titles = {"tc_mean": "(b) $T_\\mathrm{c,mean}$ (K)", "sigma": "(c) $\\sigma$ (K)", "w": "(d) $w$",
                  "w2": "(e) $w_2$"}
        for ax, name in zip(axes, SERIES_PARAMETERS):
            ax.errorbar(x, series.column(name), yerr=np.nan_to_num(series.column(f"{name}_stderr")), fmt="o-",
                        color=colours.LIVE_COLOUR, capsize=3, label="model $w_2$" if name == "w2" else None)
            if name == "w2":
                ax.plot(x, series.column("skeleton_broken_fraction"), "s--", mfc="none", color=FIT_COLOUR,
                        label="broken / skeleton")
                ax.legend(loc="best")
            ax.set_title(titles[name], loc="left")
        for ax in axes[2:]:
            ax.set_xlabel(series.control)
    return _finish(fig, path)
