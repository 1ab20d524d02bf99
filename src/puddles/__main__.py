"""``python -m puddles``: the same as the ``superpuddles`` command (see :mod:`puddles.cli`)."""

import sys

from .cli import main

sys.exit(main())
