"""The cluster map: every bond of the lattice coloured by kind and state, as one PNG.

A 200 x 200 lattice has ~80 000 bonds; one DOM node per bond (bqplot ``GridHeatMap``,
SVG lines) would make the browser crawl, so the map is a raster image, painted by the
bond -> raster rule and in the colours of :mod:`puddles.colours` (the teaching
widgets use the same). The raster is upscaled by an integer factor and encoded as PNG
(:mod:`puddles.app.png`).

Three colourings:

* **states** - matrix, filament normal / superconducting, puddle normal /
  superconducting, broken filament; the superconducting cluster that joins the leads
  (when there is one) in a highlight colour.
* **currents** - |I| on the normal bonds on a logarithmic scale, relative to the current
  a bond carries in the uniform lattice (I_total / N); superconducting bonds keep a flat
  colour (their current is not fixed by the contracted problem), the spanning cluster
  keeps its highlight.
* **weakest links** - the bond states, with the minimum cut of the critical-current
  max-flow (the bonds that limit Ic, :meth:`puddles.network.Network.weakest_links`)
  drawn as bold pink marks (outlined) on top.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from puddles import lattice
from puddles.colours import (
    C_BROKEN,
    C_FIL_N,
    C_FIL_S,
    C_MATRIX,
    C_PUD_N,
    C_PUD_S,
    C_SPAN,
    CURRENT_ANCHORS,
    CURRENT_SC_COLOURS,
    STATE_COLOURS,
    STATE_FILL,
    STATE_LABELS,
    WEAK_LINK_COLOUR,
    WEAK_LINK_EDGE,
    code_raster,
    hex_to_rgb,
    lut,
    paint,
    state_codes,
)

from .png import encode_png, upscale

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

#: log10 range of |I| / (I_total / N) shown by the current colouring.
CURRENT_RANGE = (-2.0, 1.5)
_CURRENT_LUT = lut(CURRENT_ANCHORS, 256)
_STATE_PALETTE = [STATE_COLOURS[c] for c in range(len(STATE_COLOURS))]

#: Displayed map size in CSS pixels (the raster is upscaled by an integer factor to at most this).
MAP_PIXELS = 400
#: Width (CSS pixels) of each lead marker beside the map.
LEAD_PX = 14


def render_states(n: int, kind: np.ndarray, superconducting: np.ndarray, spanning: np.ndarray) -> np.ndarray:
    """RGB raster (uint8, ``(2n-1, 2n-1, 3)``) of bond kinds and states."""
    return paint(state_codes(kind, superconducting, spanning), n, _STATE_PALETTE, fill=STATE_FILL)


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
    # Superconducting structure by the shared rule (normal bonds as code 0): nodes on a
    # superconducting bond show it, plaquettes only when four superconducting bonds surround them.
    structure = code_raster(np.where(sc, code, C_MATRIX), n, fill=tuple(CURRENT_SC_COLOURS))
    ref = total_current / n if np.isfinite(total_current) and total_current > 0 else np.inf
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.abs(np.nan_to_num(currents, nan=0.0)) / ref
        lo, hi = CURRENT_RANGE
        level = np.clip((np.log10(rel) - lo) / (hi - lo), 0.0, 1.0)
    level = np.where(np.isfinite(level) & ~sc, level, np.nan)
    # Every other pixel shows the mean level of its normal bonds.
    img = lattice.bonds_to_raster(level, n, node_value=np.nan, empty_value=np.nan)
    p = np.pad(img, 1, constant_values=np.nan)
    nb = np.stack([p[:-2, 1:-1], p[2:, 1:-1], p[1:-1, :-2], p[1:-1, 2:]])
    with np.errstate(all="ignore"):
        mean = np.nansum(nb, axis=0) / np.maximum(np.sum(np.isfinite(nb), axis=0), 1)
    between = np.zeros_like(img, dtype=bool)
    between[0::2, 0::2] = between[1::2, 1::2] = True
    img[between] = mean[between]
    img = np.nan_to_num(img, nan=0.0)
    out = _CURRENT_LUT[np.clip((img * 255).round().astype(int), 0, 255)]
    for c, colour in CURRENT_SC_COLOURS.items():
        out[structure == c] = hex_to_rgb(colour)
    return out


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
    for radius, colour in ((2, WEAK_LINK_EDGE), (1, WEAK_LINK_COLOUR)):
        d = np.arange(-radius, radius + 1)
        rr = np.clip(r[:, None, None] + d[None, :, None], 0, size - 1)
        cc = np.clip(c[:, None, None] + d[None, None, :], 0, size - 1)
        rgb[np.broadcast_to(rr, (cut.size, d.size, d.size)), np.broadcast_to(cc, (cut.size, d.size, d.size))] = hex_to_rgb(colour)
    return rgb


def _swatch(colour: str, label: str, help_text: str = "") -> str:
    title = f' title="{html.escape(help_text)}"' if help_text else ""
    return f'<span class="pd-swatch"{title}><i style="background:{colour}"></i>{html.escape(label)}</span>'


#: Hover texts of the legend entries of the bond states.
_STATE_HELP = {
    C_MATRIX: "metallic matrix: bonds that never superconduct (resistance R_N per bond)",
    C_FIL_N: "filament bond (DLA skeleton) above its local Tc: normal",
    C_FIL_S: "filament bond below its local Tc: superconducting",
    C_PUD_N: "puddle bond above its local Tc: normal",
    C_PUD_S: "puddle bond below its local Tc: superconducting",
    C_BROKEN: "broken filament bond: never superconducts (probability w2 where no puddle covers the filament)",
    C_SPAN: "spanning cluster: superconducting bonds connected from lead V to lead 0 (R = 0)",
}


def _state_legend() -> str:
    order = [C_MATRIX, C_FIL_N, C_FIL_S, C_PUD_N, C_PUD_S, C_BROKEN, C_SPAN]
    return "".join(_swatch(STATE_COLOURS[c], STATE_LABELS[c], _STATE_HELP[c]) for c in order)


def _current_legend(note: str) -> str:
    stops = ", ".join(CURRENT_ANCHORS)
    lo, hi = CURRENT_RANGE
    bar = (
        f'<span class="pd-cbar"><span>10<sup>{lo:g}</sup></span>'
        f'<i style="background:linear-gradient(to right,{stops})"></i>'
        f"<span>10<sup>{hi:g}</sup></span></span>"
        f" |I| / (I<sub>total</sub>/N) on normal bonds"
    )
    sc = _swatch(CURRENT_SC_COLOURS[C_PUD_S], "superconducting") + _swatch(CURRENT_SC_COLOURS[C_SPAN], "spanning path")
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
    alt : str
        What the picture shows, in words (mode, T, N): the image's alt text in the page.
    """

    def __init__(self):
        self.title = widgets.HTML(layout=widgets.Layout(height="22px"))
        self.title.add_class("pd-panel-title")
        self.image = widgets.Image(format="png", layout=widgets.Layout(width=f"{MAP_PIXELS}px", height=f"{MAP_PIXELS}px"))
        self.image.add_class("pd-map")
        self.legend = widgets.HTML(layout=widgets.Layout(max_width=f"{MAP_PIXELS + 2 * LEAD_PX}px"))
        self.legend.add_class("pd-legend")
        # The leads: the solver holds the left column at V and the right column at 0.
        current = widgets.HTML(
            '<div class="pd-current" title="The current enters at the left lead (potential V) and leaves at '
            'the right lead (potential 0).">current I: lead V <span class="pd-arrow">⟶</span> lead 0</div>'
        )
        current.add_class("pd-current-box")
        lead_v, lead_0 = (
            widgets.HTML(f'<div class="pd-lead" title="{text}">{mark}</div>', layout=widgets.Layout(width=f"{LEAD_PX}px"))
            for mark, text in (("V", "left lead: every node of the left column at potential V"),
                               ("0", "right lead: every node of the right column at potential 0 (ground)"))
        )
        for lead in (lead_v, lead_0):
            lead.add_class("pd-lead-box")
        picture = widgets.HBox([lead_v, self.image, lead_0])
        picture.add_class("pd-map-leads")
        self.widget = widgets.VBox([self.title, current, picture, self.legend])
        self.widget.add_class("pd-map-box")
        self.rgb: np.ndarray | None = None
        self.alt = ""

    @staticmethod
    def encode(rgb: np.ndarray) -> bytes:
        """PNG of an RGB raster upscaled to the map size."""
        return encode_png(upscale(rgb, MAP_PIXELS))

    def show(
        self, rgb: np.ndarray, *, png: bytes | None = None, title: str, subtitle: str = "", mode: str = "states",
        note: str = "", alt: str = "",
    ) -> None:
        """Display an RGB raster with the legend of ``mode`` ("states", "currents" or "weakest links");
        ``png`` is its :meth:`encode`, if at hand; ``alt`` says in words what the picture shows
        (:attr:`alt`; the page makes it the image's alt text: an ipywidgets Image has none, and a
        tooltip on it breaks its view in ipywidgets 8.1)."""
        self.rgb = rgb
        self.image.value = self.encode(rgb) if png is None else png
        self.alt = alt or title
        self.title.value = html.escape(title)
        sub = f'<div class="pd-map-sub">{html.escape(subtitle)}</div>' if subtitle else ""
        if mode == "weakest links":
            legend = _state_legend() + _swatch(WEAK_LINK_COLOUR, "weakest links (minimum cut of Ic)")
            legend += f'<div class="pd-note">{html.escape(note)}</div>' if note else ""
        else:
            legend = _state_legend() if mode == "states" else _current_legend(note)
        # Hidden: the page's script copies it into the image's alt attribute.
        self.legend.value = sub + legend + f'<span class="pd-map-alt" hidden>{html.escape(self.alt)}</span>'
