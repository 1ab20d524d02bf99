"""Filamentary superconducting skeleton: a directed diffusion-limited aggregate (:ref:`model-skeleton`).

The paper (Appendix, step ii) builds the weakly connected, nearly one-dimensional backbone of the
superconducting cluster by a *directed* DLA on a large ``M x M`` lattice and then cuts an ``N x N`` window
out of its middle, so that the tree covers the whole sample and its left-edge saturation stays outside.

Growth rules (fixed by :ref:`model-skeleton`)
---------------------------------------------
* ``P`` particles are released one after another, each at a uniformly random row of column 0.
* A step is one bond to the right, then one bond up or down with probability 1/2 each.
* After every single-bond move the particle halts if the node it reached touches an already occupied bond
  or lies on the top, bottom or right edge; the bond it just crossed becomes occupied. So a particle adds
  at most one bond (exactly one if it moves at all: the node it leaves touches no occupied bond, so the
  bond it crosses can not be occupied yet).
* A particle whose start node already touches an occupied bond adds nothing (the paper's "saturation at
  the left edge").

Random stream (part of the result; changing it changes every skeleton, so it is versioned)
------------------------------------------------------------------------------------------
``rng = np.random.default_rng(np.random.SeedSequence(entropy=seed, spawn_key=(1,)))`` (other spawn keys of
the same master seed belong to the cluster module). First all start rows are drawn in one call,
``rng.integers(0, M, size=P, dtype=np.int32)``. Then every particle, moving or not, owns the next block of
``ceil((M - 1) / 64)`` raw 64-bit words of ``rng.bit_generator.random_raw``; its ``j``-th vertical move
(``j = 0, 1, ...``) uses bit ``j`` of that block, least significant bit of the first word first, ``1`` =
down (row + 1), ``0`` = up. Giving each particle its own block (instead of one shared bit stream) makes a
particle's path independent of how far the earlier ones went, so whole blocks of paths are drawn and laid
out with one vectorised call; the cost is ~4 unused words per particle at M = 250, i.e. nothing.

Defaults (:ref:`model-skeleton`, the paper's M = 250, P = 50 000 for N = 100): ``M = ceil(2.5 N)``,
``P = round(0.8 M^2)``, window offset ``floor((M - N) / 2)`` in both directions. Growth direction and
current direction coincide (left to right).

Caching: a growth is a pure function of ``(M, P, seed)`` and costs ~0.15 s at the paper's size, so it is
kept in an in-memory LRU (never grown twice per process) and, for default growths, on disk under
``platformdirs.user_cache_dir("puddles")`` (or ``$PUDDLES_CACHE_DIR``) as packed bits. A cache file
is trusted only if it is a regular file of exactly the expected size whose header names this growth
and whose SHA-256 matches the bits; nothing is decompressed, so a crafted file can cost no more than
its expected size to read. Anything else is regrown and overwritten.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import stat
import tempfile
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

import numpy as np

from .lattice import MAX_SIZE, bond_endpoints, bond_index, n_bonds, n_horizontal, validate_size
from .validation import check_int, check_seed

__all__ = [
    "ALGORITHM_VERSION",
    "default_growth",
    "default_particles",
    "grow_dla",
    "dla_arrival",
    "skeleton_mask",
    "clear_cache",
    "cache_directory",
]

_log = logging.getLogger(__name__)

#: Identifies the growth rules *and* the random-stream layout. Part of every disk-cache key: bump it
#: whenever either changes, so stale skeletons are never read back.
ALGORITHM_VERSION = "ddla-v1"

#: SeedSequence spawn key of the skeleton stream (the cluster module uses other keys of the same seed).
_SPAWN_KEY = (1,)

#: Largest growth lattice accepted. M = ceil(2.5 N) is 5000 at the largest lattice N = 2000; twice that
#: (2e8 bonds, 200 MB of mask) is far beyond anything that grows in reasonable time.
MAX_M = 10_000

#: Entries of the in-memory LRU (a default mask is 2 M (M - 1) bytes, 124 kB at M = 250).
_MEMORY_CACHE_SIZE = 16

#: Particles whose paths are laid out per vectorised block in the fast grower. Small enough that the
#: paths of particles which turn out to be blocked are little wasted work, large enough to amortise the
#: numpy call overhead (measured optimum ~512-2048 at M = 250).
_CHUNK = 1024

_ENV_CACHE_DIR = "PUDDLES_CACHE_DIR"


# ----------------------------------------------------------------------------------------------------
# Validation and defaults
# ----------------------------------------------------------------------------------------------------


def default_particles(m: int) -> int:
    """Default number of particles for an ``m x m`` growth lattice, ``round(0.8 m^2)``.

    Computed in integers: ``0.8 m^2 = 4 m^2 / 5`` never has fractional part 1/2, so rounding is
    unambiguous (50 000 for m = 250).
    """
    m = check_int("m", m, 2, MAX_M)
    return (8 * m * m + 5) // 10


def default_growth(n: int) -> tuple[int, int, int]:
    """Default growth lattice for an ``n x n`` sample (:ref:`model-skeleton`).

    Parameters
    ----------
    n : int
        Sample lattice size (nodes per side), 2..2000.

    Returns
    -------
    m : int
        Growth lattice size ``ceil(2.5 n)`` (250 for n = 100).
    particles : int
        Number of DLA particles ``round(0.8 m^2)`` (50 000 for m = 250).
    offset : int
        Row and column offset ``floor((m - n) / 2)`` of the sample window inside the growth lattice.
    """
    n = validate_size(n)
    m = (5 * n + 1) // 2  # ceil(5 n / 2) in integers
    return m, default_particles(m), (m - n) // 2


def _is_default_growth(m: int, particles: int) -> bool:
    """True if ``(m, particles)`` is ``default_growth(n)[:2]`` for some sample size ``n``.

    Only these growths go to the disk cache, so arbitrary experiments do not litter it.
    """
    if particles != default_particles(m):
        return False
    # ceil(5 n / 2) = m has at most one solution n, next to 2 m / 5.
    return any(2 <= n <= MAX_SIZE and (5 * n + 1) // 2 == m for n in range(2 * m // 5 - 1, 2 * m // 5 + 2))


# ----------------------------------------------------------------------------------------------------
# The random stream
# ----------------------------------------------------------------------------------------------------


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(entropy=seed, spawn_key=_SPAWN_KEY))


def _words_per_particle(m: int) -> int:
    """64-bit words in each particle's step block: room for its at most ``m - 2`` vertical moves."""
    return -(-(m - 1) // 64)


def _draw_starts(rng: np.random.Generator, m: int, particles: int) -> np.ndarray:
    # One call for all particles: chunked ``integers`` calls interleaved with ``random_raw`` would make
    # the stream depend on the chunking (PCG64 buffers half words for 32-bit draws).
    return rng.integers(0, m, size=particles, dtype=np.int32)


def _step_bits(words: np.ndarray, m: int) -> np.ndarray:
    """Unpack per-particle word blocks ``(k, wpp)`` into vertical-move bits ``(k, m - 2)``, LSB first."""
    words = np.ascontiguousarray(words, dtype="<u8")
    bits = np.unpackbits(words.view(np.uint8).reshape(words.shape[0], -1), axis=1, bitorder="little")
    return bits[:, : max(m - 2, 0)]


# ----------------------------------------------------------------------------------------------------
# Growers
# ----------------------------------------------------------------------------------------------------


def _grow_core(m: int, starts: np.ndarray, words, *, chunk: int = _CHUNK, arrival: bool = False) -> np.ndarray:
    """Fast directed DLA from explicit draws.

    Parameters
    ----------
    m : int
        Growth lattice size.
    starts : ndarray of int, shape (P,)
        Start row of every particle.
    words : callable
        ``words(k)`` returns the step blocks of the next ``k`` particles, uint64 of shape
        ``(k, ceil((m - 1) / 64))``; it is called once per chunk, in particle order.
    chunk : int
        Particles per vectorised block (does not change the result).
    arrival : bool
        Return, instead of the mask, the index of the particle that occupied every bond.

    Returns
    -------
    ndarray of bool (or int32 with ``arrival``), shape (2 m (m - 1),)
        Occupied bonds in lattice bond order (particle index per bond, -1 where empty).

    Notes
    -----
    Particles are sequential (each sees the bonds of all earlier ones), but a path does not depend on
    the cluster until it halts. So for a chunk of particles all full zig-zag paths (flat node index after
    every single-bond move) are laid out at once with a cumulative sum; each particle then costs one
    gather of the "halting node" flags along its path and an argmax for the first halt. Halting flags
    live in a bytearray (cheap scalar updates from Python) viewed as a numpy bool array (cheap gathers).
    Measured at M = 250, P = 50 000: ~0.15 s, versus ~0.45 s for a pure-Python bytearray walk
    with precomputed halting flags (the other candidate) and ~12 s for :func:`_reference_core`.
    """
    starts = np.asarray(starts, dtype=np.int64)
    n_h = n_horizontal(m)
    nn = m * m
    n_moves = 2 * m - 3  # R V R V ... R: m - 1 right moves reach the right edge, m - 2 vertical moves
    # touch[v]: node v is an end of an occupied bond. halt[v]: touch or top/bottom/right edge.
    touch = bytearray(nn)
    edge = np.zeros((m, m), dtype=np.uint8)
    edge[0, :] = edge[-1, :] = edge[:, -1] = 1
    halt_b = bytearray(edge.tobytes())
    halt = np.frombuffer(halt_b, dtype=bool)  # shares memory with halt_b
    occ = bytearray(n_bonds(m))
    who = np.full(n_bonds(m), -1, dtype=np.int32) if arrival else None
    col_after_right = np.arange(1, m, dtype=np.int64)  # column reached by right move j = 0..m-2
    argmax = np.argmax

    for c0 in range(0, starts.size, chunk):
        r0 = starts[c0 : c0 + chunk]
        blocks = words(r0.size)  # drawn for every particle: each owns its block (stream layout)
        start_nodes = (r0 * m).tolist()
        # A particle blocked at the chunk start stays blocked (occupied bonds only accumulate), so only
        # the others get a path laid out.
        live = [k for k, s in enumerate(start_nodes) if not touch[s]]
        if not live:
            continue
        live_arr = np.asarray(live)
        rl = r0[live_arr]
        nodes = np.empty((len(live), n_moves), dtype=np.int64)
        nodes[:, 0] = rl * m + 1
        if m > 2:
            # Flat-index change of every vertical move (+m down, -m up), accumulated: node after the
            # j-th vertical move is start + (j + 1) + cumulative row change * m.
            dv = np.cumsum(_step_bits(blocks[live_arr], m).astype(np.int64) * (2 * m) - m, axis=1)
            dv += (rl * m)[:, None]
            nodes[:, 1::2] = dv + col_after_right[:-1]
            nodes[:, 2::2] = dv + col_after_right[1:]
        # Entries after a path's first halt may leave the lattice; they are never looked at (the argmax
        # stops at the first halt, which always comes before), so clipping them into range is harmless.
        np.clip(nodes, 0, nn - 1, out=nodes)
        for row_i, k in enumerate(live):
            s = start_nodes[k]
            if touch[s]:  # blocked by an earlier particle of this chunk
                continue
            path = nodes[row_i]
            f = int(argmax(halt[path]))  # first halting move; the last move always halts (right edge)
            node = int(path[f])
            prev = int(path[f - 1]) if f else s
            if node - prev == 1:  # right move: horizontal bond (r, c)-(r, c+1) = r (m-1) + c
                bond = prev - prev // m
            else:  # vertical move: bond index n_h + flat index of the upper end
                bond = n_h + (prev if prev < node else node)
            occ[bond] = 1
            if who is not None:
                who[bond] = c0 + k
            touch[prev] = touch[node] = halt_b[prev] = halt_b[node] = 1
    return who if who is not None else np.frombuffer(bytes(occ), dtype=bool).copy()


def _grow_dla_fast(m: int, particles: int, seed: int, *, chunk: int = _CHUNK, arrival: bool = False) -> np.ndarray:
    """Grow one directed DLA (no caching, no validation); see :func:`grow_dla`."""
    rng = _rng(seed)
    starts = _draw_starts(rng, m, particles)
    wpp = _words_per_particle(m)

    def words(k):
        return rng.bit_generator.random_raw(k * wpp).reshape(k, wpp)

    return _grow_core(m, starts, words, chunk=chunk, arrival=arrival)


def _reference_core(m: int, starts, words) -> np.ndarray:
    """Deliberately simple rule-by-rule directed DLA: the ground truth for :func:`_grow_core`.

    Same arguments as :func:`_grow_core` except that ``words(k)`` is called once per particle with
    ``k = 1``. Nodes are ``(row, col)`` tuples, occupied bonds a set of frozensets of two nodes; nothing
    is precomputed. Uses :func:`puddles.lattice.bond_index` for the output order, so it is limited to
    ``m <= 2000`` and is ~75x slower than the fast grower (12 s at M = 250, P = 50 000).
    """
    occupied: set[frozenset] = set()

    def touches(node):
        r, c = node
        return any(frozenset({node, nb}) in occupied for nb in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)))

    def on_edge(node):
        r, c = node
        return r == 0 or r == m - 1 or c == m - 1

    for r0 in starts:
        block = [int(w) for w in np.asarray(words(1)).ravel()]  # this particle's step bits
        pos = (int(r0), 0)
        if touches(pos):
            continue  # saturated start: the particle adds nothing
        j = 0  # vertical moves made so far
        while True:
            r, c = pos
            new = (r, c + 1)  # one bond to the right
            bond, pos = frozenset({pos, new}), new
            if touches(pos) or on_edge(pos):
                break
            r, c = pos
            down = (block[j // 64] >> (j % 64)) & 1
            j += 1
            new = (r + 1, c) if down else (r - 1, c)  # then one bond up or down
            bond, pos = frozenset({pos, new}), new
            if touches(pos) or on_edge(pos):
                break
        occupied.add(bond)

    mask = np.zeros(n_bonds(m), dtype=bool)
    for bond in occupied:
        (ra, ca), (rb, cb) = sorted(bond)
        mask[bond_index(m, ra, ca, ra == rb)] = True
    return mask


def _grow_dla_reference(m: int, particles: int, seed: int) -> np.ndarray:
    """Reference growth from a seed (same random stream as :func:`grow_dla`, no caching)."""
    rng = _rng(seed)
    starts = _draw_starts(rng, m, particles)
    wpp = _words_per_particle(m)
    return _reference_core(m, starts, lambda k: rng.bit_generator.random_raw(k * wpp))


# ----------------------------------------------------------------------------------------------------
# Caches
# ----------------------------------------------------------------------------------------------------

_memory: OrderedDict[tuple[int, int, int], np.ndarray] = OrderedDict()
_memory_lock = threading.Lock()
_key_locks: dict[tuple[int, int, int], threading.Lock] = {}


def cache_directory() -> Path:
    """Directory of the on-disk skeleton cache.

    ``$PUDDLES_CACHE_DIR/skeleton`` if that environment variable is set (read at every call), else
    ``platformdirs.user_cache_dir("puddles")/skeleton``. It may not exist yet.
    """
    root = os.environ.get(_ENV_CACHE_DIR)
    if not root:
        import platformdirs  # deferred: only needed when the disk cache is actually used

        root = platformdirs.user_cache_dir("puddles")
    return Path(root) / "skeleton"


#: First line of a cache file; the second is a JSON header, then the packed bits.
_MAGIC = b"puddles-dla-cache 1\n"
_SUFFIX = ".bits"


def _disk_path(m: int, particles: int, seed: int) -> Path:
    return cache_directory() / f"dla-{ALGORITHM_VERSION}-m{m}-p{particles}-s{seed}{_SUFFIX}"


def _cache_header(m: int, particles: int, seed: int, payload: bytes) -> bytes:
    # str(seed): seeds may exceed int64.
    fields = {"version": ALGORITHM_VERSION, "m": m, "particles": particles, "seed": str(seed),
              "bits": n_bonds(m), "sha256": hashlib.sha256(payload).hexdigest()}
    return _MAGIC + json.dumps(fields, sort_keys=True).encode() + b"\n"


def _read_regular_file(path: Path, size: int) -> bytes | None:
    """Exactly ``size`` bytes of the regular file ``path``; None if it is anything else or another size.

    O_NONBLOCK: opening a FIFO planted at the path returns at once instead of waiting for a writer.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size != size:
            return None
        chunks, left = [], size
        while left > 0:
            chunk = os.read(fd, left)
            if not chunk:
                return None
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _disk_load(m: int, particles: int, seed: int) -> np.ndarray | None:
    """Cached mask, or None unless the file is exactly what :func:`_disk_store` wrote for this key."""
    path = _disk_path(m, particles, seed)
    payload_size = (n_bonds(m) + 7) // 8
    # The header's length is known before reading: its checksum field has a fixed width.
    size = len(_cache_header(m, particles, seed, b"")) + payload_size
    try:
        data = _read_regular_file(path, size)
    except FileNotFoundError:
        return None
    except OSError as exc:
        _log.debug("skeleton cache file %s unreadable (%s); regrowing", path, exc)
        return None
    if data is None:
        _log.debug("skeleton cache file %s is not a regular file of %d bytes; regrowing", path, size)
        return None
    payload = data[size - payload_size:]
    if data[: size - payload_size] != _cache_header(m, particles, seed, payload):
        _log.debug("skeleton cache file %s: header or checksum mismatch; regrowing", path)
        return None
    mask = np.unpackbits(np.frombuffer(payload, dtype=np.uint8), count=n_bonds(m)).astype(bool)
    if int(mask.sum()) > particles:  # at most one bond per particle
        return None
    return mask


def _disk_store(m: int, particles: int, seed: int, mask: np.ndarray) -> None:
    """Write atomically (temp file + os.replace); any OS error leaves the cache memory-only, silently."""
    path = _disk_path(m, particles, seed)
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=_SUFFIX, dir=path.parent)
        payload = np.packbits(mask).tobytes()
        with os.fdopen(fd, "wb") as fh:
            fh.write(_cache_header(m, particles, seed, payload) + payload)
        # Atomic, and it replaces whatever sits at the path (a damaged file, a FIFO): concurrent
        # readers see the old entry or the whole new file.
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        _log.debug("skeleton disk cache not writable (%s); keeping it in memory only", exc)
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _grown(m: int, particles: int, seed: int) -> np.ndarray:
    """Cached growth: memory LRU, then disk (default growths only), then :func:`_grow_dla_fast`."""
    key = (m, particles, seed)
    with _memory_lock:
        hit = _memory.get(key)
        if hit is not None:
            _memory.move_to_end(key)
            return hit
        key_lock = _key_locks.setdefault(key, threading.Lock())
    # One lock per key: two threads asking for the same growth wait for one grow instead of doing two,
    # while growths of other keys (and memory hits) proceed.
    with key_lock:
        with _memory_lock:
            hit = _memory.get(key)
        if hit is not None:
            return hit
        disk = _is_default_growth(m, particles)
        mask = _disk_load(m, particles, seed) if disk else None
        if mask is None:
            mask = _grow_dla_fast(m, particles, seed)
            if disk:
                _disk_store(m, particles, seed, mask)
        mask.setflags(write=False)  # shared by every caller: must not be modified in place
        with _memory_lock:
            _memory[key] = mask
            _memory.move_to_end(key)
            while len(_memory) > _MEMORY_CACHE_SIZE:
                _memory.popitem(last=False)
            _key_locks.pop(key, None)
    return mask


def clear_cache(memory: bool = True, disk: bool = False) -> None:
    """Forget cached skeleton growths.

    Parameters
    ----------
    memory : bool
        Empty this process's in-memory LRU.
    disk : bool
        Delete this module's files (every algorithm version) from :func:`cache_directory`; files
        that can not be removed are left alone.
    """
    if memory:
        with _memory_lock:
            _memory.clear()
    if disk:
        directory = cache_directory()
        if directory.is_dir():
            # *.npz: the zip format of earlier versions, never read any more.
            for pattern in ("dla-*.npz", ".tmp-*.npz", f"dla-*{_SUFFIX}", f".tmp-*{_SUFFIX}"):
                for path in directory.glob(pattern):
                    try:
                        path.unlink()
                    except OSError:
                        pass


# ----------------------------------------------------------------------------------------------------
# Public API
# ----------------------------------------------------------------------------------------------------


def grow_dla(m: int, particles: int, seed: int) -> np.ndarray:
    """Directed DLA on an ``m x m`` lattice (:ref:`model-skeleton`).

    Parameters
    ----------
    m : int
        Growth lattice size (nodes per side), 2..10000. The paper uses 250.
    particles : int
        Number of particles released, >= 0. The paper uses 50 000.
    seed : int
        Non-negative master seed; the skeleton uses its spawn key ``(1,)``.

    Returns
    -------
    ndarray of bool, shape (2 m (m - 1),), read-only
        True on occupied bonds, in the lattice bond order of :mod:`puddles.lattice`. At most one bond
        per particle; about 24 000 for m = 250, P = 50 000. The same array object is returned for
        repeated calls (in-memory LRU); default growths (``m = ceil(2.5 n)``, ``P = round(0.8 m^2)``)
        are also cached on disk.

    Raises
    ------
    ValueError
        If ``m``, ``particles`` or ``seed`` is not an integer in its range.
    """
    m = check_int("m", m, 2, MAX_M)
    particles = check_int("particles", particles, 0)
    seed = check_seed(seed)
    return _grown(m, particles, seed)


def dla_arrival(m: int, particles: int, seed: int) -> np.ndarray:
    """The growth history of :func:`grow_dla`: which particle occupied every bond.

    Particles are released one after the other and each sees only the bonds of earlier ones, so the
    aggregate after the first ``p`` particles of this growth is ``(arrival >= 0) & (arrival < p)``:
    snapshots of one growing cluster. (A growth with fewer particles in all, ``grow_dla(m, p, seed)``,
    is a different draw: the random numbers of a growth are laid out by its particle count.)

    Parameters
    ----------
    m, particles, seed : int
        As for :func:`grow_dla`.

    Returns
    -------
    ndarray of int32, shape (2 m (m - 1),)
        Index (0-based, in release order) of the particle that occupied each bond; -1 where empty.
        ``arrival >= 0`` equals ``grow_dla(m, particles, seed)``. Not cached.
    """
    m = check_int("m", m, 2, MAX_M)
    particles = check_int("particles", particles, 0)
    seed = check_seed(seed)
    return _grow_dla_fast(m, particles, seed, arrival=True)


@lru_cache(maxsize=32)
def _window_bonds(n: int, m: int, row_off: int, col_off: int) -> np.ndarray:
    """Index into the m-lattice bond order of every n-lattice bond of the window, in n-lattice order.

    The formula is the lattice bond order of :mod:`puddles.lattice` (``bond_index``), written out because
    ``bond_index`` validates its size against ``MAX_SIZE`` = 2000 while m reaches 5000 (test-checked
    against ``bond_index`` for m <= 2000).
    """
    a, _ = bond_endpoints(n)
    r, c = np.divmod(a, n)
    r = r + row_off
    c = c + col_off
    horizontal = np.arange(n_bonds(n)) < n_horizontal(n)
    idx = np.where(horizontal, r * (m - 1) + c, n_horizontal(m) + r * m + c)
    idx.setflags(write=False)
    return idx


def _validate_offset(offset, n: int, m: int) -> tuple[int, int]:
    span = m - n
    if offset is None:
        return span // 2, span // 2
    if isinstance(offset, (tuple, list)) or (isinstance(offset, np.ndarray) and offset.ndim > 0):
        if len(offset) != 2:
            raise ValueError(f"offset must be an integer or a (row, column) pair, got {offset!r}")
        return (check_int("offset", offset[0], 0, span), check_int("offset", offset[1], 0, span))
    off = check_int("offset", offset, 0, span)
    return off, off


def skeleton_mask(
    n: int, *, seed: int, m: int | None = None, particles: int | None = None, offset=None
) -> np.ndarray:
    """Filamentary skeleton of an ``n x n`` sample: the DLA bonds inside the central window.

    Parameters
    ----------
    n : int
        Sample lattice size (nodes per side), 2..2000.
    seed : int
        Non-negative master seed (see :func:`grow_dla`).
    m : int, optional
        Growth lattice size, ``n <= m <= 10000``. Default ``ceil(2.5 n)``.
    particles : int, optional
        DLA particles. Default ``round(0.8 m^2)`` for the ``m`` in use.
    offset : int or (int, int), optional
        Row and column of the growth-lattice node that becomes node (0, 0) of the sample; one int for
        both. Must keep the window inside: ``0 <= offset <= m - n``. Default ``floor((m - n) / 2)``.

    Returns
    -------
    ndarray of bool, shape (2 n (n - 1),), read-only
        True on skeleton bonds (occupied bonds with both ends inside the window), in the lattice bond
        order of :mod:`puddles.lattice`. Growth and current both run left to right (column 0 of the
        window is the left lead). For the defaults about 20-30 % of the bonds.

    Raises
    ------
    ValueError
        Naming the offending parameter if any is out of range.
    """
    n = validate_size(n)
    seed = check_seed(seed)
    if m is None:
        m = default_growth(n)[0]
    else:
        m = check_int("m", m, 2, MAX_M)
        if m < n:
            raise ValueError(f"m (growth lattice size) must be >= n = {n}, got {m}")
    particles = default_particles(m) if particles is None else check_int("particles", particles, 0)
    row_off, col_off = _validate_offset(offset, n, m)
    full = _grown(m, particles, seed)
    out = full[_window_bonds(n, m, row_off, col_off)]
    out.setflags(write=False)
    return out
