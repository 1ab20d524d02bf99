# ---
# jupyter:
#   description: "R(T), the cluster map and \u03BC(n) of one network, live: every parameter\
#     \ of the model on a slider."
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: description
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %%
from puddles.app import build_dashboard
build_dashboard()
