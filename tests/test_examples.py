"""Shipped example datasets: synthetic, labelled, loadable, physically sensible, reproducible."""

import importlib.resources as resources

import numpy as np
import pytest

from puddles.examples import FAMILIES, example_specs, list_examples, load_example, synthetic_rt
from puddles.io import RTData

SPECS = {s["name"]: s for s in example_specs()}


def test_every_spec_is_shipped_and_nothing_else():
    assert list_examples() == sorted(SPECS)
    assert len(SPECS) == sum(len(f["values"]) for f in FAMILIES.values()) == 12
    for family in FAMILIES:
        names = list_examples(family)
        assert len(names) == 4 and all(nm.startswith(family) for nm in names)
    # Package data, found through importlib.resources (what an installed wheel has).
    assert resources.files("puddles").joinpath("data", "zrncl_like_w2_0.20.csv").is_file()


def test_bad_names():
    with pytest.raises(ValueError, match="^family must be one of"):
        list_examples("graphene")
    with pytest.raises(ValueError, match="^name must be one of the examples"):
        load_example("nope")


@pytest.mark.parametrize("name", sorted(SPECS))
def test_header_states_the_generating_parameters(name):
    spec = SPECS[name]
    data = load_example(name)
    assert isinstance(data, RTData)
    meta = data.metadata
    assert meta["synthetic"] == "true" and "SYNTHETIC" in meta["title"]
    assert meta["family"] == spec["family"]
    p = spec["params"]
    for key, meta_key in [("n", "n"), ("w", "w"), ("w2", "w2"), ("tc_mean", "tc_mean_K"), ("sigma", "sigma_K"),
                          ("r_n", "r_n"), ("alpha", "alpha_per_K")]:
        assert float(meta[meta_key]) == pytest.approx(p[key]), key
    assert int(meta["seed"]) == spec["seed"] and int(meta["noise_seed"]) == spec["noise_seed"]
    assert int(meta["realizations"]) == 8 and meta["noise"].startswith("0.01")
    np.testing.assert_allclose(data.T, spec["T"], rtol=1e-15)
    assert data.r_unit == spec["r_unit"]
    assert (data.R >= 0).all()


def _low_high(name):
    d = load_example(name)
    return d.R[:3].mean() / d.R[-5:].mean()


def test_geometry_family_grows_a_plateau():
    ratios = [_low_high(nm) for nm in list_examples("zrncl_like")]  # w2 = 0.0, 0.1, 0.2, 0.3
    assert ratios[0] < 0.02  # percolating: R -> 0
    assert ratios[-1] > 0.1  # broken filaments: a resistive plateau
    assert np.all(np.diff(ratios) > 0)


def test_tc_family_has_no_plateau_and_moves_the_transition():
    for family in ("mos2_like", "tise2_like"):
        names = sorted(list_examples(family), key=lambda nm: -float(nm.rsplit("_", 1)[1]))  # Tc falling
        assert _low_high(names[0]) < 0.02  # highest Tc: fully superconducting at the lowest T
        mids = []
        for nm in names:
            d = load_example(nm)
            level = 0.5 * d.R[-5:].mean()
            mids.append(d.T[np.argmax(d.R > level)])  # first T above half the normal state
        assert np.all(np.diff(mids) < 0)
    # A metallic normal state: R rises linearly above the transition, slope alpha r_n.
    metallic = load_example("tise2_like_tc_3.0")
    hot = metallic.T > 4.2  # x > 3: F = 1 to 1e-3
    slope = np.polyfit(metallic.T[hot], metallic.R[hot], 1)[0]
    assert slope / 300.0 == pytest.approx(0.02, rel=0.5)


def test_synthetic_rt_validation():
    with pytest.raises(ValueError, match="^noise"):
        synthetic_rt([1.0, 2.0], n=20, w=0.5, w2=0.0, tc_mean=1.0, sigma=0.2, noise=0.9)
    with pytest.raises(ValueError, match="^r_unit"):
        synthetic_rt([1.0, 2.0], n=20, w=0.5, w2=0.0, tc_mean=1.0, sigma=0.2, r_unit="V")
    with pytest.raises(ValueError, match="^alpha"):
        synthetic_rt([0.0, 10.0], n=20, w=0.5, w2=0.0, tc_mean=5.0, sigma=0.2, alpha=-1.0)


@pytest.mark.slow
def test_an_example_is_reproduced_by_its_stated_parameters():
    """The shipped numbers are what the stated parameters and seeds give (no hand edits)."""
    name = "zrncl_like_w2_0.20"
    spec, shipped = SPECS[name], load_example(name)
    p = spec["params"]
    again = synthetic_rt(
        spec["T"], n=p["n"], w=p["w"], w2=p["w2"], tc_mean=p["tc_mean"], sigma=p["sigma"], r_n=p["r_n"],
        alpha=p["alpha"], realizations=8, seed=spec["seed"], noise=0.01, noise_seed=spec["noise_seed"],
        r_unit=spec["r_unit"],
    )
    np.testing.assert_allclose(again.R, shipped.R, rtol=1e-9, atol=0)
