"""The container of one measured R(T) curve: :class:`RTData`."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..validation import check_quantity
from .writer import write_rt_csv

__all__ = ["MIN_POINTS", "RTData"]

#: Fewest distinct temperatures :func:`~puddles.io.load_rt` accepts; below this no model
#: with a handful of parameters can be fitted meaningfully.
MIN_POINTS = 5


@dataclass(frozen=True, eq=False, repr=False)
class RTData:
    """One measured R(T) curve, in SI-like units.

    Parameters
    ----------
    T : array_like of float
        Temperatures in kelvin (a pint Quantity is converted).
    R : array_like of float
        Resistances in ohm, or ``R / R_N`` (dimensionless) if ``r_unit`` is
        ``"normalized"``. Same length as ``T``. A pint Quantity is converted; numbers
        with uncertainties are refused (give their nominal values).
    r_unit : {"ohm", "normalized"}
        What ``R`` holds.
    metadata : dict of str to str
        Free-form information, e.g. parsed from ``# key: value`` comments. Keys and
        values are converted to ``str`` so that the object round-trips through
        :meth:`to_csv`.
    source_name : str
        Where the data came from (file name, ``"<bytes>"``, ...), for messages.
    n_merged : int
        How many rows were folded into others because they repeated a temperature.
    n_dropped : int
        How many rows were dropped because of missing values.

    Notes
    -----
    ``T`` and ``R`` are stored as read-only float64 copies, so a frozen ``RTData`` really
    cannot change under a fit that holds it. :func:`load_rt` returns ``T`` sorted and
    without repeats; constructing ``RTData`` directly does not enforce that.
    Two ``RTData`` compare equal when all fields are equal (arrays element-wise, NaN
    equal to NaN).
    """

    T: np.ndarray
    R: np.ndarray
    r_unit: str = "ohm"
    metadata: dict = field(default_factory=dict)
    source_name: str = ""
    n_merged: int = 0
    n_dropped: int = 0

    def __post_init__(self) -> None:
        T, _ = check_quantity(self.T, "T", "kelvin")
        R, dimensionless = check_quantity(self.R, "R", "ohm", dimensionless_ok=True)
        if dimensionless and self.r_unit != "normalized":
            raise ValueError("R is a dimensionless Quantity: pass r_unit='normalized' (R/R_N) or give R in ohm")
        T = np.array(T, dtype=float, copy=True)
        R = np.array(R, dtype=float, copy=True)
        if T.ndim != 1 or R.ndim != 1:
            raise ValueError(f"T and R must be one-dimensional, got shapes {T.shape} and {R.shape}")
        if T.shape != R.shape:
            raise ValueError(f"T and R must have the same length, got {T.size} and {R.size}")
        if self.r_unit not in ("ohm", "normalized"):
            raise ValueError(f"r_unit must be 'ohm' or 'normalized', got {self.r_unit!r}")
        for name in ("n_merged", "n_dropped"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
            object.__setattr__(self, name, int(value))
        T.setflags(write=False)
        R.setflags(write=False)
        # object.__setattr__ is the documented way to normalise fields of a frozen dataclass.
        object.__setattr__(self, "T", T)
        object.__setattr__(self, "R", R)
        object.__setattr__(self, "metadata", {str(k): str(v) for k, v in dict(self.metadata).items()})
        object.__setattr__(self, "source_name", str(self.source_name))

    def __len__(self) -> int:
        return int(self.T.size)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RTData):
            return NotImplemented
        return (
            np.array_equal(self.T, other.T, equal_nan=True)
            and np.array_equal(self.R, other.R, equal_nan=True)
            and self.r_unit == other.r_unit
            and self.metadata == other.metadata
            and self.source_name == other.source_name
            and self.n_merged == other.n_merged
            and self.n_dropped == other.n_dropped
        )

    # Defining __eq__ makes the class unhashable, which is right: it holds a dict.
    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        # The default repr would print every point; a summary is what a REPL user wants.
        if len(self):
            span = f"T={self.T.min():.6g}..{self.T.max():.6g} K"
        else:
            span = "empty"
        return (
            f"RTData(n={len(self)}, {span}, r_unit={self.r_unit!r}, "
            f"source_name={self.source_name!r}, n_merged={self.n_merged}, "
            f"n_dropped={self.n_dropped}, metadata={len(self.metadata)} entries)"
        )

    def normalized(self, r_n: float) -> np.ndarray:
        """Return ``R / r_n``.

        Parameters
        ----------
        r_n : float
            Normal-state resistance, in the same unit as ``R`` (ohm, or dimensionless
            if the data are already normalised, for a re-normalisation). Must be finite
            and positive.

        Returns
        -------
        ndarray of float
            A new (writable) array; ``self`` is unchanged.
        """
        r_n = float(r_n)
        if not math.isfinite(r_n) or r_n <= 0:
            raise ValueError(f"r_n must be a finite positive number, got {r_n!r}")
        return self.R / r_n

    def to_csv(self, path_or_buffer) -> None:
        """Write the data as CSV that :func:`load_rt` reads back exactly.

        The file starts with one ``# key: value`` line per metadata entry, then the
        header ``T_K,R_ohm`` (or ``T_K,R_over_RN`` for normalised data), then one row per
        point with every float written in ``repr`` precision (shortest exact form).

        Parameters
        ----------
        path_or_buffer : str, os.PathLike or file-like
            A path (written as UTF-8) or an object with ``write`` accepting ``str``
            or, for binary streams, ``bytes``.

        Raises
        ------
        ValueError
            If a metadata key could not be read back as one (empty, with surrounding
            spaces, starting with ``#``, or containing ``:``, ``=`` or a line break).

        Notes
        -----
        Line breaks inside metadata values are replaced by spaces and surrounding
        whitespace is removed, since a comment line cannot hold them; every other
        value round-trips unchanged. ``source_name``, ``n_merged`` and ``n_dropped``
        describe how the object was made and are not written.
        """
        write_rt_csv(path_or_buffer, self.T, self.R, normalized=self.r_unit == "normalized", metadata=self.metadata)
