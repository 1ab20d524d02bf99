"""The model's parameters as one immutable object, shared from engine to app.

:class:`ModelParams` holds the physics of the puddle network: lattice size, puddle
diameter, superconducting weight ``w``, broken-filament fraction ``w2`` and the local Tc
distribution (``tc_mean``, ``sigma``). Numerical settings (interpolation tolerance, number
of workers, solver backend) are not physics and are never part of it; neither is the
seed, which chooses one realization of the disorder rather than a property of the film.

>>> from puddles.params import ModelParams
>>> p = ModelParams(n=50, w=0.4, w2=0.1, tc_mean=10.0, sigma=1.5)
>>> p.replace(w2=0.2).w2
0.2
>>> ModelParams(w2=1.5)
Traceback (most recent call last):
    ...
ValueError: w2 must lie in [0, 1], got 1.5
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace

from .validation import MAX_SIZE, MIN_SIZE, check_diameter, check_fraction, check_int, check_tc

__all__ = ["ModelParams", "PUDDLE_CENTRES"]

#: Where puddle centres are drawn: on a random skeleton bond (the paper) or anywhere.
PUDDLE_CENTRES = ("skeleton", "anywhere")


@dataclass(frozen=True)
class ModelParams:
    """Physical parameters of the puddle network model.

    Parameters
    ----------
    n : int
        Lattice size (nodes per side), 2..2000; practical up to about 400 (see
        :meth:`puddles.Network.generate`).
    w : float
        Superconducting weight: fraction of bonds in the skeleton or in a puddle, [0, 1].
        A realization cannot go below its skeleton fraction ``w_skeleton`` (about
        0.26-0.28 at the default growth) nor above its ``w_max``; building a network
        outside that range raises a ``ValueError`` naming the limit. At a fixed seed R(T)
        is not monotone in ``w`` (a new puddle's one Tc replaces the possibly higher Tc
        of the filament bonds it covers); trends in ``w`` hold for ensembles.
    w2 : float
        Probability that a filament bond no puddle covers is broken, [0, 1].
    tc_mean : float
        Mean of the local critical temperatures (K), finite.
    sigma : float
        Standard deviation of the local critical temperatures (K), > 0.
    puddle_diameter : float or "random"
        Puddle diameter D in bonds, (0, max(4 n, 30)]; or ``"random"`` for D ~ U[5, 30] per puddle.
    puddle_centres : {"skeleton", "anywhere"}
        Where puddle centres are drawn.
    """

    n: int = 100
    w: float = 0.45
    w2: float = 0.0
    tc_mean: float = 1.0
    sigma: float = 0.2
    puddle_diameter: float | str = 10.0
    puddle_centres: str = "skeleton"

    def __post_init__(self) -> None:
        # object.__setattr__: the documented way to normalise fields of a frozen dataclass.
        set_ = object.__setattr__
        set_(self, "n", check_int("n (lattice size)", self.n, MIN_SIZE, MAX_SIZE))
        set_(self, "w", check_fraction("w", self.w))
        set_(self, "w2", check_fraction("w2", self.w2))
        tc_mean, sigma = check_tc(self.tc_mean, self.sigma)
        set_(self, "tc_mean", tc_mean)
        set_(self, "sigma", sigma)
        set_(self, "puddle_diameter", check_diameter(self.puddle_diameter, self.n))
        if self.puddle_centres not in PUDDLE_CENTRES:
            raise ValueError(f"puddle_centres must be one of {PUDDLE_CENTRES}, got {self.puddle_centres!r}")

    def replace(self, **changes) -> ModelParams:
        """A copy with some fields changed (validated like a new object)."""
        unknown = sorted(set(changes) - set(self.names()))
        if unknown:
            raise ValueError(f"ModelParams: unknown parameter(s) {unknown}; allowed: {list(self.names())}")
        return replace(self, **changes)

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """Field names, in order."""
        return tuple(f.name for f in fields(cls))

    @classmethod
    def coerce(cls, params) -> ModelParams:
        """Accept a :class:`ModelParams` or a mapping of its fields (unknown keys raise)."""
        if isinstance(params, cls):
            return params
        if isinstance(params, Mapping):
            unknown = sorted(set(params) - set(cls.names()))
            if unknown:
                raise ValueError(f"params: unknown key(s) {unknown}; allowed: {list(cls.names())}")
            return cls(**params)
        raise ValueError(f"params must be a ModelParams or a dict of its fields, got {type(params).__name__}")

    def as_dict(self) -> dict:
        """Plain dict of the fields (JSON-friendly)."""
        return asdict(self)

    @property
    def geometry(self) -> tuple:
        """What fixes the realization's geometry for a given seed: ``(n, puddle_diameter, puddle_centres)``."""
        return (self.n, self.puddle_diameter, self.puddle_centres)
