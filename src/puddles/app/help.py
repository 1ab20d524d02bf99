"""Help texts of the dashboard: one short text per control and readout, shown on hover and
in the "?" glossary.

One dictionary, :data:`HELP`, keyed by the name of what a control sets (the same names as
:class:`puddles.app.dashboard.Controls` and :data:`puddles.app.presets.RANGES`), so the
tooltip and the glossary entry of a control can never say different things.
:func:`no_null_tooltips` gives every remaining widget an empty tooltip: ipywidgets 8 writes
a missing one into the page as ``title="null"``, which browsers show on hover.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

__all__ = ["HELP", "GLOSSARY", "MAP_MODE_HELP", "glossary_html", "no_null_tooltips"]

#: Short help of every control and readout (plain text: it goes into title attributes too).
HELP = {
    "scenario": "Preset parameter sets for the behaviours the paper discusses; a note under the menu says "
                "what to look for. Moving any model slider afterwards makes it 'custom'.",
    "sigma": "σ: standard deviation of the local critical temperature Tc of the superconducting bonds (K). "
             "Wider spread, broader transition and longer low-T tail. Redraws at once (no new solve).",
    "tc_mean": "T̄c: mean local critical temperature of the superconducting bonds (K). Shifts R(T) in "
               "temperature. Redraws at once (no new solve).",
    "T": "T cursor: the temperature (K) of the cluster map and of the Ic / ρs readouts; dashed line on "
         "the plots.",
    "w": "w: fraction of all bonds that can superconduct (filament skeleton plus puddles). Its minimum is "
         "the skeleton fraction of this realization. On the μ(n) plot, w is the high-density fraction x, "
         "so it marks the mean density n = n1 + w (n2 − n1).",
    "w2": "w2: probability that a filament bond no puddle covers is broken (never superconducts). The "
          "paper's 'fraction of broken filament bonds' counts broken bonds over the whole skeleton: w2 times "
          "the uncovered share of the skeleton (shown in the summary; a fit reports it as "
          "skeleton_broken_fraction).",
    "diameter": "D: diameter of the circular superconducting puddles, in bonds. Puddles are centred on "
                "the filament skeleton.",
    "n": "N: lattice size (N x N nodes). Larger N: smoother curves, slower rebuilds.",
    "seed": "seed: number of the random realization (skeleton, puddles, local Tc). The same seed gives "
            "the same film.",
    "new_button": "Next seed: a new random realization with the same parameters.",
    "pin_button": "Keep a copy of the current R(T) curve on the plot (up to 6), to compare parameters.",
    "clear_button": "Remove every pinned curve.",
    "map_mode": "What the cluster map colours: bond states, the current |I| through the normal bonds, or "
                "the weakest links that limit the critical current.",
    "lower": "Choose the panel under R(T): μ(n) of the film (the density that w implies) or the critical "
             "current and superfluid stiffness.",
    "tp": "Tp: percolation temperature, the highest T at which a superconducting path joins the two "
          "leads, so R = 0 below it.",
    "t_half": "T at which R has fallen to half the normal-state resistance R_N.",
    "plateau": "R(T→0)/R_N: resistance left at zero temperature. Finite when no superconducting path "
               "spans the sample (broken filaments): the metallic plateau.",
    "spanning": "spanning: a superconducting cluster that joins the left lead (V) to the right lead (0); "
                "it short-circuits the sample, R = 0.",
    "summary": "Numbers of this realization: skeleton fraction, puddles, bonds of each kind, and the share "
               "of skeleton bonds that are broken (the paper's broken-filament fraction).",
    "map": "The cluster map: every bond of the lattice, coloured by kind and state at the cursor "
           "temperature. Current enters at the left lead (V) and leaves at the right lead (0).",
    "pins": "Pinned curves, with the parameters that made them.",
    "help": "Show or hide the glossary of every control and readout.",
    # Thermodynamics tab
    "thermo_preset": "The parameter sets of the paper's Fig. 6.",
    "Gamma": "Γ: strength of the gate-induced attraction that drives phase separation (eV).",
    "B": "B: the n³ term of μ(n) that stops the collapse at high density (eV).",
    "W": "W: bandwidth; W/2 is the kinetic term of μ(n) (eV).",
    "A": "A: short-range repulsion (eV); a = W/2 + A − 2Γ < 0 makes the film unstable at low density.",
    "nu0": "ν0: density scale of the countercharge (electrons per cell).",
    "density": "Mean electron density n of the film (electrons per unit cell). Inside the coexistence "
               "window the lever rule gives the high-density fraction x = (n − n1)/(n2 − n1).",
    "drive_w": "Link the density and w both ways: the density sets w = clip(x, w_skeleton, w_max), and "
               "moving w moves the density to n = n1 + w (n2 − n1).",
}

#: Tooltips of the map-mode buttons, in the order of the buttons.
MAP_MODE_HELP = (
    "Bond states: matrix, filaments and puddles (normal or superconducting), broken bonds, and the "
    "spanning superconducting cluster.",
    "Current |I| through each normal bond for a voltage V across the leads, on a log scale.",
    "Weakest links: the bonds of the minimum cut that limit the critical current Ic.",
)

#: Glossary rows: (term as HTML, help key).
GLOSSARY = (
    ("σ", "sigma"), ("T̄<sub>c</sub>", "tc_mean"), ("T cursor", "T"), ("w", "w"), ("w2", "w2"), ("D", "diameter"),
    ("N", "n"), ("seed", "seed"), ("T<sub>p</sub>", "tp"), ("T(R<sub>N</sub>/2)", "t_half"),
    ("R(T→0)/R<sub>N</sub>", "plateau"), ("spanning", "spanning"), ("cluster map", "map"),
    ("map modes", "map_mode"), ("pins", "pin_button"), ("scenario", "scenario"),
    ("μ(n), density", "density"), ("density sets w", "drive_w"),
)


def glossary_html() -> str:
    """The "?" panel: every term with its help text."""
    rows = "".join(
        f"<dt>{term}</dt><dd>{html.escape(HELP[key])}</dd>" for term, key in GLOSSARY
    )
    modes = "".join(f"<li>{html.escape(text)}</li>" for text in MAP_MODE_HELP)
    return (
        '<div class="pd-glossary-body"><b>What the controls and readouts mean</b> '
        "(hover over any of them for the same text; “? help” again closes this)"
        f"<dl>{rows}</dl><div>Map modes:</div><ul>{modes}</ul></div>"
    )


def no_null_tooltips(root: widgets.Widget) -> int:
    """Give every widget under ``root`` without a tooltip an empty one; returns how many.

    ipywidgets 8.1 copies a missing tooltip (None) into the description label as
    ``title="null"``, which a browser shows as a "null" tooltip on hover.
    """
    count = 0
    stack = [root]
    seen = set()
    while stack:
        w = stack.pop()
        if id(w) in seen:
            continue
        seen.add(id(w))
        if isinstance(w, widgets.DOMWidget) and hasattr(w, "tooltip") and w.tooltip is None:
            w.tooltip = ""
            count += 1
        stack.extend(c for c in getattr(w, "children", ()) if isinstance(c, widgets.Widget))
    return count
