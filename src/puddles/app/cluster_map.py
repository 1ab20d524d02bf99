"""The cluster map: every bond of the lattice coloured by kind and state, as one PNG.

A 200 x 200 lattice has ~80 000 bonds; one DOM node per bond (bqplot ``GridHeatMap``,
SVG lines) would make the browser crawl, so the map is a raster image. Each bond is a
pixel of the ``(2N - 1) x (2N - 1)`` raster of :func:`puddles.lattice.bonds_to_raster`;
node pixels take the most prominent of their bonds (so filaments draw as unbroken
lines) and plaquette pixels between four puddle bonds take the puddle's colour (so
puddles read as filled patches instead of a checkerboard). The raster is upscaled by an
integer factor and encoded as PNG (:mod:`puddles.app.png`).

Two colourings:

* **states** - matrix, filament normal / superconducting, puddle normal /
  superconducting, broken filament; the superconducting cluster that joins the leads
  (when there is one) in a highlight colour.
* **currents** - |I| on the normal bonds on a logarithmic scale, relative to the current
  a bond carries in the uniform lattice (I_total / N); superconducting bonds keep a flat
  colour (their current is not fixed by the contracted problem), the spanning cluster
  keeps its highlight.
* **weakest links** - the bond states, with the minimum cut of the critical-current
  max-flow (the bonds that limit Ic, :meth:`puddles.network.Network.weakest_links`)
  drawn as bold yellow marks on top.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from puddles import lattice
from puddles.cluster import BROKEN, FILAMENT, MATRIX, PUDDLE

from .png import encode_png, hex_to_rgb, lut, upscale

__all__ = [
    "STATE_COLOURS",
    "STATE_LABELS",
    "CURRENT_RANGE",
    "state_codes",
    "render_states",
    "render_currents",
    "render_weakest_links",
    "WEAK_LINK_COLOUR",
    "ClusterMap",
]

# Codes in increasing drawing priority (a node pixel shows its highest-priority bond).
C_MATRIX, C_BROKEN, C_FIL_N, C_PUD_N, C_FIL_S, C_PUD_S, C_SPAN = range(7)

#: Colour of every state code; chosen to stay distinguishable on a washed-out projector
#: and for red-green colour blindness (blues vs oranges, the path in magenta).
STATE_COLOURS = {
    C_MATRIX: "#e3e3e3",
    C_BROKEN: "#3a3a3a",
    C_FIL_N: "#9ecae1",
    C_PUD_N: "#fdd0a2",
    C_FIL_S: "#2166ac",
    C_PUD_S: "#e6550d",
    C_SPAN: "#c51b7d",
}
STATE_LABELS = {
    C_MATRIX: "metallic matrix",
    C_FIL_N: "filament, normal",
    C_FIL_S: "filament, superconducting",
    C_PUD_N: "puddle, normal",
    C_PUD_S: "puddle, superconducting",
    C_BROKEN: "broken filament",
    C_SPAN: "spanning superconducting path",
}
_STATE_LUT = np.array([hex_to_rgb(STATE_COLOURS[c]) for c in range(7)], dtype=np.uint8)

#: log10 range of |I| / (I_total / N) shown by the current colouring.
CURRENT_RANGE = (-2.0, 1.5)
_CURRENT_ANCHORS = ["#ffffff", "#fee391", "#fe9929", "#cc4c02", "#662506"]
_CURRENT_LUT = lut(_CURRENT_ANCHORS, 256)
_CURRENT_SC = {C_FIL_S: "#9ecae1", C_PUD_S: "#6baed6", C_SPAN: "#c51b7d"}

#: Displayed map size in CSS pixels (the raster is upscaled by an integer factor to at most this).
MAP_PIXELS = 400


def state_codes(kind: np.ndarray, superconducting: np.ndarray, spanning: np.ndarray) -> np.ndarray:
    """Per-bond state code (``C_*`` constants) from kind, state and spanning masks."""
    code = np.full(kind.size, C_MATRIX, dtype=np.int8)
    code[kind == BROKEN] = C_BROKEN
    code[kind == FILAMENT] = np.where(superconducting[kind == FILAMENT], C_FIL_S, C_FIL_N)
    code[kind == PUDDLE] = np.where(superconducting[kind == PUDDLE], C_PUD_S, C_PUD_N)
    code[spanning] = C_SPAN
    # A matrix bond never superconducts; guard against inconsistent input all the same.
    code[(kind == MATRIX) & ~spanning] = C_MATRIX
    return code


def _neighbours(img: np.ndarray) -> np.ndarray:
    """The four edge-neighbours of every pixel, NaN outside: shape (4, h, w)."""
    p = np.pad(img.astype(float), 1, constant_values=np.nan)
    return np.stack([p[:-2, 1:-1], p[2:, 1:-1], p[1:-1, :-2], p[1:-1, 2:]])


def _code_raster(n: int, code: np.ndarray) -> np.ndarray:
    """Raster of state codes with node and plaquette pixels filled from their bonds."""
    img = lattice.bonds_to_raster(code.astype(float), n, node_value=np.nan, empty_value=np.nan)
    nb = _neighbours(img)
    with np.errstate(all="ignore"), _quiet():
        node = np.nanmax(nb, axis=0)
        low = np.nanmin(nb, axis=0)
    nodes = np.zeros_like(img, dtype=bool)
    nodes[0::2, 0::2] = True
    plaq = np.zeros_like(img, dtype=bool)
    plaq[1::2, 1::2] = True
    img[nodes] = node[nodes]
    # A plaquette is inside a puddle when all four of its bonds are puddle (or path) bonds.
    inside = plaq & (low >= C_PUD_N) & (low != C_FIL_S)
    img[plaq] = C_MATRIX
    img[inside] = low[inside]
    return np.nan_to_num(img, nan=C_MATRIX).astype(np.int8)


class _quiet:
    """Silence numpy's all-NaN-slice RuntimeWarning (border pixels) in a ``with`` block."""

    def __enter__(self):
        import warnings

        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)
        return self

    def __exit__(self, *exc):
        return self._w.__exit__(*exc)


def render_states(n: int, kind: np.ndarray, superconducting: np.ndarray, spanning: np.ndarray) -> np.ndarray:
    """RGB raster (uint8, ``(2n-1, 2n-1, 3)``) of bond kinds and states."""
    return _STATE_LUT[_code_raster(n, state_codes(kind, superconducting, spanning))]


def render_currents(
    n: int,
    kind: np.ndarray,
    superconducting: np.ndarray,
    spanning: np.ndarray,
    currents: np.ndarray,
    total_current: float,
) -> np.ndarray:
    """RGB raster of |I| on the normal bonds (log scale), superconducting bonds flat.

    Parameters
    ----------
    currents : ndarray
        Bond currents for V = 1 (NaN on superconducting bonds), from the solver.
    total_current : float
        Current through the sample (``inf`` when R = 0: then every normal bond carries
        zero current and the map shows only the superconducting bonds).
    """
    code = state_codes(kind, superconducting, spanning)
    sc = code >= C_FIL_S
    ref = total_current / n if np.isfinite(total_current) and total_current > 0 else np.inf
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.abs(np.nan_to_num(currents, nan=0.0)) / ref
        lo, hi = CURRENT_RANGE
        level = np.clip((np.log10(rel) - lo) / (hi - lo), 0.0, 1.0)
    level = np.where(np.isfinite(level), level, 0.0)
    # Normal bonds carry a level in [0, 1]; superconducting ones their code (>= 4), so one
    # raster holds both and the neighbour rules below can tell them apart.
    value = np.where(sc, code.astype(float), level)
    img = lattice.bonds_to_raster(value, n, node_value=np.nan, empty_value=np.nan)
    nb = _neighbours(img)
    normal_nb = np.where(nb < C_FIL_S, nb, np.nan)
    sc_nb = np.where(nb >= C_FIL_S, nb, np.nan)
    with np.errstate(all="ignore"), _quiet():
        mean_normal = np.nanmean(normal_nb, axis=0)
        max_sc = np.nanmax(sc_nb, axis=0)
        min_sc = np.nanmin(sc_nb, axis=0)
        n_normal = np.sum(np.isfinite(normal_nb), axis=0)
    fill = np.zeros_like(img, dtype=bool)
    fill[0::2, 0::2] = True
    plaq = np.zeros_like(img, dtype=bool)
    plaq[1::2, 1::2] = True
    # Nodes on a superconducting bond show it (lines stay unbroken); others average their currents.
    node_val = np.where(np.isfinite(max_sc), max_sc, mean_normal)
    # Plaquettes are superconducting only when surrounded by superconducting bonds.
    plaq_val = np.where(n_normal == 0, min_sc, mean_normal)
    img[fill] = node_val[fill]
    img[plaq] = plaq_val[plaq]
    img = np.nan_to_num(img, nan=0.0)

    out = _CURRENT_LUT[np.clip((np.minimum(img, 1.0) * 255).round().astype(int), 0, 255)]
    for c, colour in _CURRENT_SC.items():
        out[img == c] = hex_to_rgb(colour)
    return out


#: Colour of the weakest links: bright on every state colour, including the magenta path.
WEAK_LINK_COLOUR = "#ffd92f"
_WEAK_EDGE = "#000000"


def render_weakest_links(
    n: int, kind: np.ndarray, superconducting: np.ndarray, spanning: np.ndarray, cut: np.ndarray
) -> np.ndarray:
    """RGB raster of the bond states with the weakest links (bond indices ``cut``) marked.

    Each cut bond is drawn as a 3 x 3 raster-pixel mark (bond, end nodes and neighbouring
    plaquettes) with a one-pixel black outline, so a single bond stays visible at N = 200.
    """
    rgb = render_states(n, kind, superconducting, spanning)
    cut = np.asarray(cut, dtype=np.intp)
    if cut.size == 0:
        return rgb
    size = 2 * n - 1
    rows, cols = lattice.bond_raster_index(n)
    r, c = rows[cut], cols[cut]
    for radius, colour in ((2, _WEAK_EDGE), (1, WEAK_LINK_COLOUR)):
        d = np.arange(-radius, radius + 1)
        rr = np.clip(r[:, None, None] + d[None, :, None], 0, size - 1)
        cc = np.clip(c[:, None, None] + d[None, None, :], 0, size - 1)
        rgb[np.broadcast_to(rr, (cut.size, d.size, d.size)), np.broadcast_to(cc, (cut.size, d.size, d.size))] = hex_to_rgb(colour)
    return rgb


def _swatch(colour: str, label: str) -> str:
    return (
        f'<span class="pd-swatch"><i style="background:{colour}"></i>{html.escape(label)}</span>'
    )


def _state_legend() -> str:
    order = [C_MATRIX, C_FIL_N, C_FIL_S, C_PUD_N, C_PUD_S, C_BROKEN, C_SPAN]
    return "".join(_swatch(STATE_COLOURS[c], STATE_LABELS[c]) for c in order)


def _current_legend(note: str) -> str:
    stops = ", ".join(_CURRENT_ANCHORS)
    lo, hi = CURRENT_RANGE
    bar = (
        f'<span class="pd-cbar"><span>10<sup>{lo:g}</sup></span>'
        f'<i style="background:linear-gradient(to right,{stops})"></i>'
        f"<span>10<sup>{hi:g}</sup></span></span>"
        f" |I| / (I<sub>total</sub>/N) on normal bonds"
    )
    sc = _swatch(_CURRENT_SC[C_PUD_S], "superconducting") + _swatch(_CURRENT_SC[C_SPAN], "spanning path")
    extra = f'<div class="pd-note">{html.escape(note)}</div>' if note else ""
    return f"<div>{bar}</div><div>{sc}</div>{extra}"


class ClusterMap:
    """Widget showing the cluster map (an ``ipywidgets.Image``) with its legend and title.

    Attributes
    ----------
    widget : ipywidgets.VBox
        Title, image and legend.
    image : ipywidgets.Image
        The PNG; its ``value`` changes whenever the picture does.
    """

    def __init__(self):
        self.title = widgets.HTML(layout=widgets.Layout(height="22px"))
        self.title.add_class("pd-panel-title")
        self.image = widgets.Image(format="png", layout=widgets.Layout(width=f"{MAP_PIXELS}px", height=f"{MAP_PIXELS}px"))
        self.image.add_class("pd-map")
        self.legend = widgets.HTML(layout=widgets.Layout(width=f"{MAP_PIXELS}px"))
        self.legend.add_class("pd-legend")
        self.widget = widgets.VBox([self.title, self.image, self.legend], layout=widgets.Layout(width=f"{MAP_PIXELS + 10}px"))
        self.widget.add_class("pd-map-box")
        self.rgb: np.ndarray | None = None

    @staticmethod
    def encode(rgb: np.ndarray) -> bytes:
        """PNG of an RGB raster upscaled to the map size."""
        return encode_png(upscale(rgb, MAP_PIXELS))

    def show(
        self, rgb: np.ndarray, *, png: bytes | None = None, title: str, subtitle: str = "", mode: str = "states",
        note: str = "",
    ) -> None:
        """Display an RGB raster with the legend of ``mode`` ("states", "currents" or "weakest links");
        ``png`` is its :meth:`encode`, if at hand."""
        self.rgb = rgb
        self.image.value = self.encode(rgb) if png is None else png
        self.title.value = html.escape(title)
        sub = f'<div class="pd-map-sub">{html.escape(subtitle)}</div>' if subtitle else ""
        if mode == "weakest links":
            legend = _state_legend() + _swatch(WEAK_LINK_COLOUR, "weakest links (minimum cut of Ic)")
            legend += f'<div class="pd-note">{html.escape(note)}</div>' if note else ""
        else:
            legend = _state_legend() if mode == "states" else _current_legend(note)
        self.legend.value = sub + legend
