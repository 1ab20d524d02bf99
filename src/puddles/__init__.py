"""puddles: superconducting puddles in a metallic matrix.

An exact random-resistor-network model of the broad, tailish resistive transitions of
ionic-liquid gated two-dimensional superconductors (Dezi, Scopigno, Caprara, Grilli,
Phys. Rev. B), and the electronic phase separation behind the inhomogeneity.

The engine (this package) needs only numpy, scipy and networkx; the interactive
dashboard lives in :mod:`puddles.app`.
"""

__version__ = "0.1.0"

from .io import RTData, load_rt  # noqa: E402  (after __version__: fit imports it)
from .ensemble import ensemble_rt  # noqa: E402
from .fit import FitResult, fit_rt  # noqa: E402
from .lattice import normal_resistance  # noqa: E402
from .network import BondStates, Network  # noqa: E402
from .params import ModelParams  # noqa: E402
from .solver import effective_resistance, solve_lattice  # noqa: E402
from .thermo import ThermoParams  # noqa: E402

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
    "ensemble_rt",
    "ModelParams",
    "ThermoParams",
    "__version__",
]
