"""Scenario presets and slider ranges of the dashboard (pure data, no widgets).

The scenarios are the behaviours the paper (Dezi, Scopigno, Caprara, Grilli, PRB; Sec.
II.C and Fig. 1) discusses, with parameter values checked against the engine (see
``tests/test_app.py::test_presets_show_their_behaviour``, which runs them for several
seeds at N = 100):

* **percolating, long tail** - a sparse puddle network on an intact skeleton: a
  superconducting path forms at Tp well below Tc_mean and R(T) has a long low-T foot.
* **non-percolating, metallic plateau** - broken filaments (w2 = 0.3) cut every
  lead-to-lead path: R(T -> 0) saturates at a finite fraction of R_N.
* **Tc-driven loss (MoS2/TiSe2-like)** - the geometry would percolate, but the Tc
  distribution is shifted so low (Tc_mean = 2 K, sigma = 2.5 K) that the weakest links
  never superconduct at T >= 0: R(T) keeps falling down to T = 0 instead of saturating.
* **geometry-driven loss (ZrNCl-like)** - Tc stays high (10 K) but few puddles and
  many broken filaments (w = 0.4, w2 = 0.5): the superconducting cluster never spans
  the sample and a large plateau (~0.4 R_N) sets in well above T = 0.
* **dense puddles, sharp transition** - many puddles and intact filaments: narrow
  transition, Tp close to Tc_mean.

Temperatures are in kelvin (the scale of the paper's fits, Tc ~ 10-14 K).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

__all__ = ["Scenario", "SCENARIOS", "RANGES", "DEFAULT_SCENARIO", "T_MAX", "N_CHOICES"]

#: Upper end of the temperature axis and of the T cursor (K). Fixed so that the R(T)
#: axes never rescale (and never collapse when R is identically zero).
T_MAX = 25.0

#: Lattice sizes offered by the N selector.
N_CHOICES = (50, 100, 200)

#: (min, max, step) of every network slider. The w minimum is a placeholder: the
#: dashboard moves it to w_skeleton of the current realization.
RANGES = {
    "sigma": (0.1, 5.0, 0.05),  # every minimum is a multiple of its step: presets sit on the grid
    "tc_mean": (0.5, 15.0, 0.1),
    "T": (0.0, T_MAX, 0.05),
    "w": (0.2, 1.0, 0.005),
    "w2": (0.0, 1.0, 0.01),
    "diameter": (4.0, 30.0, 1.0),
}


@dataclass(frozen=True)
class Scenario:
    """One preset: the values it puts on the sliders and a one-line description."""

    sigma: float
    tc_mean: float
    w: float
    w2: float
    T: float
    diameter: float = 10.0
    note: str = ""

    def values(self) -> dict:
        """Slider values keyed like :data:`RANGES` (without the note)."""
        out = asdict(self)
        out.pop("note")
        return out


SCENARIOS: dict[str, Scenario] = {
    "percolating, long tail": Scenario(
        sigma=2.5, tc_mean=10.0, w=0.45, w2=0.0, T=7.0,
        note="sparse puddles on an intact skeleton: zero resistance at Tp, long low-T foot",
    ),
    "non-percolating, metallic plateau": Scenario(
        sigma=2.0, tc_mean=10.0, w=0.5, w2=0.3, T=3.0,
        note="broken filaments cut every path: R saturates at a finite plateau",
    ),
    "Tc-driven loss (MoS2/TiSe2-like)": Scenario(
        sigma=2.5, tc_mean=2.0, w=0.6, w2=0.05, T=1.0,
        note="geometry percolates, but low local Tc: R still falls at T -> 0, no plateau",
    ),
    "geometry-driven loss (ZrNCl-like)": Scenario(
        sigma=2.0, tc_mean=10.0, w=0.4, w2=0.5, T=5.0,
        note="high Tc, too few connections: large plateau well above T = 0",
    ),
    "dense puddles, sharp transition": Scenario(
        sigma=1.5, tc_mean=10.0, w=0.8, w2=0.0, T=9.0,
        note="many puddles, intact filaments: narrow transition, Tp close to Tc_mean",
    ),
}

DEFAULT_SCENARIO = "percolating, long tail"
