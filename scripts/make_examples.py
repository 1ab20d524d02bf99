#!/usr/bin/env python
"""Regenerate the SYNTHETIC example datasets shipped in ``src/puddles/data/``.

Every file is produced by :func:`puddles.examples.synthetic_rt` from the specs in
:func:`puddles.examples.example_specs` (parameters, temperatures and seeds), so the
examples are reproducible bit for bit on one machine::

    .venv/bin/python scripts/make_examples.py            # write the files
    .venv/bin/python scripts/make_examples.py --check    # compare with the shipped files

The realizations of all examples run on a local process pool (one worker per core).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from puddles.ensemble import local_executor
from puddles.examples import _generate, example_specs
from puddles.io import load_rt

OUT = Path(__file__).resolve().parents[1] / "src" / "puddles" / "data"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the shipped files instead of writing")
    parser.add_argument("--only", nargs="*", default=None, help="names of the examples to (re)generate")
    args = parser.parse_args(argv)
    specs = example_specs()
    if args.only:
        unknown = set(args.only) - {s["name"] for s in specs}
        if unknown:
            parser.error(f"unknown example(s): {sorted(unknown)}")
        specs = [s for s in specs if s["name"] in args.only]
    t0 = time.perf_counter()
    with local_executor() as ex:
        data = _generate(specs, executor=ex)
    status = 0
    OUT.mkdir(parents=True, exist_ok=True)
    for name, d in data.items():
        path = OUT / f"{name}.csv"
        if args.check:
            shipped = load_rt(path)
            same = np.allclose(shipped.R, d.R, rtol=1e-9, atol=0) and np.array_equal(shipped.T, d.T)
            print(f"{name}: {'ok' if same else 'DIFFERS'}")
            status |= not same
        else:
            d.to_csv(path)
            print(f"wrote {path.relative_to(OUT.parents[2])} ({len(d)} points)")
    print(f"{len(data)} examples in {time.perf_counter() - t0:.1f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
