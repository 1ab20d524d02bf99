"""The ``superpuddles`` command (also ``python -m puddles``): serve the app, or batch work.

Serving (needs the ``[app]`` extra)::

    superpuddles dashboard [--port 8866]   # dashboard and course with Voilà on 127.0.0.1
    superpuddles course [--port 8866]      # the same server (an alias)
    superpuddles notebooks DIR             # copy the course notebooks to DIR, to edit in Jupyter

Batch work without Jupyter (``--figure`` needs the ``[figures]`` extra, matplotlib)::

    superpuddles rt --n 100 --w 0.45 --w2 0.1 --seed 1 -o rt.csv [--realizations 16] [--figure rt.png]
    superpuddles superfluid --n 100 --w 0.45 -o ic.csv       # Ic(T) and rho_s(T), same options
    superpuddles fit film.csv [film2.csv ...] [-o fit.csv | fit.json] [--figure fit.png]

Every command validates its input through the engine and prints the engine's message
(naming the parameter and its allowed range) with exit code 2 instead of a traceback.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from . import __version__
from .plot import FIGURES_HINT

__all__ = ["main", "build_parser"]

PROG = "superpuddles"


class UsageError(Exception):
    """A problem the user can fix (bad value, missing file or extra): message, exit code 2."""


# --------------------------------------------------------------------------------------
# Serving
# --------------------------------------------------------------------------------------


def _serve(args: argparse.Namespace) -> int:
    from .app import require_app, serve

    try:
        require_app()
    except ModuleNotFoundError as exc:
        raise UsageError(str(exc)) from None
    argv = ["--port", str(args.port)] + (["--debug"] if args.debug else [])
    if args.max_kernels is not None:
        argv += ["--max-kernels", str(args.max_kernels)]
    return serve.main(argv, prog=f"{PROG} {args.command}")


def _copy_notebooks(args: argparse.Namespace) -> int:
    from .app.serve import notebooks_dir

    source = notebooks_dir()
    # Each notebook with its jupytext source: JupyterLab with jupytext keeps the pair in sync.
    names = sorted(p.name for p in source.glob("[0-9][0-9]_*") if p.suffix in (".ipynb", ".py"))
    target = Path(args.directory)
    clashes = [n for n in names if (target / n).exists()]
    if clashes and not args.force:
        raise UsageError(f"{target} already has {', '.join(clashes)}; use --force to overwrite")
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copyfile(source / name, target / name)
    count = sum(n.endswith(".ipynb") for n in names)
    print(f"copied {count} course notebooks (.ipynb, with their jupytext .py sources) to {target} "
          "(open them with JupyterLab or Jupyter Notebook)")
    return 0


# --------------------------------------------------------------------------------------
# R(T) of a network or an ensemble
# --------------------------------------------------------------------------------------


def _temperatures(args: argparse.Namespace) -> np.ndarray:
    t_max = args.tc_mean + 4.0 * args.sigma if args.t_max is None else args.t_max
    if not (args.points >= 2):
        raise ValueError(f"points must be an integer >= 2, got {args.points}")
    if not (0.0 <= args.t_min < t_max):
        raise ValueError(f"temperatures: need 0 <= t_min < t_max, got t_min={args.t_min}, t_max={t_max}")
    return np.linspace(args.t_min, t_max, args.points)


def _model(args: argparse.Namespace):
    from .params import ModelParams

    params = ModelParams(n=args.n, w=args.w, w2=args.w2, tc_mean=args.tc_mean, sigma=args.sigma,
                         puddle_diameter=args.diameter)
    header = {"generator": f"superpuddles {args.command} (puddles {__version__})", **asdict(params),
              "seed": args.seed, "realizations": args.realizations}
    return params, header


def _rt(args: argparse.Namespace) -> int:
    from .ensemble import ensemble_rt, realization_seeds
    from .network import Network

    T = _temperatures(args)
    params, header = _model(args)
    header["tol"] = tol = None if args.exact else args.tol
    if args.realizations == 1:
        net = Network.from_params(params, seed=args.seed)
        R = net.rt_curve(T, args.tc_mean, args.sigma, tol=tol)
        header["tp_K"] = net.percolation_temperature(args.tc_mean, args.sigma)
        columns = {"T (K)": T, "R/R_N": R}
    else:
        ens = ensemble_rt(params, T, realization_seeds(args.seed, args.realizations), tol=tol,
                          progress=None if args.quiet else "tqdm")
        header["percolating_fraction"] = ens.percolating_fraction
        columns = {"T (K)": T, "R/R_N": ens.mean, "std": ens.std, "sem": ens.sem}
    _write_table(args.output, header, columns)
    if args.figure:
        _curve_figure(args.figure, T, {"R/R_N": columns}, header)
    return 0


def _superfluid(args: argparse.Namespace) -> int:
    from .ensemble import ensemble_superfluid, realization_seeds
    from .network import Network

    T = _temperatures(args)
    params, header = _model(args)
    header["units"] = "Ic/Ic0 (Ic0: one bond with Tc = tc_mean at T = 0); rho_s relative to the uniform lattice at T = 0"
    curves: dict[str, dict[str, np.ndarray]]
    if args.realizations == 1:
        net = Network.from_params(params, seed=args.seed)
        header["tp_K"] = net.percolation_temperature(args.tc_mean, args.sigma)
        curves = {"Ic/Ic0": {"Ic/Ic0": net.critical_current_curve(T, args.tc_mean, args.sigma)},
                  "rho_s": {"rho_s": net.stiffness_curve(T, args.tc_mean, args.sigma)}}
    else:
        ens = ensemble_superfluid(params, T, realization_seeds(args.seed, args.realizations),
                                  progress=None if args.quiet else "tqdm")
        curves = {name: {name: e.mean, f"{name} std": e.std, f"{name} sem": e.sem}
                  for name, e in (("Ic/Ic0", ens["ic"]), ("rho_s", ens["rho_s"]))}
    _write_table(args.output, header, {"T (K)": T, **curves["Ic/Ic0"], **curves["rho_s"]})
    if args.figure:
        _curve_figure(args.figure, T, curves, header)
    return 0


def _write_table(output: str | None, header: dict, columns: dict[str, np.ndarray]) -> None:
    """CSV with ``# key: value`` comment lines (read back by :func:`puddles.load_rt`)."""

    def write(f: TextIO) -> None:
        for key, value in header.items():
            f.write(f"# {key}: {value}\n")
        w = csv.writer(f, lineterminator="\n")
        w.writerow(columns)
        w.writerows(zip(*(np.asarray(c).tolist() for c in columns.values())))

    if output in (None, "-"):
        write(sys.stdout)
    else:
        with open(output, "w", encoding="utf-8", newline="") as f:
            write(f)


def _save_figure(draw) -> None:
    """Run ``draw()`` (a :mod:`puddles.plot` call that saves its figure), naming the extra if matplotlib is missing."""
    try:
        draw()
    except ModuleNotFoundError:
        raise UsageError(f"--figure needs matplotlib: {FIGURES_HINT}") from None


def _curve_figure(path: str, T: np.ndarray, curves: dict[str, dict[str, np.ndarray]], header: dict) -> None:
    """One panel per quantity: the curve (an ensemble's mean, with a band of one standard deviation)."""
    from .plot import plot_curves

    bands = {name: (cols[name], cols.get(f"{name} std", cols.get("std"))) for name, cols in curves.items()}
    spread = f"; band: spread of {header['realizations']} realizations" if header["realizations"] > 1 else ""
    title = (f"N = {header['n']}, w = {header['w']}, w2 = {header['w2']}, Tc_mean = {header['tc_mean']} K, "
             f"sigma = {header['sigma']} K{spread}")
    _save_figure(lambda: plot_curves(T, bands, title=title, path=path))


# --------------------------------------------------------------------------------------
# Fits of measured R(T)
# --------------------------------------------------------------------------------------


def _fix(items: Sequence[str]) -> dict[str, float]:
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"fix: expected NAME=VALUE (e.g. w2=0), got {item!r}")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            raise ValueError(f"fix: {name.strip()} must be a number, got {value!r}") from None
    return out


def _fit(args: argparse.Namespace) -> int:
    from . import fit_rt, fit_series, load_rt

    fix = _fix(args.fix)
    data = {}
    for path in args.files:
        if not Path(path).is_file():
            raise UsageError(f"no such file: {path}")
        try:
            data[path] = load_rt(path, t_unit=args.t_unit, r_unit=args.r_unit)
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None
    kwargs: dict[str, Any] = dict(n=args.n, realizations=args.realizations, seed=args.seed, fix=fix or None,
                                  normal_state=args.normal_state, progress=None if args.quiet else "tqdm")
    if len(data) == 1:
        ((path, rt),) = data.items()
        result = fit_rt(rt, **kwargs)
        print(f"== {path}\n{result.report()}\n")
        if args.output:
            (result.to_json if args.output.endswith(".json") else result.to_csv)(args.output)
        if args.figure:
            _fit_figure(args.figure, path, result)
        return 0
    # A series: shared realizations (common random numbers), labels from the file names
    # (or --labels), one table row per curve and the Fig. 1(b)-(e)-style parameter panels.
    from .fit.series import label_from_name

    paths = list(data)
    try:
        labels = [float(v) for v in args.labels.split(",")] if args.labels else [label_from_name(p) for p in paths]
    except ValueError:
        raise UsageError(f"--labels must be {len(paths)} comma-separated numbers, got {args.labels!r}") from None
    if len(labels) != len(paths):
        raise UsageError(f"--labels: {len(labels)} labels for {len(paths)} files")
    series = fit_series([data[p] for p in paths], labels, control=args.control, **kwargs)
    print(series)
    if args.output:
        (series.to_json if args.output.endswith(".json") else series.to_csv)(args.output)
    if args.figure:
        _save_figure(lambda: series.plot(args.figure))
    return 0


def _fit_figure(path: str, file: str, result) -> None:
    from .plot import plot_fit

    _save_figure(lambda: plot_fit(result, label=Path(file).name, path=path))


# --------------------------------------------------------------------------------------
# The parser
# --------------------------------------------------------------------------------------


def _network_options(p: argparse.ArgumentParser) -> None:
    """Model parameters, temperatures and outputs shared by ``rt`` and ``superfluid``."""
    p.add_argument("--n", type=int, default=100, help="lattice size, nodes per side (default 100)")
    p.add_argument("--w", type=float, default=0.45, help="superconducting weight (default 0.45)")
    p.add_argument("--w2", type=float, default=0.0, help="broken-filament fraction (default 0)")
    p.add_argument("--tc-mean", type=float, default=1.0, help="mean local Tc in K (default 1)")
    p.add_argument("--sigma", type=float, default=0.2, help="standard deviation of the local Tc in K (default 0.2)")
    p.add_argument("--diameter", default=10.0, type=lambda s: s if s == "random" else float(s),
                   help='puddle diameter in bonds, or "random" (default 10)')
    p.add_argument("--seed", type=int, default=1, help="master seed (default 1)")
    p.add_argument("--realizations", type=int, default=1, help="ensemble size; >1 writes mean, std and sem")
    p.add_argument("--t-min", type=float, default=0.0, help="lowest temperature in K (default 0)")
    p.add_argument("--t-max", type=float, default=None, help="highest temperature in K (default tc_mean + 4 sigma)")
    p.add_argument("--points", type=int, default=100, help="number of temperatures (default 100)")
    p.add_argument("-o", "--output", default=None, help="CSV file (default: standard output)")
    p.add_argument("--figure", default=None, help="also save a figure (png, pdf, svg; needs matplotlib)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def build_parser() -> argparse.ArgumentParser:
    """The ``superpuddles`` argument parser (one subcommand per task)."""
    parser = argparse.ArgumentParser(
        prog=PROG, description="Superconducting puddles in a metallic matrix: dashboard, course and batch runs."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    # One server for both: a landing page at / links the dashboard and every course notebook.
    # "course" stays as an alias, so existing notes and slides that say "superpuddles course" work.
    for name, text in (("dashboard", "serve the dashboard and the course with Voilà on 127.0.0.1"),
                       ("course", "the same server as 'dashboard' (an alias)")):
        p = sub.add_parser(name, help=text, description=text)
        p.add_argument("--port", type=int, default=8866, help="TCP port (default 8866)")
        p.add_argument("--debug", action="store_true", help="show tracebacks in the page")
        p.add_argument("--max-kernels", type=int, default=None,
                       help="most pages open at once, one kernel each (default 32); later visitors see a busy page")
        p.set_defaults(run=_serve)

    p = sub.add_parser("notebooks", help="copy the course notebooks into a directory, to run them in Jupyter")
    p.add_argument("directory", help="where to copy them (created if needed)")
    p.add_argument("--force", action="store_true", help="overwrite notebooks already there")
    p.set_defaults(run=_copy_notebooks)

    p = sub.add_parser("rt", help="R(T)/R_N of a network or an ensemble, as CSV",
                       description="Generate a network (or an ensemble) and write R(T)/R_N as CSV.")
    _network_options(p)
    p.add_argument("--tol", type=float, default=0.01, help="interpolation tolerance in R_N (default 0.01)")
    p.add_argument("--exact", action="store_true", help="solve the network at every temperature (no interpolation)")
    p.set_defaults(run=_rt)

    p = sub.add_parser("superfluid", help="critical current Ic(T) and superfluid stiffness rho_s(T), as CSV",
                       description="Generate a network (or an ensemble) and write Ic(T)/Ic0 and rho_s(T) as CSV "
                                   "(exact max-flow and stiffness solves, no interpolation).")
    _network_options(p)
    p.set_defaults(run=_superfluid)

    p = sub.add_parser("fit", help="fit measured R(T) files (one, or a series)",
                       description="Fit the puddle network model to one R(T) file, or to a series of files with shared realizations.")
    p.add_argument("files", nargs="+", help="R(T) files (CSV, TSV or whitespace; K or mK; ohm, kohm or R/R_N)")
    p.add_argument("--n", type=int, default=100, help="lattice size of the simulated networks (default 100)")
    p.add_argument("--realizations", type=int, default=8, help="networks averaged (default 8)")
    p.add_argument("--seed", type=int, default=0, help="master seed (default 0)")
    p.add_argument("--fix", action="append", default=[], metavar="NAME=VALUE",
                   help="hold w or w2 fixed, e.g. --fix w2=0 (repeatable)")
    p.add_argument("--normal-state", choices=("constant", "linear"), default="constant",
                   help="R_N constant or linear in T (default constant)")
    p.add_argument("--t-unit", choices=("K", "mK"), default=None, help="temperature unit if the header does not say")
    p.add_argument("--r-unit", choices=("ohm", "kohm", "Mohm", "normalized"), default=None,
                   help="resistance unit if the header does not say")
    p.add_argument("--labels", default=None,
                   help="a series: control value of each file, comma-separated (default: the last number in each name)")
    p.add_argument("--control", default="gate voltage (V)", help="a series: name and unit of the control value")
    p.add_argument("-o", "--output", default=None,
                   help="the result as .csv or .json (a series: one row per file, fitted with shared realizations)")
    p.add_argument("--figure", default=None,
                   help="save a figure (png, pdf, svg; needs matplotlib): one file: data, fit and residuals; "
                        "a series: each parameter against the control value")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    p.set_defaults(run=_fit)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``superpuddles`` command; returns the exit code (2 for a usage problem)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except (UsageError, ValueError) as exc:
        print(f"{PROG} {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
