"""BCS temperature dependence of a bond's critical current and superfluid stiffness.

A superconducting bond with local critical temperature ``Tc_i`` is treated as a short
dirty-limit BCS superconductor (or a tunnel junction between two parts of one):

* gap, standard interpolation of the BCS result:
  ``delta(t) = Delta(T)/Delta(0) = tanh(1.74 sqrt(1/t - 1))`` for ``t = T/Tc_i < 1``,
  0 for ``t >= 1``, with ``Delta(0) = 1.764 k_B Tc_i``;
* Ambegaokar-Baratoff critical current, ``Ic_i R_N = (pi Delta / 2e) tanh(Delta / 2 k_B T)``,
  and the dirty-limit stiffness (inverse kinetic inductance) ``J_i ~ (Delta / R_N)
  tanh(Delta / 2 k_B T)`` share one factor

  ``f(t) = delta(t) tanh(Delta(T) / 2 k_B T) = delta(t) tanh(0.882 delta(t) / t)``,

  with ``f(0) = 1`` and ``f(t) = 0`` for ``t >= 1``;
* every bond has the same normal resistance R0, so the zero-temperature values scale
  with the gap, i.e. with ``Tc_i``: ``Ic_i(T) = Ic0 (Tc_i / Tc_mean) f(T / Tc_i)`` in units
  of ``Ic0``, the ``T = 0`` critical current of a bond with ``Tc = Tc_mean``; the same
  expression gives ``J_i`` in units of that bond's ``T = 0`` stiffness ``J0``.

So in these units a bond's critical current and its stiffness are the same number
(:func:`bond_weights`); the network quantities differ because one is a max-flow and
the other a linear (Kirchhoff) problem.
"""

from __future__ import annotations

import numpy as np

__all__ = ["GAP_RATIO", "gap", "supercurrent_factor", "bond_weights"]

#: BCS ratio ``Delta(0) / (k_B Tc)``.
GAP_RATIO = 1.764
_INTERP = 1.74  # coefficient of the tanh interpolation of the BCS gap


def gap(t) -> np.ndarray:
    """Reduced BCS gap ``Delta(T)/Delta(0)`` at reduced temperature ``t = T/Tc``.

    Parameters
    ----------
    t : array_like
        ``T / Tc`` (dimensionless, >= 0).

    Returns
    -------
    ndarray
        ``tanh(1.74 sqrt(1/t - 1))`` for ``0 < t < 1``, 1 at ``t = 0``, 0 for ``t >= 1``.
    """
    t = np.asarray(t, dtype=float)
    with np.errstate(divide="ignore"):
        arg = _INTERP * np.sqrt(np.clip(1.0 / t - 1.0, 0.0, np.inf))
    return np.where(t < 1.0, np.tanh(arg), 0.0)


def supercurrent_factor(t) -> np.ndarray:
    """Temperature factor ``f(t) = delta(t) tanh(0.882 delta(t)/t)`` of Ic and J (f(0) = 1).

    Parameters
    ----------
    t : array_like
        ``T / Tc`` (dimensionless, >= 0).

    Returns
    -------
    ndarray
        In [0, 1]; decreasing in ``t``; 0 for ``t >= 1``.
    """
    t = np.asarray(t, dtype=float)
    d = gap(t)
    with np.errstate(divide="ignore", invalid="ignore"):
        thermal = np.where(t > 0, np.tanh(0.5 * GAP_RATIO * d / t), 1.0)
    return d * thermal


def bond_weights(tc, T: float, tc_mean: float, superconducting=None) -> np.ndarray:
    """``Ic_i(T)/Ic0 = J_i(T)/J0 = (Tc_i/Tc_mean) f(T/Tc_i)`` for every bond.

    Parameters
    ----------
    tc : array_like
        Local critical temperatures (K; ``-inf`` or <= 0 for bonds that never superconduct).
    T : float
        Temperature (K), >= 0.
    tc_mean : float
        Mean local Tc (K), > 0: sets the units (a bond with ``Tc = tc_mean`` has weight 1 at T = 0).
    superconducting : ndarray of bool, optional
        Which bonds superconduct (default ``T < tc``); the others get weight 0.

    Returns
    -------
    ndarray
        Non-negative weights, 0 on normal bonds.
    """
    tc = np.asarray(tc, dtype=float)
    sc = (T < tc) if superconducting is None else np.asarray(superconducting, dtype=bool)
    out = np.zeros(tc.shape)
    tci = tc[sc]
    out[sc] = (tci / tc_mean) * supercurrent_factor(T / tci)
    return out
