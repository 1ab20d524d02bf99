"""Minimal PNG encoding for the dashboard's raster images (colours: :mod:`puddles.colours`).

The cluster map is a small RGB raster (at most 399 x 399 pixels before upscaling) that
is re-encoded on every temperature change, so it has to be cheap and dependency-free:
PNG is just zlib-compressed scanlines behind a fixed header, which the standard library
writes in a few milliseconds. Keeping Pillow out of the dependency list keeps the Binder
image and the CI install small.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np

__all__ = ["encode_png", "upscale"]

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)


def encode_png(rgb: np.ndarray, *, level: int = 3) -> bytes:
    """Encode an RGB image as PNG bytes.

    Parameters
    ----------
    rgb : ndarray of uint8, shape (h, w, 3)
        Pixel colours, row 0 at the top.
    level : int
        zlib compression level; 3 is ~3x faster than the default 6 and only a few
        percent larger on these flat-coloured maps.

    Returns
    -------
    bytes
        A complete PNG file (8-bit truecolour, no interlacing, filter type 0).
    """
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    if rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValueError(f"rgb must have shape (height, width, 3), got {rgb.shape}")
    h, w, _ = rgb.shape
    # Every scanline starts with its filter byte (0 = none).
    raw = np.empty((h, 1 + 3 * w), dtype=np.uint8)
    raw[:, 0] = 0
    raw[:, 1:] = rgb.reshape(h, 3 * w)
    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return (
        _PNG_SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw.tobytes(), level))
        + _chunk(b"IEND", b"")
    )


def upscale(img: np.ndarray, target: int) -> np.ndarray:
    """Nearest-neighbour upscale by the largest integer factor that keeps ``img`` within ``target`` pixels.

    The browser would otherwise smooth a 199-pixel raster shown at 400 pixels into a blur;
    integer replication keeps every bond a crisp square.
    """
    factor = max(1, target // max(img.shape[0], img.shape[1]))
    if factor == 1:
        return img
    return np.repeat(np.repeat(img, factor, axis=0), factor, axis=1)
