"""The map palette stays readable for everyone: colour differences in CAM02-UCS (colorspacious'
``deltaE``) between the legend colours, in normal vision and in simulated protanopia, deuteranopia
and tritanopia (severity 100), on a washed-out projector, and for the marks drawn over the map
(about 1 s)."""

import itertools

import numpy as np
import pytest

from puddles import colours as C

cs = pytest.importorskip("colorspacious")

#: Deficiencies simulated by colorspacious (its "-anomaly" models at severity 100 are the dichromacies).
VISIONS = {"normal": None, "protanopia": "protanomaly", "deuteranopia": "deuteranomaly", "tritanopia": "tritanomaly"}
STATES = [C.C_MATRIX, C.C_FIL_N, C.C_FIL_S, C.C_PUD_N, C.C_PUD_S, C.C_BROKEN, C.C_SPAN]


def srgb(colours) -> np.ndarray:
    return np.array([C.hex_to_rgb(c) for c in colours], dtype=float) / 255


def seen(rgb: np.ndarray, deficiency: str | None) -> np.ndarray:
    if deficiency is None:
        return rgb
    space = {"name": "sRGB1+CVD", "cvd_type": deficiency, "severity": 100}
    return np.clip(cs.cspace_convert(rgb, space, "sRGB1"), 0.0, 1.0)


def washed_out(rgb: np.ndarray) -> np.ndarray:
    """A projector in a lit room: black is lifted to 10 % of white (in linear light)."""
    lin = cs.cspace_convert(rgb, "sRGB1", "sRGB1-linear")
    return np.clip(cs.cspace_convert(0.1 + 0.9 * lin, "sRGB1-linear", "sRGB1"), 0.0, 1.0)


def delta_e(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """CAM02-UCS distance between rows of ``a`` and ``b`` (broadcast)."""
    return np.asarray(cs.deltaE(a, b, input_space="sRGB1"))


def closest_pairs(colours: dict, deficiency: str | None) -> tuple[float, tuple]:
    rgb = seen(srgb(colours.values()), deficiency)
    names = list(colours)
    d = {(names[i], names[j]): float(delta_e(rgb[i], rgb[j])) for i, j in itertools.combinations(range(len(names)), 2)}
    pair = min(d, key=d.get)
    return d[pair], pair


@pytest.mark.parametrize("vision", list(VISIONS))
def test_every_pair_of_state_colours_differs_by_30(vision):
    legend = {C.STATE_LABELS[c]: C.STATE_COLOURS[c] for c in STATES}
    smallest, pair = closest_pairs(legend, VISIONS[vision])
    assert smallest >= 30.0, f"{vision}: {pair} differ by {smallest:.1f}"


def test_states_stay_apart_on_a_washed_out_projector():
    rgb = washed_out(srgb(C.STATE_COLOURS[c] for c in STATES))
    d = [delta_e(rgb[i], rgb[j]) for i, j in itertools.combinations(range(len(STATES)), 2)]
    assert min(d) >= 18.0


def test_colours_keep_their_meaning():
    """Filaments blue, puddles amber to maroon, superconducting the darker shade, a light neutral matrix,
    broken filaments a neutral grey set apart from the superconducting filaments by lightness (thin lines)."""
    lab = {c: cs.cspace_convert(srgb([C.STATE_COLOURS[c]])[0], "sRGB1", "CIELab") for c in STATES}
    lightness = {c: v[0] for c, v in lab.items()}
    chroma = {c: np.hypot(v[1], v[2]) for c, v in lab.items()}
    hue = {c: np.degrees(np.arctan2(v[2], v[1])) % 360 for c, v in lab.items()}
    assert lightness[C.C_MATRIX] > 88 and chroma[C.C_MATRIX] < 6
    assert all(215 <= hue[c] <= 295 for c in (C.C_FIL_N, C.C_FIL_S))  # CIELab hue of blues
    assert all(30 <= hue[c] <= 95 for c in (C.C_PUD_N, C.C_PUD_S))
    assert lightness[C.C_FIL_S] < lightness[C.C_FIL_N] - 15 and lightness[C.C_PUD_S] < lightness[C.C_PUD_N] - 10
    assert chroma[C.C_BROKEN] < 8 and lightness[C.C_BROKEN] > lightness[C.C_FIL_S] + 25
    assert chroma[C.C_SPAN] > 80  # the path is the most vivid colour


@pytest.mark.parametrize("vision", list(VISIONS))
def test_marks_drawn_over_the_map_stay_visible(vision):
    v = VISIONS[vision]
    states = seen(srgb(C.STATE_COLOURS[c] for c in STATES), v)
    # Weakest links (a bright fill with a black edge) on every state colour.
    weak = seen(srgb([C.WEAK_LINK_COLOUR]), v)[0]
    assert delta_e(states, weak).min() >= 15.0
    # Currents picture: the flat superconducting colours beside the |I| colour scale and each other.
    ramp = seen(C.lut(C.CURRENT_ANCHORS, 64) / 255, v)
    flat = seen(srgb(C.CURRENT_SC_COLOURS.values()), v)
    assert min(delta_e(ramp, f).min() for f in flat) >= 20.0
    sc, span = flat[:2], flat[2]
    assert delta_e(sc, span).min() >= 25.0
