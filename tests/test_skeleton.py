"""Tests for the directed-DLA skeleton (docs/model.md#model-skeleton)."""

from __future__ import annotations

import os
import threading
import time

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import connected_components

from puddles import skeleton as sk
from puddles.lattice import bond_endpoints, bond_index, n_bonds, n_horizontal


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path, monkeypatch):
    """Never touch the user's cache; start and end every test with an empty memory cache."""
    monkeypatch.setenv("PUDDLES_CACHE_DIR", str(tmp_path / "cache"))
    sk.clear_cache(memory=True)
    yield
    sk.clear_cache(memory=True)


def _supplier(bit_lists, m):
    """``words(k)`` callable handing out per-particle step blocks built from explicit bit lists."""
    wpp = sk._words_per_particle(m)
    arr = np.zeros((len(bit_lists), wpp), dtype=np.uint64)
    for i, bits in enumerate(bit_lists):
        for j, b in enumerate(bits):
            arr[i, j // 64] |= np.uint64(b) << np.uint64(j % 64)
    pos = 0

    def words(k):
        nonlocal pos
        out = arr[pos : pos + k]
        pos += k
        return out

    return words


def _both_cores(m, starts, bit_lists, chunk=2):
    fast = sk._grow_core(m, np.asarray(starts), _supplier(bit_lists, m), chunk=chunk)
    ref = sk._reference_core(m, starts, _supplier(bit_lists, m))
    return fast, ref


def _mask_of(m, bonds):
    mask = np.zeros(n_bonds(m), dtype=bool)
    mask[list(bonds)] = True
    return mask


def _grow_counter(monkeypatch):
    """Replace the internal grower by a counting wrapper; returns the list of calls."""
    calls = []
    real = sk._grow_dla_fast

    def counting(m, particles, seed, **kw):
        calls.append((m, particles, seed))
        return real(m, particles, seed, **kw)

    monkeypatch.setattr(sk, "_grow_dla_fast", counting)
    return calls


# --------------------------------------------------------------------------------------------------
# Defaults
# --------------------------------------------------------------------------------------------------


def test_default_growth_matches_paper():
    assert sk.default_growth(100) == (250, 50_000, 75)
    assert sk.default_growth(101) == (253, round(0.8 * 253**2), 76)  # ceil(252.5) = 253
    assert sk.default_growth(2) == (5, 20, 1)
    for m in range(2, 400):
        assert sk.default_particles(m) == round(0.8 * m * m)


# --------------------------------------------------------------------------------------------------
# Hand-traced growths (rules of docs/model.md#model-skeleton applied by hand, bond numbers from lattice.py)
# --------------------------------------------------------------------------------------------------


def test_hand_traced_m4():
    m, h = 4, n_horizontal(4)  # rows/cols 0..3; edges: rows 0 and 3, column 3; h = 12
    starts = [1, 1, 1, 2, 0, 3]
    bits = [[0, 0], [0, 0], [0, 0], [1, 1], [1], [1]]
    expected = {
        # A from (1,0): R -> (1,1) free, interior; U -> (0,1) top edge: bond (0,1)-(1,1)
        h + 0 * 4 + 1,
        # B from (1,0) (untouched): R -> (1,1) touches A's bond: bond (1,0)-(1,1)
        1 * 3 + 0,
        # C from (1,0): touches B's bond -> adds nothing
        # D from (2,0): R -> (2,1) free; D -> (3,1) bottom edge: bond (2,1)-(3,1)
        h + 2 * 4 + 1,
        # E from (0,0): R -> (0,1) touches A's bond (and is on the top edge): bond (0,0)-(0,1)
        0,
        # F from (3,0): R -> (3,1) bottom edge: bond (3,0)-(3,1)
        3 * 3 + 0,
    }
    fast, ref = _both_cores(m, starts, bits)
    np.testing.assert_array_equal(ref, _mask_of(m, expected))
    np.testing.assert_array_equal(fast, _mask_of(m, expected))


def test_hand_traced_zigzag_to_right_edge():
    m, h = 5, n_horizontal(5)  # h = 20; edges rows 0 and 4, column 4
    # From (2,0): R(2,1) D(3,1) R(3,2) U(2,2) R(2,3) D(3,3) R(3,4) right edge -> bond (3,3)-(3,4).
    # The second, identical walk reaches (3,3) after its third vertical move, which now touches the
    # first bond -> bond (2,3)-(3,3).
    zig = [1, 0, 1]
    fast, ref = _both_cores(m, [2, 2], [zig, zig])
    expected = _mask_of(m, {3 * 4 + 3, h + 2 * 5 + 3})
    np.testing.assert_array_equal(ref, expected)
    np.testing.assert_array_equal(fast, expected)
    assert bond_index(m, 3, 3, True) == 15 and bond_index(m, 2, 3, False) == h + 13


def test_hand_traced_m2_every_particle_stops_after_one_move():
    # m = 2: the first right move reaches the right edge; a repeated start row is saturated.
    fast, ref = _both_cores(2, [0, 1, 0, 1], [[], [], [], []])
    expected = _mask_of(2, {0, 1})
    np.testing.assert_array_equal(ref, expected)
    np.testing.assert_array_equal(fast, expected)


# --------------------------------------------------------------------------------------------------
# Fast grower == reference, and basic invariants
# --------------------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    m=st.integers(2, 16),
    particles=st.integers(0, 150),
    seed=st.integers(0, 2**64),
    chunk=st.integers(1, 70),
)
def test_fast_matches_reference(m, particles, seed, chunk):
    ref = sk._grow_dla_reference(m, particles, seed)
    fast = sk._grow_dla_fast(m, particles, seed, chunk=chunk)
    np.testing.assert_array_equal(fast, ref)
    assert fast.sum() <= particles  # at most one bond per particle
    assert (fast.sum() > 0) == (particles > 0)


@pytest.mark.parametrize("m,particles", [(40, 900), (64, 2500), (66, 3000)])
def test_fast_matches_reference_larger(m, particles):
    # m = 64 / 66 cross the one-word / two-word step-block boundary (m - 1 bits per block).
    for seed in range(3):
        fast = sk._grow_dla_fast(m, particles, seed)
        np.testing.assert_array_equal(fast, sk._grow_dla_reference(m, particles, seed))


@settings(max_examples=30, deadline=None)
@given(m=st.integers(2, 40), particles=st.integers(0, 800), seed=st.integers(0, 2**32), data=st.data())
def test_arrival_snapshots_are_the_growth_after_p_particles(m, particles, seed, data):
    """Snapshot at p = the same draws' first p particles grown on their own (reference walker)."""
    arrival = sk.dla_arrival(m, particles, seed)
    np.testing.assert_array_equal(arrival >= 0, sk.grow_dla(m, particles, seed))
    taken = arrival[arrival >= 0]
    assert np.unique(taken).size == taken.size and (taken < particles).all()  # one bond per particle at most
    p = data.draw(st.integers(0, particles))
    rng = sk._rng(seed)
    starts = sk._draw_starts(rng, m, particles)
    wpp = sk._words_per_particle(m)
    blocks = rng.bit_generator.random_raw(particles * wpp).reshape(particles, wpp)
    first_p = sk._reference_core(m, starts[:p], _block_feed(blocks[:p]))
    np.testing.assert_array_equal((arrival >= 0) & (arrival < p), first_p)


def _block_feed(blocks):
    """``words(k)`` callable handing out consecutive rows of pre-drawn step blocks."""
    pos = [0]

    def words(k):
        out = blocks[pos[0] : pos[0] + k]
        pos[0] += k
        return out.ravel()

    return words


def test_first_particle_adds_exactly_one_bond():
    for m in (2, 3, 7, 50, 250):
        for seed in range(20):
            assert sk.grow_dla(m, 1, seed).sum() == 1
    assert not sk.grow_dla(10, 0, 0).any()


# --------------------------------------------------------------------------------------------------
# The paper's growth: M = 250, P = 50 000
# --------------------------------------------------------------------------------------------------


def _left_column_saturated(mask, m):
    rows = np.arange(m)
    touched = mask[rows * (m - 1)].copy()  # horizontal bond (r,0)-(r,1)
    vert = mask[n_horizontal(m) + rows[:-1] * m]  # vertical bond (r,0)-(r+1,0)
    touched[:-1] |= vert
    touched[1:] |= vert
    return bool(touched.all())


def _connects_leads(mask, n):
    a, b = bond_endpoints(n)
    graph = sp.coo_matrix((np.ones(int(mask.sum())), (a[mask], b[mask])), shape=(n * n, n * n))
    _, labels = connected_components(graph, directed=False)
    rows = np.arange(n)
    return bool(np.intersect1d(labels[rows * n], labels[rows * n + n - 1]).size)


@pytest.mark.parametrize("seed", [0, 1])
def test_paper_growth(seed):
    # Over 200 seeds: 24 340 +- 870 bonds, 1st-99th percentile 22 250 - 25 980; these seeds sit inside.
    full = sk.grow_dla(250, 50_000, seed)
    assert full.shape == (n_bonds(250),)
    assert 22_000 <= full.sum() <= 26_000
    assert _left_column_saturated(full, 250)
    window = sk.skeleton_mask(100, seed=seed)
    assert window.shape == (n_bonds(100),)
    assert 0.15 <= window.mean() <= 0.35
    assert _connects_leads(window, 100)


def test_window_is_the_sub_lattice():
    m, n, particles, seed = 30, 12, 700, 5
    full = sk.grow_dla(m, particles, seed)
    for off in [(9, 9), (0, 18), (3, 7)]:
        win = sk.skeleton_mask(n, seed=seed, m=m, particles=particles, offset=off)
        # Independent construction via lattice.bond_index on the m-lattice.
        r, c = np.divmod(np.arange(n * n), n)
        expect = np.zeros(n_bonds(n), dtype=bool)
        for horizontal, keep in ((True, c < n - 1), (False, r < n - 1)):
            rk, ck = r[keep], c[keep]
            expect[bond_index(n, rk, ck, horizontal)] = full[bond_index(m, rk + off[0], ck + off[1], horizontal)]
        np.testing.assert_array_equal(win, expect)
    # Default offset is floor((m - n) / 2) in both directions; m = n with offset 0 is the whole growth.
    default = sk.skeleton_mask(n, seed=seed, m=m, particles=particles)
    np.testing.assert_array_equal(default, sk.skeleton_mask(n, seed=seed, m=m, particles=particles, offset=9))
    np.testing.assert_array_equal(sk.skeleton_mask(m, seed=seed, m=m, particles=particles, offset=0), full)


# --------------------------------------------------------------------------------------------------
# Determinism and caching
# --------------------------------------------------------------------------------------------------


def test_deterministic_and_read_only():
    a = sk.grow_dla(40, 1000, 7).copy()
    sk.clear_cache()
    b = sk.grow_dla(40, 1000, 7)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, sk.grow_dla(40, 1000, 8))
    assert not np.array_equal(sk.skeleton_mask(20, seed=1), sk.skeleton_mask(20, seed=2))
    with pytest.raises(ValueError):
        b[0] = not b[0]
    with pytest.raises(ValueError):
        sk.skeleton_mask(20, seed=1)[0] = True


def test_memory_cache_never_regrows(monkeypatch):
    calls = _grow_counter(monkeypatch)
    a = sk.grow_dla(40, 1000, 3)
    assert sk.grow_dla(40, 1000, 3) is a
    assert sk.grow_dla(40.0, 1e3, np.int64(3)) is a  # same key after normalisation
    assert len(calls) == 1
    # Windows at different offsets share one growth.
    sk.skeleton_mask(20, seed=4)
    sk.skeleton_mask(20, seed=4, offset=(0, 30))
    sk.skeleton_mask(20, seed=4, m=50)  # m=50 is the default: same growth
    assert calls == [(40, 1000, 3), (50, 2000, 4)]


def test_memory_cache_is_thread_safe(monkeypatch):
    calls = []

    def slow(m, particles, seed, **kw):
        calls.append(seed)
        time.sleep(0.05)
        return np.zeros(n_bonds(m), dtype=bool)

    monkeypatch.setattr(sk, "_grow_dla_fast", slow)
    results = []
    threads = [threading.Thread(target=lambda: results.append(sk.grow_dla(12, 30, 1))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == [1]
    assert all(r is results[0] for r in results)


def test_disk_cache_round_trip(monkeypatch, tmp_path):
    m, particles, _ = sk.default_growth(20)  # default growth -> goes to disk
    a = sk.skeleton_mask(20, seed=11)
    path = sk._disk_path(m, particles, 11)
    assert path.is_file() and path.parent.parent == tmp_path / "cache"
    assert sk.ALGORITHM_VERSION in path.name
    sk.clear_cache(memory=True)

    def boom(*args, **kw):
        raise AssertionError("should have been loaded from disk")

    monkeypatch.setattr(sk, "_grow_dla_fast", boom)
    b = sk.skeleton_mask(20, seed=11)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(sk.grow_dla(m, particles, 11), sk._grow_dla_reference(m, particles, 11))


def test_non_default_growth_stays_off_disk():
    sk.grow_dla(40, 1000, 3)
    sk.skeleton_mask(20, seed=3, m=51)
    directory = sk.cache_directory()
    assert not directory.exists() or not list(directory.glob("dla-*"))


@pytest.mark.parametrize(
    "damage", ["garbage", "truncated", "short_bits", "flipped_bit", "wrong_key", "bomb", "fifo", "old_npz"]
)
def test_corrupt_cache_file_is_regrown(monkeypatch, damage):
    m, particles, _ = sk.default_growth(20)
    good = sk.grow_dla(m, particles, 5).copy()
    path = sk._disk_path(m, particles, 5)
    data = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(b"not a cache file at all")
    elif damage == "truncated":
        path.write_bytes(data[:40])
    elif damage == "short_bits":  # a consistent file of a shorter mask (np.unpackbits pads it with zeros)
        bits = np.packbits(good[: good.size // 2]).tobytes()
        path.write_bytes(sk._cache_header(m, particles, 5, bits) + bits)
    elif damage == "flipped_bit":  # right size, right header, one skeleton bond lost
        path.write_bytes(data[:-1] + bytes([data[-1] ^ 0xFF]))
    elif damage == "wrong_key":  # a valid file of another seed under this name
        sk.grow_dla(m, particles, 6)
        path.write_bytes(sk._disk_path(m, particles, 6).read_bytes())
    elif damage == "bomb":  # 1.5 GB (sparse): must be refused without reading it
        path.unlink()
        with path.open("wb") as fh:
            fh.truncate(1_500_000_000)
    elif damage == "fifo":  # opening it for reading would wait forever for a writer
        path.unlink()
        os.mkfifo(path)
    else:  # the zip format of earlier versions, holding a compressed bomb
        path.unlink()
        with path.open("wb") as fh:
            np.savez_compressed(fh, bits=np.zeros(50_000_000, np.uint8))
    sk.clear_cache(memory=True)
    calls = _grow_counter(monkeypatch)
    result = []
    # A daemon thread with a bounded join: a FIFO at the path once blocked this call forever.
    reader = threading.Thread(target=lambda: result.append(sk.grow_dla(m, particles, 5)), daemon=True)
    reader.start()
    reader.join(timeout=30)
    assert result, "reading the cache file blocked"
    np.testing.assert_array_equal(result[0], good)
    assert calls == [(m, particles, 5)]
    # The regrown mask replaced the damaged file.
    assert sk._disk_load(m, particles, 5) is not None


def test_unwritable_cache_dir_falls_back_to_memory(monkeypatch, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the cache directory should be")
    monkeypatch.setenv("PUDDLES_CACHE_DIR", str(blocker))
    m, particles, _ = sk.default_growth(20)
    calls = _grow_counter(monkeypatch)
    a = sk.grow_dla(m, particles, 2)
    assert sk.grow_dla(m, particles, 2) is a
    assert len(calls) == 1


def test_clear_disk_cache():
    sk.skeleton_mask(20, seed=1)
    sk.skeleton_mask(21, seed=1)
    assert len(list(sk.cache_directory().glob("dla-*"))) == 2
    sk.clear_cache(memory=False, disk=True)
    assert not list(sk.cache_directory().glob("dla-*"))
    sk.clear_cache(memory=True, disk=True)  # no files, no error


# --------------------------------------------------------------------------------------------------
# Argument validation
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs,name",
    [
        (dict(m=1, particles=10, seed=0), "m"),
        (dict(m=1.5, particles=10, seed=0), "m"),
        (dict(m="10", particles=10, seed=0), "m"),
        (dict(m=True, particles=10, seed=0), "m"),
        (dict(m=10**6, particles=10, seed=0), "m"),
        (dict(m=10, particles=-1, seed=0), "particles"),
        (dict(m=10, particles=2.5, seed=0), "particles"),
        (dict(m=10, particles=10, seed=-1), "seed"),
        (dict(m=10, particles=10, seed=1.0), "seed"),
        (dict(m=10, particles=10, seed=None), "seed"),
        (dict(m=10, particles=10, seed=True), "seed"),
    ],
)
def test_grow_dla_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        sk.grow_dla(**kwargs)


@pytest.mark.parametrize(
    "n,kwargs,name",
    [
        (1, dict(seed=0), "n"),
        (10, dict(seed=-3), "seed"),
        (10, dict(seed=0, m=9), "m"),
        (10, dict(seed=0, m=1), "m"),
        (10, dict(seed=0, particles=-2), "particles"),
        (10, dict(seed=0, offset=-1), "offset"),
        (10, dict(seed=0, offset=16), "offset"),  # m = 25: offsets 0..15 fit
        (10, dict(seed=0, offset=(0, 16)), "offset"),
        (10, dict(seed=0, offset=(1, 2, 3)), "offset"),
        (10, dict(seed=0, offset="c"), "offset"),
    ],
)
def test_skeleton_mask_bad_arguments(n, kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        sk.skeleton_mask(n, **kwargs)
