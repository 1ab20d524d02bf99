"""Settings for the doctests of src/puddles (the tests in tests/ have their own conftest.py)."""

import pytest
from _pytest.doctest import DoctestItem


@pytest.fixture(autouse=True)
def _doctest_private_cache(request, tmp_path_factory, monkeypatch):
    """Doctests that grow skeletons keep out of the user's cache, as the tests do."""
    if isinstance(request.node, DoctestItem):
        monkeypatch.setenv("PUDDLES_CACHE_DIR", str(tmp_path_factory.mktemp("doctest-cache")))
