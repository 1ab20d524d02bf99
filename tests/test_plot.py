"""puddles.plot: every figure is a matplotlib Figure that carries the data it was given, the cluster
map is the dashboard's raster pixel for pixel, bad input names its parameter, and matplotlib stays
optional (about 4 s)."""

import io
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from puddles import ModelParams, Network, fit_rt, plot, thermo
from puddles.colours import STATE_COLOURS, hex_to_rgb
from puddles.lattice import n_bonds
from puddles.network import BondStates

T = np.linspace(0.0, 20.0, 81)


@pytest.fixture(scope="module")
def net():
    return Network.from_params(ModelParams(n=24, w=0.45, w2=0.1, tc_mean=10.0, sigma=2.0), seed=2)


@pytest.fixture(scope="module")
def fitted():
    Tf = np.linspace(0.4, 1.8, 30)
    model = Network.from_params(ModelParams(n=30, w=0.5, w2=0.1, tc_mean=1.0, sigma=0.2), seed=11)
    R = model.rt_curve(Tf) * (1 + 0.01 * np.random.default_rng(1).standard_normal(Tf.size))
    return fit_rt(Tf, R, r_unit="normalized", fix={"w": 0.5, "w2": 0.1}, n=30, realizations=2, seed=3)


def hand_made_states():
    """A 4 x 4 lattice holding every bond state: matrix, filaments and puddles normal and
    superconducting, a broken filament, and a superconducting path joining the leads."""
    n = 4
    kind = np.zeros(n_bonds(n), dtype=np.int8)
    sc = np.zeros(kind.size, dtype=bool)
    span = np.zeros(kind.size, dtype=bool)
    row0 = [0, 1, 2]  # horizontal bonds of row 0: the spanning filament
    kind[row0], sc[row0], span[row0] = 1, True, True
    kind[[3, 4]] = 1  # a normal filament (row 1)
    kind[5] = 3  # broken
    kind[[6, 7]], sc[[6, 7]] = 2, True  # superconducting puddle bonds (row 2)
    kind[[9, 10]] = 2  # normal puddle bonds (row 3)
    kind[12 + 4], sc[12 + 4] = 1, True  # a superconducting filament bond off the path (vertical)
    return n, BondStates(5.0, kind, sc, span, np.zeros(kind.size))


def render(fig, dpi=100):
    canvas = FigureCanvasAgg(fig)
    fig.set_dpi(dpi)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3]


def gid(fig, name):
    return [a for ax in fig.axes for a in ax.get_children() if a.get_gid() == name]


BUILDERS = {
    "rt": lambda net, fitted: plot.plot_rt(T, net.rt_curve(T), pins=[("w = 0.3", T, 0.9 * net.rt_curve(T))],
                                           cursor=9.0, tp=net.percolation_temperature(), label="w = 0.45"),
    "cluster-states": lambda net, fitted: plot.plot_cluster(net.bond_states(8.0)),
    "cluster-kinds": lambda net, fitted: plot.plot_cluster(net.bond_states(8.0), mode="kinds"),
    "mu": lambda net, fitted: plot.plot_mu(thermo.PRESETS["fig6-green"], n_mean=0.05),
    "fit": lambda net, fitted: plot.plot_fit(fitted),
    "curves": lambda net, fitted: plot.plot_curves(T, {"R/R_N": (net.rt_curve(T), None), "rho_s": T / 20}),
}


@pytest.mark.parametrize("name", list(BUILDERS))
def test_each_figure_is_a_figure_and_saves_png_and_svg(name, net, fitted, tmp_path):
    fig = BUILDERS[name](net, fitted)
    assert isinstance(fig, Figure)
    png, svg = io.BytesIO(), io.BytesIO()
    fig.savefig(png, format="png")
    fig.savefig(svg, format="svg")
    assert png.getvalue().startswith(b"\x89PNG") and len(png.getvalue()) > 5000
    assert b"<svg" in svg.getvalue() and len(svg.getvalue()) > 5000
    # Every text is inside the figure (nothing clipped at an edge) and no tick label is tiny.
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    drawn = fig.get_tightbbox(canvas.get_renderer()).transformed(fig.dpi_scale_trans)  # inches -> pixels
    assert fig.bbox.x0 - 1 <= drawn.x0 and drawn.x1 <= fig.bbox.x1 + 1
    assert fig.bbox.y0 - 1 <= drawn.y0 and drawn.y1 <= fig.bbox.y1 + 1
    for ax in fig.axes:
        for label in ax.get_xticklabels() + ax.get_yticklabels():
            assert label.get_fontsize() >= 12


def test_rt_carries_its_curves_and_markers(net, tmp_path):
    R = net.rt_curve(T)
    tp = net.percolation_temperature()
    fig = plot.plot_rt(T, R, pins=[("pin", T, R * 0.5, "#123456")], cursor=9.0, tp=tp, plateau=0.2,
                       path=tmp_path / "rt.svg")
    (line,) = gid(fig, "rt")
    np.testing.assert_array_equal(line.get_xdata(), T)
    np.testing.assert_array_equal(line.get_ydata(), R)
    (pin,) = gid(fig, "pin")
    np.testing.assert_array_equal(pin.get_ydata(), R * 0.5)
    assert pin.get_color() == "#123456"
    assert gid(fig, "tp")[0].get_xdata()[0] == tp and gid(fig, "cursor")[0].get_xdata()[0] == 9.0
    assert gid(fig, "plateau")[0].get_ydata()[0] == 0.2
    ax = fig.axes[0]
    assert ax.get_ylabel() == "$R/R_\\mathrm{N}$" and ax.get_xlabel() == "$T$ (K)"
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert labels[:2] == ["pin", "R(T)"] and f"{tp:.2f} K" in labels[3]
    svg = (tmp_path / "rt.svg").read_text()
    assert 'id="rt"' in svg and 'id="tp"' in svg
    # Non-finite markers are not drawn (the dashboard has Tp = NaN when nothing percolates).
    assert not gid(plot.plot_rt(T, R, tp=float("nan")), "tp")


def test_cluster_pixels_are_the_dashboards_raster():
    from puddles.app.cluster_map import render_states

    n, states = hand_made_states()
    expected = render_states(n, states.kind, states.superconducting, states.spanning)
    assert len({tuple(c) for c in expected.reshape(-1, 3)}) == 7  # every state colour occurs
    fig = plot.plot_cluster(states, legend=False)
    (image,) = gid(fig, "cluster-map")
    np.testing.assert_array_equal(image.get_array(), expected)
    # What is drawn: sample the rendered picture at the centre of every raster pixel.
    pixels = render(fig, dpi=150)
    ext = image.get_window_extent()
    size = 2 * n - 1
    centres = (np.arange(size) + 0.5) / size
    cols = np.round(ext.x0 + centres * ext.width).astype(int)
    rows = np.round(pixels.shape[0] - (ext.y1 - centres * ext.height)).astype(int)
    np.testing.assert_array_equal(pixels[np.ix_(rows, cols)], expected)


def test_cluster_has_leads_current_arrow_and_legend(tmp_path):
    n, states = hand_made_states()
    fig = plot.plot_cluster(states, path=tmp_path / "map.svg")
    assert gid(fig, "lead-V-label")[0].get_text() == "V" and gid(fig, "lead-0-label")[0].get_text() == "0"
    (v_bar,), (zero_bar,) = gid(fig, "lead-V"), gid(fig, "lead-0")
    assert v_bar.get_xdata()[0] < 0 < 2 * n - 2 < zero_bar.get_xdata()[0]  # left and right of the lattice
    (arrow,) = gid(fig, "current-arrow")
    assert arrow.xy[0] > arrow.xyann[0]  # points from V to 0
    legend = fig.legends[0]
    assert [t.get_text() for t in legend.get_texts()] == [STATE_LABELS for STATE_LABELS in (
        "metallic matrix", "filament, normal", "filament, superconducting", "puddle, normal",
        "puddle, superconducting", "broken filament", "spanning superconducting path")]
    colours = [tuple(int(round(255 * c)) for c in p.get_facecolor()[:3]) for p in legend.get_patches()]
    assert set(colours) == {hex_to_rgb(c) for c in STATE_COLOURS.values()}
    svg = (tmp_path / "map.svg").read_text()
    assert all(f'id="{k}"' in svg for k in ("lead-V", "lead-0", "current-arrow", "cluster-map"))
    assert len(plot.plot_cluster(states, legend=False, leads=False).axes[0].texts) == 0


def test_cluster_kinds_and_bad_input():
    n, states = hand_made_states()
    kinds = plot.cluster_rgb(states, mode="kinds")
    assert kinds.shape == (2 * n - 1, 2 * n - 1, 3)
    with pytest.raises(ValueError, match="mode must be one of states, kinds"):
        plot.plot_cluster(states, mode="rainbow")
    with pytest.raises(ValueError, match="n must match the 24 bonds"):
        plot.plot_cluster(states, n=5)
    with pytest.raises(ValueError, match="states must be a BondStates"):
        plot.plot_cluster(np.zeros(24))


def test_mu_curves_maxwell_line_and_density_marker():
    p = thermo.PRESETS["fig6-green"]
    res = thermo.maxwell_construction(p)
    fig = plot.plot_mu(p, n_mean=0.05)
    (mu,) = gid(fig, "mu")
    n = mu.get_xdata()
    stable = np.isfinite(mu.get_ydata())
    np.testing.assert_allclose(mu.get_ydata()[stable], thermo.chemical_potential(n[stable], p))
    assert not stable.all() and gid(fig, "mu-unstable")  # the unstable branch is drawn dashed
    assert gid(fig, "mu-unstable")[0].get_linestyle() == "--"
    (maxwell,) = gid(fig, "maxwell")
    np.testing.assert_allclose(maxwell.get_xdata(), [res.n1, res.n2])
    np.testing.assert_allclose(maxwell.get_ydata(), [res.mu_star] * 2)
    (marker,) = gid(fig, "n-mean-marker")
    assert marker.get_ydata()[0] == pytest.approx(thermo.equilibrium_mu(0.05, p))
    (kappa,) = gid(fig, "kappa")
    np.testing.assert_allclose(kappa.get_ydata(), thermo.inverse_compressibility(kappa.get_xdata(), p))
    assert len(gid(fig, "spinodal")) == 2 and n[-1] > res.n2  # the whole window shows
    assert fig.axes[1].get_ylabel().startswith("$\\kappa^{-1}")
    assert len(plot.plot_mu("fig6-red", kappa=False).axes) == 1
    with pytest.raises(ValueError, match="n_mean must be in"):
        plot.plot_mu(p, n_mean=5.0)
    with pytest.raises(ValueError, match="params must be a ThermoParams"):
        plot.plot_mu(42)
    with pytest.raises(ValueError, match="n_max must be in"):
        plot.plot_mu(p, n_max=-1)


def test_fit_figure_and_the_result_methods_delegate(fitted, tmp_path):
    fig = plot.plot_fit(fitted, label="film.csv")
    (data,) = gid(fig, "data")
    np.testing.assert_array_equal(data.get_xdata(), fitted.T)
    np.testing.assert_array_equal(data.get_ydata(), fitted.R)
    np.testing.assert_array_equal(gid(fig, "residual")[0].get_ydata(), fitted.residual)
    np.testing.assert_array_equal(gid(fig, "fit")[0].get_ydata(), fitted.R_curve)
    assert "film.csv" in [t.get_text() for t in fig.legends[0].get_texts()]
    same = fitted.plot(tmp_path / "fit.png", band_sigma=0)
    assert (tmp_path / "fit.png").stat().st_size > 5000
    assert len(same.axes) == 2 and not same.axes[0].collections  # no band
    with pytest.raises(ValueError, match="result must be a FitResult or SeriesResult"):
        plot.plot_fit(object())


def test_bad_input_names_the_parameter():
    R = np.linspace(0, 1, T.size)
    for kwargs, match in [
        (dict(T=np.ones((3, 3)), R=R), "T must be a 1-D array"),
        (dict(T=T, R=R[:-1]), "R must have the length of T"),
        (dict(T=T, R=R * np.nan), "R must be finite"),
        (dict(T="abc", R=R), "T must be a 1-D array"),
        (dict(T=T, R=R, cursor="here"), "cursor must be a number"),
        (dict(T=T, R=R, pins=[("x", T)]), r"pins\[0\] must be"),
        (dict(T=T, R=R, pins="abc"), "pins must be a sequence"),
        (dict(T=T, R=R, pins=[("x", T, R[:5])]), r"pins\[0\] R must have the length"),
    ]:
        with pytest.raises(ValueError, match=match):
            plot.plot_rt(**kwargs)
    with pytest.raises(ValueError, match="curves must be a non-empty mapping"):
        plot.plot_curves(T, {})


def test_without_matplotlib_the_error_names_the_extra(monkeypatch, net, fitted):
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.setitem(sys.modules, name, None)
    n, states = hand_made_states()
    for draw in (lambda: plot.plot_rt(T, T / 20), lambda: plot.plot_cluster(states), lambda: plot.plot_mu("fig6-red"),
                 lambda: plot.plot_fit(fitted), lambda: fitted.plot()):
        with pytest.raises(ModuleNotFoundError, match=r"figures.*superpuddles\[figures\]"):
            draw()


def test_import_puddles_does_not_import_matplotlib():
    code = ("import sys, puddles, puddles.plot, puddles.colours, puddles.cli; "
            "assert not [m for m in sys.modules if m.startswith('matplotlib')], 'matplotlib imported'")
    subprocess.run([sys.executable, "-c", code], check=True)
