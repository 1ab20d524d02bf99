"""ModelParams and the engine's one validation module."""

import pytest

from puddles.params import ModelParams
from puddles.validation import check_diameter


def test_defaults_and_replace_validate():
    p = ModelParams()
    q = p.replace(w2=0.2, n=50)
    assert (q.n, q.w2, p.w2) == (50, 0.2, 0.0)
    with pytest.raises(ValueError, match="unknown parameter"):
        p.replace(diameter=10)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(n=1), r"n \(lattice size\) must be an integer in \[2, 2000\]"),
        (dict(w=-0.1), r"w must lie in \[0, 1\]"),
        (dict(w2="0.1"), r"w2 must be a number"),
        (dict(sigma=0), r"sigma .* must lie in \(0, "),
        (dict(n=10, puddle_diameter=41), r"puddle_diameter \(bonds\) must lie in \(0, 40\]"),
        (dict(puddle_diameter="big"), r"'random'"),
        (dict(puddle_centres="edge"), r"puddle_centres must be one of"),
    ],
)
def test_bad_values_name_the_parameter_and_range(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ModelParams(**kwargs)


def test_diameter_rule_matches_the_realization():
    # One rule: a diameter that validates here never fails later inside a worker.
    from puddles.cluster import Realization

    assert check_diameter(40.0, 10) == 40.0
    Realization(10, 1, puddle_diameter=40.0)
    with pytest.raises(ValueError, match="puddle_diameter"):
        Realization(10, 1, puddle_diameter=40.5)


def test_coerce_accepts_a_mapping():
    assert ModelParams.coerce({"w": 0.5}).w == 0.5
    with pytest.raises(ValueError, match="unknown key"):
        ModelParams.coerce({"tol": 0.01})
