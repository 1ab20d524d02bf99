"""What pyproject.toml cannot say: ship the repository's notebooks/ as ``puddles/notebooks``.

The dashboard and course notebooks exist once, in ``notebooks/`` at the repository root
(each ``.ipynb`` with the jupytext ``.py`` it is built from), where Binder links and the
tests expect them. The wheel maps that directory into the package, so an installed puddles
finds them with
``importlib.resources`` (see ``puddles.app.serve.notebooks_dir``). Every other setting is
in pyproject.toml.
"""

from setuptools import find_namespace_packages, setup

setup(
    # Namespace discovery also lists data directories (puddles/data) as setuptools expects.
    packages=[*find_namespace_packages("src", include=["puddles*"], exclude=["*__pycache__"]), "puddles.notebooks"],
    package_dir={"": "src", "puddles.notebooks": "notebooks"},
)
