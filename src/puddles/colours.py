"""Bond colours and the one rule that paints per-bond codes into a picture of the lattice.

Shared by the dashboard's cluster map (:mod:`puddles.app.cluster_map`), the teaching
widgets (:mod:`puddles.app.teaching`) and the matplotlib figures (:mod:`puddles.plot`), so
that a filament, a puddle or the spanning path has the same colour, and is drawn the same
way, in every picture of the project. numpy only: no widgets, no matplotlib.

The rule (:func:`code_raster`): each bond is a pixel of the ``(2N - 1) x (2N - 1)`` raster
of :func:`puddles.lattice.bonds_to_raster`; a node pixel takes the code of highest
priority among its bonds (so filaments draw as unbroken lines); a plaquette pixel takes,
when all four of its bonds carry "area" codes (puddles), the one of lowest priority among
them (so puddles read as filled patches, not a checkerboard), and code 0 otherwise.

The state colours are a family per kind, the darker shade superconducting: blues for
filaments, amber and maroon for puddles, slate grey for broken filaments, the spanning path
in purple, on a light warm-grey matrix. Within these families they were chosen (a search over
sRGB colours) to keep every pair at least 30 CAM02-UCS units apart (colorspacious'
``deltaE``) in normal vision and in simulated protanopia, deuteranopia and tritanopia, and
18 apart on a washed-out projector (black lifted to 10 % of white); ``tests/test_colours.py``
checks it. Broken filaments are grey rather than black so that they also differ in lightness
from the dark superconducting filaments, which is what survives on thin lines.
"""

from __future__ import annotations

import numpy as np

from puddles import lattice
from puddles.cluster import BROKEN, FILAMENT, MATRIX, PUDDLE

__all__ = [
    "STATE_COLOURS", "STATE_LABELS", "STATE_PRIORITY", "STATE_FILL", "KIND_PALETTE", "KIND_PRIORITY", "KIND_FILL",
    "PERCOLATION_PALETTE", "CURRENT_ANCHORS", "CURRENT_SC_COLOURS", "WEAK_LINK_COLOUR", "WEAK_LINK_EDGE",
    "LIVE_COLOUR", "PIN_COLOURS", "state_codes", "code_raster", "paint", "hex_to_rgb", "lut",
]

# Bond state codes, in increasing drawing priority (a node pixel shows its highest-priority bond).
C_MATRIX, C_BROKEN, C_FIL_N, C_PUD_N, C_FIL_S, C_PUD_S, C_SPAN = range(7)

STATE_COLOURS = {
    C_MATRIX: "#f4f1e7",
    C_BROKEN: "#617576",
    C_FIL_N: "#8fbcff",
    C_PUD_N: "#ffa704",
    C_FIL_S: "#02245b",
    C_PUD_S: "#850000",
    C_SPAN: "#a400ec",
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
STATE_PRIORITY = list(range(7))
#: State codes that fill the plaquettes they surround (puddles, and the path through them).
STATE_FILL = (C_PUD_N, C_PUD_S, C_SPAN)

#: Bond kinds of :class:`puddles.cluster.Cluster` (codes MATRIX, FILAMENT, PUDDLE, BROKEN = 0..3) in
#: the colours of the cluster map (filaments and puddles in their superconducting shade).
KIND_PALETTE = [("matrix", STATE_COLOURS[C_MATRIX]), ("filament", STATE_COLOURS[C_FIL_S]),
                ("puddle", STATE_COLOURS[C_PUD_S]), ("broken filament", STATE_COLOURS[C_BROKEN])]
#: Drawing priority of the kinds, as in the state map: puddles on top, then filaments, broken
#: filaments, matrix (so a kind map equals the state map with every bond superconducting).
KIND_PRIORITY = [0, 2, 3, 1]
KIND_FILL = (PUDDLE,)
#: Normal / superconducting / spanning bonds of a plain percolation picture.
PERCOLATION_PALETTE = [("normal, R0", STATE_COLOURS[C_MATRIX]), ("superconducting", STATE_COLOURS[C_FIL_S]),
                       ("spans the leads", STATE_COLOURS[C_SPAN])]

#: Colour scale of ``|I|`` on normal bonds (white -> dark brown), and the flat colours of
#: superconducting bonds in the currents picture.
CURRENT_ANCHORS = ["#ffffff", "#fee391", "#fe9929", "#cc4c02", "#662506"]
CURRENT_SC_COLOURS = {C_FIL_S: "#9ecae1", C_PUD_S: "#6baed6", C_SPAN: STATE_COLOURS[C_SPAN]}

#: Weakest links: a bright pink that differs from every state colour in every kind of colour vision, with a black edge.
WEAK_LINK_COLOUR = "#f850b0"
WEAK_LINK_EDGE = "#000000"

#: R(T) curves: the live curve, and the muted colours of pinned ones (the live curve is the only saturated one).
LIVE_COLOUR = "#08306b"
PIN_COLOURS = ["#8c96c6", "#74c476", "#fdae6b", "#9e9ac8", "#a6bddb", "#fa9fb5", "#bdbdbd", "#c7e9c0"]


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


def code_raster(codes, n: int, *, priority=None, fill=()) -> np.ndarray:
    """Raster ``(2n-1, 2n-1)`` of codes: bonds, then nodes and plaquettes by the module's rule.

    Parameters
    ----------
    codes : array of int, one per bond (bond order of :mod:`puddles.lattice`), in ``0 .. k-1``
    n : int
        Lattice size.
    priority : sequence of int, optional
        A permutation of ``0 .. k-1``: the drawing priority of each code (default: the code).
    fill : sequence of int
        Codes that fill a plaquette when all four of its bonds carry one of them.
    """
    codes = np.asarray(codes, dtype=np.intp)
    k = max(int(codes.max(initial=0)), *fill, 0) + 1 if priority is None else len(priority)
    pri = np.arange(k) if priority is None else np.asarray(priority, dtype=np.intp)
    code_of = np.argsort(pri)  # priority -> code
    img = lattice.bonds_to_raster(pri[codes], n, node_value=-1, empty_value=-1)
    p = np.pad(img, 1, constant_values=-1)
    nb = np.stack([p[:-2, 1:-1], p[2:, 1:-1], p[1:-1, :-2], p[1:-1, 2:]])  # the four edge neighbours
    img[0::2, 0::2] = np.maximum(nb[:, 0::2, 0::2].max(axis=0), pri[0])
    around = nb[:, 1::2, 1::2]  # the four bonds of every plaquette
    fills = np.zeros(k, dtype=bool)
    fills[list(fill)] = True
    inside = fills[code_of[around]].all(axis=0)
    img[1::2, 1::2] = np.where(inside, around.min(axis=0), pri[0])
    return code_of[img]


def paint(codes, n: int, palette, *, priority=None, fill=(), scale: int = 1) -> np.ndarray:
    """RGB picture (uint8) of per-bond ``codes`` with colour ``palette[code]`` (by :func:`code_raster`).

    ``palette`` is a list of ``"#rrggbb"`` or of ``(name, "#rrggbb")``; each raster pixel
    becomes ``scale x scale`` image pixels.
    """
    colours = np.array([hex_to_rgb(c if isinstance(c, str) else c[1]) for c in palette], dtype=np.uint8)
    if priority is None:
        priority = range(len(colours))
    rgb = colours[code_raster(codes, n, priority=list(priority), fill=fill)]
    if scale > 1:
        rgb = np.repeat(np.repeat(rgb, scale, axis=0), scale, axis=1)
    return rgb


def hex_to_rgb(colour: str) -> tuple[int, int, int]:
    """``"#rrggbb"`` to an ``(r, g, b)`` tuple of ints."""
    colour = colour.lstrip("#")
    if len(colour) != 6:
        raise ValueError(f"colour must look like '#rrggbb', got {colour!r}")
    return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


def lut(anchors: list[str], size: int = 256) -> np.ndarray:
    """A ``(size, 3)`` uint8 colour table interpolated linearly between hex anchors."""
    pts = np.array([hex_to_rgb(c) for c in anchors], dtype=float)
    pos = np.linspace(0.0, 1.0, len(anchors))
    t = np.linspace(0.0, 1.0, size)
    return np.stack([np.interp(t, pos, pts[:, i]) for i in range(3)], axis=1).round().astype(np.uint8)
