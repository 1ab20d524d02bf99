"""The ``superpuddles`` command line, in-process (the installed console script is tested in
test_wheel.py). Small lattices: about 15 s in all."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from puddles import Network, load_rt
from puddles.app import serve
from puddles.cli import main
from puddles.ensemble import ensemble_rt, realization_seeds
from puddles.params import ModelParams

REPO = Path(__file__).resolve().parents[1]


def test_rt_single_network_matches_the_engine(tmp_path):
    out = tmp_path / "rt.csv"
    assert main(["rt", "--n", "30", "--w", "0.5", "--w2", "0.05", "--seed", "3", "--points", "12",
                 "--exact", "-o", str(out)]) == 0
    data = load_rt(out)
    assert data.r_unit == "normalized"
    net = Network.generate(30, 0.5, 0.05, seed=3)
    T = np.linspace(0.0, 1.0 + 4 * 0.2, 12)
    np.testing.assert_allclose(data.T, T)
    np.testing.assert_allclose(data.R, net.rt_curve(T, 1.0, 0.2, tol=None), atol=1e-12)
    tp = net.percolation_temperature(1.0, 0.2)
    assert np.isfinite(tp) and float(data.metadata["tp_K"]) == pytest.approx(tp)


def test_rt_ensemble_writes_mean_and_spread(tmp_path):
    out = tmp_path / "ens.csv"
    argv = ["rt", "--n", "24", "--w", "0.5", "--seed", "5", "--realizations", "3", "--points", "6",
            "--t-max", "2", "-q", "-o", str(out)]
    assert main(argv) == 0
    lines = [ln for ln in out.read_text().splitlines() if not ln.startswith("#")]
    assert lines[0] == "T (K),R/R_N,std,sem"
    table = np.array([[float(c) for c in ln.split(",")] for ln in lines[1:]])
    ens = ensemble_rt(ModelParams(n=24, w=0.5, w2=0.0), np.linspace(0, 2, 6), realization_seeds(5, 3))
    np.testing.assert_allclose(table[:, 1], ens.mean)
    np.testing.assert_allclose(table[:, 2], ens.std)


def test_bad_input_is_a_message_not_a_traceback(capsys):
    assert main(["rt", "--n", "30", "--w", "0.05"]) == 2
    err = capsys.readouterr().err
    assert "error:" in err and "w_skeleton" in err and "Traceback" not in err
    assert main(["rt", "--n", "30", "--t-min", "3", "--t-max", "1"]) == 2
    assert "t_min" in capsys.readouterr().err
    assert main(["fit", "no-such-file.csv"]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["fit", str(REPO / "README.md"), "--fix", "w2"]) == 2
    assert "NAME=VALUE" in capsys.readouterr().err


@pytest.fixture(scope="module")
def two_curves(tmp_path_factory):
    d = tmp_path_factory.mktemp("series")
    files = []
    for i, w2 in enumerate((0.0, 0.2)):
        path = d / f"film_{i}.csv"
        assert main(["rt", "--n", "30", "--w", "0.5", "--w2", str(w2), "--seed", str(11 + i),
                     "--points", "25", "-q", "-o", str(path)]) == 0
        files.append(str(path))
    return files


def test_fit_one_file_to_json_and_figure(two_curves, tmp_path, capsys):
    out, fig = tmp_path / "fit.json", tmp_path / "fit.png"
    argv = ["fit", two_curves[0], "--n", "20", "--realizations", "2", "--fix", "w2=0", "-q",
            "-o", str(out), "--figure", str(fig)]
    assert main(argv) == 0
    result = json.loads(out.read_text())
    assert result["parameters"]["w2"]["value"] == 0.0
    assert 0.8 < result["parameters"]["tc_mean"]["value"] < 1.2
    assert "tc_mean" in capsys.readouterr().out
    assert fig.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_fit_series_one_row_per_file(two_curves, tmp_path):
    out, fig = tmp_path / "series.csv", tmp_path / "series.png"
    argv = ["fit", *two_curves, "--n", "20", "--realizations", "2", "-q", "-o", str(out), "--figure", str(fig)]
    assert main(argv) == 0
    text = out.read_text()
    assert "# common random numbers: every curve fitted with the same realizations" in text
    rows = [ln.split(",") for ln in text.splitlines() if not ln.startswith("#")]
    header, body = rows[0], rows[1:]
    assert header[:4] == ["label", "tc_mean", "tc_mean_stderr", "sigma"] and "plateau" in header
    assert [float(r[0]) for r in body] == [0.0, 1.0]  # labels from the file names film_0, film_1
    w2 = header.index("w2")
    assert float(body[1][w2]) > float(body[0][w2])  # the series' broken fraction is recovered in order
    assert fig.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main([*argv, "--labels", "1,2,3"]) == 2  # three labels for two files: a usage error


def test_notebooks_are_copied_and_never_overwritten_silently(tmp_path, capsys):
    assert main(["notebooks", str(tmp_path)]) == 0
    course = sorted(p.name for p in (REPO / "notebooks").glob("0*.ipynb"))
    assert sorted(p.name for p in tmp_path.glob("*.ipynb")) == course
    assert sorted(p.name for p in tmp_path.glob("*.py")) == [n.replace(".ipynb", ".py") for n in course]
    assert main(["notebooks", str(tmp_path)]) == 2
    assert "--force" in capsys.readouterr().err
    assert main(["notebooks", str(tmp_path), "--force"]) == 0


def test_notebooks_found_in_the_checkout():
    assert serve.notebooks_dir() == REPO / "notebooks"
    assert serve.find_notebook() == REPO / "notebooks" / "dashboard.ipynb"
    cmd = serve.voila_command(serve.notebooks_dir(), 8899)
    assert "dashboard.ipynb" not in cmd and serve.server_dir(serve.notebooks_dir()) == REPO / "notebooks"


def test_missing_app_dependency_names_the_extra(monkeypatch, capsys):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "voila" else real(name, *a))
    with pytest.raises(ModuleNotFoundError, match=r"superpuddles\[app\]"):
        from puddles.app import build_dashboard  # noqa: F401
    assert main(["dashboard", "--port", "1"]) == 2
    assert 'pip install "superpuddles[app]"' in capsys.readouterr().err


def test_python_dash_m_puddles_is_the_same_command():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "puddles", "--help"], capture_output=True, text=True, check=True)
    for command in ("dashboard", "course", "notebooks", "rt", "superfluid", "fit"):
        assert command in out.stdout


def test_superfluid_matches_the_engine(tmp_path):
    out, fig = tmp_path / "sf.csv", tmp_path / "sf.png"
    assert main(["superfluid", "--n", "24", "--w", "0.5", "--seed", "2", "--points", "7", "-o", str(out),
                 "--figure", str(fig)]) == 0
    lines = [ln for ln in out.read_text().splitlines() if not ln.startswith("#")]
    assert lines[0] == "T (K),Ic/Ic0,rho_s"
    table = np.array([[float(c) for c in ln.split(",")] for ln in lines[1:]])
    net = Network.generate(24, 0.5, 0.0, seed=2)
    np.testing.assert_allclose(table[:, 1], net.critical_current_curve(table[:, 0], 1.0, 0.2))
    np.testing.assert_allclose(table[:, 2], net.stiffness_curve(table[:, 0], 1.0, 0.2))
    assert table[0, 1] > 0 and table[-1, 1] == 0  # superconducting at T = 0, normal at Tc_mean + 4 sigma
    assert fig.read_bytes()[:4] == b"\x89PNG"
