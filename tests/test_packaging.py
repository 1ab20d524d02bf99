"""Package metadata that people rely on: licence, citation, changelog, extras, version (fast)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

import puddles

REPO = Path(__file__).resolve().parents[1]
tomllib = pytest.importorskip("tomllib")  # Python >= 3.11
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


def test_one_version_everywhere():
    assert PROJECT["version"] == puddles.__version__
    assert yaml.safe_load((REPO / "CITATION.cff").read_text())["version"] == puddles.__version__


def test_citation_names_the_software_and_the_paper():
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text())
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "software" and cff["license"] == "MIT"
    assert cff["title"] and cff["authors"] and cff["message"]
    (paper,) = [r for r in cff["references"] if r["type"] == "article"]
    assert [a["family-names"] for a in paper["authors"]] == ["Dezi", "Scopigno", "Caprara", "Grilli"]
    assert paper["journal"] == "Physical Review B"
    assert "Negative electronic compressibility" in paper["title"]


def test_license_and_changelog():
    assert (REPO / "LICENSE").read_text().startswith("MIT License")
    assert PROJECT["license"] == "MIT"
    assert "## [Unreleased]" in (REPO / "CHANGELOG.md").read_text()
    assert (REPO / "src" / "puddles" / "py.typed").exists()


def test_app_extra_takes_ranges_and_binder_keeps_exact_pins():
    app = PROJECT["optional-dependencies"]["app"]
    assert app and not [r for r in app if "==" in r], app
    assert all(">=" in r for r in app), app
    # binder/postBuild installs the package with --no-deps: every core and app dependency is pinned there.
    pins = (REPO / "binder" / "requirements.txt").read_text()
    for req in PROJECT["dependencies"] + app:
        name = re.match(r"[A-Za-z0-9_.-]+", req)[0]
        assert re.search(rf"^{re.escape(name)}==", pins, flags=re.M), f"binder does not pin {name}"


def test_distribution_name_and_entry_point():
    assert PROJECT["name"] == "superpuddles"
    assert PROJECT["scripts"]["superpuddles"] == "puddles.cli:main"
    assert all(not r.startswith("puddles[") for r in PROJECT["optional-dependencies"]["test"])
