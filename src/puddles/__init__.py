"""puddles: superconducting puddles in a metallic matrix.

An exact random-resistor-network model of the broad, tailish resistive transitions of
ionic-liquid gated two-dimensional superconductors (Dezi, Scopigno, Caprara, Grilli,
Phys. Rev. B), and the electronic phase separation behind the inhomogeneity.

The engine (this package) needs only numpy, scipy and networkx; the interactive
dashboard lives in :mod:`puddles.app`.
"""

from .lattice import normal_resistance
from .network import BondStates, Network
from .solver import effective_resistance, solve_lattice

__all__ = ["Network", "BondStates", "effective_resistance", "solve_lattice", "normal_resistance", "__version__"]
__version__ = "0.1.0"
