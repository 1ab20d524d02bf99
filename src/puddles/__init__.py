"""puddles: superconducting puddles in a metallic matrix.

An exact random-resistor-network model of the broad, tailish resistive transitions of
ionic-liquid gated two-dimensional superconductors (Dezi, Scopigno, Caprara, Grilli,
Phys. Rev. B), and the electronic phase separation behind the inhomogeneity.

The engine (this package) needs only numpy, scipy and networkx; the interactive
dashboard lives in :mod:`puddles.app`.
"""

__version__ = "0.1.0"

from .ensemble import ensemble_rt
from .fit import FitResult, fit_rt, fit_series
from .io import RTData, load_rt
from .lattice import normal_resistance
from .network import BondStates, Network
from .params import ModelParams
from .solver import effective_resistance, solve_lattice
from .thermo import ThermoParams

__all__ = [
    "Network",
    "BondStates",
    "effective_resistance",
    "solve_lattice",
    "normal_resistance",
    "load_rt",
    "RTData",
    "fit_rt",
    "FitResult",
    "fit_series",
    "ensemble_rt",
    "ModelParams",
    "ThermoParams",
    "__version__",
]
