#!/usr/bin/env python
"""Write the teaching notebooks (notebooks/0*.ipynb) from the text below.

The notebooks are generated, not edited by hand, so that prose, code and exercises stay
reviewable as plain Python and the stored .ipynb files never carry outputs:

    python scripts/make_notebooks.py            # (re)write all notebooks
    python scripts/make_notebooks.py --check    # exit 1 if a stored notebook is out of date

Reusable widget code lives in ``puddles.app.teaching``; cells only call the public API.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "notebooks"

BINDER = "https://mybinder.org/v2/gh/puddles-dev/puddles/HEAD?urlpath=lab/tree/notebooks/{name}"


def md(text: str):
    return new_markdown_cell(textwrap.dedent(text).strip("\n"))


def code(text: str):
    return new_code_cell(textwrap.dedent(text).strip("\n"))


def solution(body: str) -> str:
    """A collapsed solution block (HTML <details>, rendered by Jupyter and Voila)."""
    return f"<details><summary>Solution</summary>\n\n{textwrap.dedent(body).strip()}\n\n</details>"


def notebook(cells) -> nbformat.NotebookNode:
    nb = new_notebook(cells=cells)
    for i, cell in enumerate(nb.cells):  # stable ids: regenerating gives identical files
        cell.id = f"cell-{i:02d}"
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


SETUP = """
import numpy as np
import ipywidgets as W
from puddles.app import teaching as tg
"""

# =====================================================================================
# 01  Random resistor networks and percolation
# =====================================================================================


def nb01():
    return notebook([
        md(r"""
        # 1. Random resistor networks and percolation

        *Part 1 of 4 of the* puddles *course on superconducting puddles in ionic-liquid gated 2D
        superconductors (after Dezi, Scopigno, Caprara and Grilli, Phys. Rev. B). Run all cells
        (Run ▸ Run All Cells); every figure is live, so move the sliders while you read.*

        ## Learning goals

        After this notebook you can

        1. build a random resistor network (RRN) of normal ($R_0$) and superconducting ($R = 0$) bonds
           and compute its resistance exactly;
        2. explain why uncorrelated superconducting bonds on the square lattice connect the two leads at
           the bond-percolation threshold $p_c = 1/2$;
        3. derive the effective-medium result $R/R_N = 1 - 2p$ and say where it fails;
        4. recognise finite-size effects (a smeared threshold, sample-to-sample scatter) for $N = 25 \dots 200$;
        5. argue why the broad, tailish transitions seen in gated 2D superconductors need *spatially correlated*
           superconducting regions — the subject of Part 2.
        """),
        code(SETUP + """
from puddles import lattice, effective_resistance
from puddles.percolation import percolation_index, spanning_bonds
"""),
        md(r"""
        ## 1.1 The network

        Take an $N\times N$ square lattice of nodes. Every nearest-neighbour bond is a resistor, so there
        are $2N(N-1)$ of them. All nodes of the left column are held at potential $V$, all nodes of the right
        column at $0$; the top and bottom edges are open. With every bond equal to $R_0$ the current flows
        straight across: $N-1$ columns of $N$ parallel horizontal bonds in series, so the normal-state
        resistance is

        $$R_N = R_0\,\frac{N-1}{N}.$$

        A superconducting bond has $R = 0$ exactly. The engine does not replace it by a tiny resistor:
        it merges the two end nodes into one super-node and solves Kirchhoff's laws for the normal bonds
        that remain. If one super-node touches both leads, $R = 0$.
        """),
        code("""
n = 20
r_bonds = np.ones(lattice.n_bonds(n))          # every bond normal, R0 = 1
print("bonds:", lattice.n_bonds(n))
print(f"R/R0 = {effective_resistance(n, r_bonds):.6f}    (N-1)/N = {(n - 1) / n:.6f}")
"""),
        md(r"""
        ### Uncorrelated superconducting bonds

        Now let each bond be superconducting with probability $p$, independently of all others. To make
        curves smooth we use *common random numbers*: one uniform number $u_i\in[0,1)$ per bond and per seed,
        and bond $i$ superconducts when $u_i < p$. Raising $p$ then only *adds* superconducting bonds to
        the same sample, and by Rayleigh's monotonicity theorem (shorting a resistor never raises the
        resistance of a network) $R$ can only go down.

        The magenta bonds below form the superconducting cluster that joins the leads, when there is one.
        Find the $p$ at which it first appears for a few seeds.
        """),
        code("""
def superconducting_bonds(n, p, seed):
    # bond i superconducts when u_i < p (one uniform u_i per bond and seed)
    u = np.random.default_rng(seed).random(lattice.n_bonds(n))
    return u < p

def resistance_ratio(n, sc):
    # exact R/R_N with R0 = 1 on normal bonds and 0 on superconducting ones
    return effective_resistance(n, np.where(sc, 0.0, 1.0)) / lattice.normal_resistance(n)

pmap = tg.BondMap(tg.PERCOLATION_PALETTE, title="one sample")

def show_sample(p, n, seed):
    sc = superconducting_bonds(n, p, seed)
    span = spanning_bonds(n, sc)
    pmap.show(np.where(span, 2, sc.astype(int)), n)
    return (f"N = {n}, p = {p:.2f}:  R/R_N = {resistance_ratio(n, sc):.3f}, "
            + ("a superconducting path joins the leads" if span.any() else "no superconducting path"))

tg.Panel(dict(p=W.FloatSlider(value=0.45, min=0, max=1, step=0.01, description="p"),
              n=W.IntSlider(value=40, min=10, max=100, step=5, description="N", continuous_update=False),
              seed=W.BoundedIntText(value=0, min=0, max=9999, description="seed")),
         show_sample, [pmap])
"""),
        md(r"""
        ## 1.2 Effective-medium theory against the exact answer

        Effective-medium theory (EMT) replaces the random network by a uniform one with bond conductance
        $g_m$, chosen so that putting one *real* bond (conductance $g$) back into the uniform medium produces,
        on average, no extra voltage. On a lattice of coordination number $z$ the condition reads

        $$\left\langle \frac{g_m - g}{g + (z/2 - 1)\,g_m} \right\rangle = 0 .$$

        For the square lattice $z = 4$. With $g = g_N = 1/R_0$ (probability $1-p$) and $g\to\infty$
        (probability $p$), the superconducting term tends to $-p$ and

        $$(1-p)\,\frac{g_m - g_N}{g_N + g_m} = p \quad\Longrightarrow\quad g_m = \frac{g_N}{1-2p},
        \qquad \frac{R}{R_N} = 1 - 2p \quad (p < 1/2),$$

        and $R = 0$ above $p = 1/2$. EMT puts the threshold at $2/z = 1/2$, which happens to be exact for bond
        percolation on the square lattice: the lattice is self-dual, and a superconducting path from left
        to right exists exactly when no path of *normal* bonds on the dual lattice cuts it from top to bottom.

        The plot compares EMT with the exact resistance of several samples (thin lines), their mean and
        their spread (band: mean ± one standard deviation).
        """),
        code("""
emt_plot = tg.Plot("p (fraction of superconducting bonds)", "R / R_N", x=(0, 0.6), y=(0, 1.02),
                   title="EMT vs exact", legend="top-right")
p_grid = np.linspace(0, 0.6, 25)

def compare_emt(n, samples):
    R = np.array([[resistance_ratio(n, superconducting_bonds(n, p, seed)) for p in p_grid]
                  for seed in range(samples)])
    mean, std = R.mean(axis=0), R.std(axis=0)
    emt_plot.line("samples", p_grid, R, color=["#9bb7d4"] * samples, width=1, opacity=0.6)
    emt_plot.band("spread", p_grid, mean - std, mean + std, color="#1f77b4")
    emt_plot.line("mean", p_grid, mean, color="#1f77b4", label=f"exact, mean ± std of {samples}", marker="circle")
    emt_plot.line("emt", p_grid, np.clip(1 - 2 * p_grid, 0, None), color="black", style="dashed",
                  label="EMT: 1 - 2p")
    i = np.argmin(abs(p_grid - 0.3))
    return f"at p = {p_grid[i]:.2f}: exact {mean[i]:.3f} ± {std[i]:.3f}, EMT {1 - 2 * p_grid[i]:.3f}"

tg.Panel(dict(n=W.Dropdown(options=[25, 50, 100, 200], value=50, description="N"),
              samples=W.IntSlider(value=6, min=1, max=20, description="samples", continuous_update=False)),
         compare_emt, [emt_plot])
"""),
        md(r"""
        EMT is reasonable far from the threshold but it is a mean-field theory: near $p_c$ the exact resistance
        vanishes as $R \propto (p_c - p)^{s}$ with $s \approx 1.3$ in two dimensions, not linearly. The
        samples also scatter most near $p_c$, where the answer depends on a few critical bonds.

        ## 1.3 Finite-size effects

        In an infinite lattice the probability $\Pi(p)$ that a superconducting path spans the sample jumps
        from 0 to 1 at $p_c$. A finite sample of size $N$ spans at its own threshold $p^*$, which is exact and
        cheap to find: add the bonds in increasing $u_i$ until the leads join
        (`puddles.percolation.percolation_index`); $p^*$ is the $u$ of the bond that closed the path. Over
        many samples, $\Pi(p)$ is the fraction with $p^* \le p$. Its width shrinks as
        $\delta p \sim N^{-1/\nu}$ with the correlation-length exponent $\nu = 4/3$ of 2D percolation.
        """),
        code("""
def spanning_threshold(n, seed):
    # exact p* of one sample: the u of the bond whose addition first joins the leads
    u = np.random.default_rng(seed).random(lattice.n_bonds(n))
    order = np.argsort(u)
    return u[order[percolation_index(n, order) - 1]]

pi_plot = tg.Plot("p", "Π(p): fraction of samples that span", x=(0.3, 0.7), y=(0, 1.02),
                  title="spanning probability", legend="top-left")
width_plot = tg.Plot("N", "δp (std of p*)", title="width of the threshold", width=330, legend="top-right")

def finite_size(sizes, samples):
    widths = []
    for j, n in enumerate(sizes):
        p_star = np.sort([spanning_threshold(n, seed) for seed in range(samples)])
        pi_plot.line(f"N{n}", p_star, (np.arange(samples) + 1) / samples, color=tg.COLORS[j], label=f"N = {n}")
        widths.append(p_star.std())
    for name in pi_plot.names():
        if name.startswith("N") and int(name[1:]) not in sizes:
            pi_plot.remove(name)
    pi_plot.vline("pc", 0.5, label="p_c = 1/2")
    sizes = np.array(sizes, dtype=float)
    width_plot.points("width", sizes, widths, color=tg.COLORS[0], label="samples")
    width_plot.line("law", sizes, widths[0] * (sizes / sizes[0]) ** -0.75, color="black", style="dashed",
                    label="∝ N^(-3/4)")
    return "δp = " + ", ".join(f"{w:.3f} (N = {n:.0f})" for n, w in zip(sizes, widths))

tg.Panel(dict(sizes=W.Dropdown(options=[("25, 50, 100", (25, 50, 100)), ("25, 50, 100, 200", (25, 50, 100, 200))],
                               value=(25, 50, 100), description="sizes N"),
              samples=W.IntSlider(value=40, min=10, max=200, step=10, description="samples per N")),
         finite_size, [pi_plot, width_plot], button="compute")
"""),
        md(r"""
        The curves cross close to $p = 1/2$ and steepen with $N$. For the laboratory samples of the paper
        (micrometres, puddles of hundreds of nanometres) $N$ is of order 100: a sample-to-sample scatter of a
        few per cent in the threshold is part of the physics, not a numerical nuisance.

        ## 1.4 From $p$ to temperature: why broad transitions need correlated clusters

        Give every bond that *can* superconduct a local critical temperature drawn from a Gaussian
        (mean $\bar T_c$, standard deviation $\sigma$). At temperature $T$ the bonds with $T_c > T$ are
        superconducting. If a fraction $w$ of all bonds can superconduct and they are scattered at random,

        $$p(T) = w\,\Phi\!\left(\frac{\bar T_c - T}{\sigma}\right),\qquad
        \frac{R}{R_N} \overset{\text{EMT}}{=} 1 - 2\,w\,\Phi\!\left(\frac{\bar T_c - T}{\sigma}\right),$$

        with $\Phi$ the standard normal distribution function. This uncorrelated model has a rigid shape: for
        $w > 1/2$ the resistance falls almost linearly and vanishes where $p(T) = 1/2$, without a foot; for
        $w < 1/2$ it can never vanish and saturates near $1 - 2w$. Whether the sample ends up superconducting
        is decided by the *amount* of superconducting material alone, and nothing produces the long
        low-temperature tail of the measured $R(T)$ curves.

        The paper's remedy (Part 2) is a *correlated* cluster: bulky superconducting puddles that carry most of
        the weight, linked by thin filaments that become superconducting only when every one of their bonds
        does. Compare the two at the same $w$, $\bar T_c$ and $\sigma$ (the puddle network also has $w_2$, the
        fraction of broken filament bonds, explained in Part 2):
        """),
        code("""
from scipy.stats import norm
from puddles import Network

T = np.linspace(0, 20, 61)
tc_mean = 10.0
cmp_plot = tg.Plot("T (K)", "R / R_N", x=(0, 20), y=(0, 1.02), title="same w, same Tc distribution",
                   legend="top-left")

def uncorrelated_rt(n, w, sigma, seed=0):
    # a random fraction w of the bonds can superconduct, each with its own Gaussian Tc
    rng = np.random.default_rng(seed)
    nb = lattice.n_bonds(n)
    tc = np.full(nb, -np.inf)
    can = rng.permutation(nb)[: int(round(w * nb))]
    tc[can] = tc_mean + sigma * rng.standard_normal(can.size)
    return np.array([resistance_ratio(n, tc > t) for t in T])

def compare_models(w, w2, sigma):
    net = Network.generate(50, w=w, w2=w2, seed=1)
    x = (tc_mean - T) / sigma
    cmp_plot.line("emt", T, np.clip(1 - 2 * w * norm.cdf(x), 0, 1), color="black", style="dashed",
                  label="uncorrelated, EMT")
    cmp_plot.line("random", T, uncorrelated_rt(50, w, sigma), color=tg.COLORS[0], label="uncorrelated, exact")
    cmp_plot.line("puddles", T, net.rt_curve(T, tc_mean, sigma), color=tg.COLORS[1],
                  label="puddles + filaments (Part 2)")
    tp = net.percolation_temperature(tc_mean, sigma)
    zero = f"R = 0 below Tp = {tp:.2f} K" if np.isfinite(tp) else f"plateau R/R_N = {net.plateau(tc_mean, sigma):.3f}"
    return f"N = 50. Puddle network: w_skel = {net.w_skeleton:.3f}, {zero}"

tg.Panel(dict(w=W.FloatSlider(value=0.4, min=0.3, max=0.9, step=0.01, description="w", continuous_update=False),
              w2=W.FloatSlider(value=0.1, min=0, max=0.5, step=0.01, description="w2 (Part 2)",
                               continuous_update=False),
              sigma=W.FloatSlider(value=2.0, min=0.5, max=4, step=0.1, description="σ (K)", continuous_update=False)),
         compare_models, [cmp_plot])
"""),
        md(r"""
        Three differences stand out at the default $w = 0.4$:

        * the uncorrelated bonds, fewer than half of all bonds, can never connect the leads and the resistance
          saturates; the correlated cluster, built on a connected skeleton, reaches $R = 0$ with the same amount
          of material — *connectivity*, not quantity, decides;
        * its last few per cent of resistance disappear slowly, over several kelvin below the main drop: the
          tail, set by the weakest bonds of the filaments;
        * its curve has steps: in a $50\times50$ sample a single puddle of diameter 10 is a visible fraction of
          the sample. Larger samples (the paper uses $N = 100$–$200$) smooth them out.

        Set $w_2 = 0.2$: enough filaments are broken that the correlated cluster no longer percolates, and it
        too ends on a plateau. Part 2 builds this cluster step by step.

        ## Exercises

        **1. EMT at work.** Predict $R/R_N$ at $p = 0.3$ and $p = 0.45$ from EMT. Measure the exact mean over
        10 samples at $N = 50$ and $N = 100$. Where is EMT reliable, and why does it fail near $p_c$?
        """),
        md(solution(r"""
        EMT gives $1 - 2p = 0.4$ and $0.1$.

        ```python
        for n in (50, 100):
            for p in (0.3, 0.45):
                R = [resistance_ratio(n, superconducting_bonds(n, p, s)) for s in range(10)]
                print(n, p, np.mean(R), np.std(R))
        ```

        At $p = 0.3$ the exact mean is about 0.37, within 10 % of EMT: far from threshold, fluctuations are
        local and a self-consistent average medium describes them fairly well. At $p = 0.45$ the exact value is
        about 0.07, 30 % below EMT, and it scatters between samples by ±20 %: near $p_c$ the current flows
        through a sparse, fractal backbone, the resistance vanishes as $(p_c - p)^{s}$ with $s\approx 1.3$, and
        no single-bond average can capture those long-range correlations. The larger lattice does not help EMT:
        the discrepancy is physics, not a finite-size effect.
        """)),
        md(r"""
        **2. Self-duality (Dykhne).** Mix two *finite* conductances $g_1 = 1$ and $g_2 = 10$ at random, 50/50,
        on an $N = 60$ lattice (`effective_resistance` accepts any positive bond resistances). Show that the
        effective conductance per bond is close to $\sqrt{g_1 g_2}$, and that the EMT condition of §1.2 gives the
        same value. How does this connect to $p_c = 1/2$?
        """),
        md(solution(r"""
        ```python
        n = 60
        g = []
        for s in range(5):
            r = np.where(np.random.default_rng(s).random(lattice.n_bonds(n)) < 0.5, 1.0, 0.1)  # R = 1/g
            g.append(lattice.normal_resistance(n) / effective_resistance(n, r))   # in units of g_1
        print(np.mean(g), np.sqrt(10))
        ```

        The result is about $3.16 = \sqrt{10}$. EMT with $z = 4$: $\tfrac12\frac{g_m-g_1}{g_1+g_m} +
        \tfrac12\frac{g_m-g_2}{g_2+g_m} = 0$ gives $g_m^2 = g_1 g_2$. Dykhne's argument is exact: rotating
        currents and fields by 90° maps a 50/50 mixture onto the mixture of $1/g_1$ and $1/g_2$, which is the
        same random medium, so $g_{\rm eff} = g_1 g_2 / g_{\rm eff}$. Letting $g_2\to\infty$ at $p = 1/2$ is
        the borderline between a finite and a vanishing resistance: the same self-duality fixes $p_c = 1/2$.
        """)),
        md(r"""
        **3. Why a filament gives a tail.** A one-dimensional chain of $L$ bonds, each with a Gaussian local
        $T_c$, has $R/R_N$ = fraction of normal bonds. At which temperature does it reach zero? Estimate how far
        below $\bar T_c$ that is for $L = 10, 100, 1000$ (in units of $\sigma$), with numpy.
        """),
        md(solution(r"""
        The chain is superconducting only when *all* bonds are, i.e. below $\min_i T_{c,i}$. The expected
        minimum of $L$ standard normals tends to $-\sqrt{2\ln L}$ for large $L$ (slowly: at these $L$ the
        formula still overshoots by half a $\sigma$):

        ```python
        rng = np.random.default_rng(0)
        for L in (10, 100, 1000):
            z_min = np.mean([rng.standard_normal(L).min() for _ in range(2000)])
            print(L, round(z_min, 2), round(-np.sqrt(2 * np.log(L)), 2))
        ```

        giving roughly $-1.5\sigma$, $-2.5\sigma$ and $-3.2\sigma$. Meanwhile most of the chain is already
        superconducting near $\bar T_c$, so $R(T)$ creeps to zero over several $\sigma$: a tail. A thin
        filament between two puddles behaves like such a chain, which is why the correlated cluster of Part 2
        has a tail while uncorrelated bonds do not.
        """)),
        md(r"""
        ---
        **Next:** [Part 2 — puddles and filaments](02_puddles_and_filaments.ipynb), the paper's model step by step.
        """),
    ])


# =====================================================================================
# 02  Puddles and filaments
# =====================================================================================


def nb02():
    return notebook([
        md(r"""
        # 2. Superconducting puddles and filaments: the model step by step

        *Part 2 of 4 of the* puddles *course. Run all cells, then play.*

        ## Learning goals

        After this notebook you can

        1. follow the construction of the correlated superconducting cluster: a directed-DLA filamentary
           skeleton, superpuddles added up to the weight $w$, filaments broken with probability $w_2$, and a
           Gaussian local $T_c$;
        2. predict how each of the four parameters $(\bar T_c, \sigma, w, w_2)$ changes $R(T)$ — the logic of
           the paper's Fig. 4;
        3. explain the low-temperature metallic plateau as non-percolating superconducting puddles embedded in
           a metallic matrix;
        4. use common random numbers: for one network, $R(T) = R_N\,F\big((T-\bar T_c)/\sigma\big)$ with a
           single universal curve $F$.
        """),
        code(SETUP + """
from functools import lru_cache
from puddles import Network, lattice
from puddles.skeleton import skeleton_mask
from puddles.percolation import leads_joined

N, SEED = 50, 1            # small lattice: every widget answers in about a second
T = np.linspace(0, 25, 201)
"""),
        md(r"""
        ## 2.1 The filamentary skeleton: directed diffusion-limited aggregation

        The thin, weakly connected backbone of the superconducting cluster is grown by a *directed* DLA on a
        larger $M\times M$ lattice. Particles are released one at a time from a random row of the left column.
        Each step is one bond to the right followed by one bond up or down (probability 1/2 each). A particle
        stops as soon as the node it has reached touches an occupied bond, or lies on the top, bottom or right
        edge; the bond it crossed last becomes occupied. A particle that starts next to an occupied bond adds
        nothing.

        The result is a forest of trees rooted at the left edge that branch as they grow to the right. The
        left edge soon saturates, so the sample is cut from the middle: an $N\times N$ window of an
        $M = \lceil 2.5N\rceil$ lattice grown with $P = 0.8\,M^2$ particles (the paper: $M = 250$, $P = 50\,000$,
        $N = 100$). Play the growth below: each frame is the same aggregate after more particles have been
        released (`skeleton.dla_arrival` records which particle occupied each bond). Watch the left edge
        saturate and the number of occupied bonds per particle fall below one.
        """),
        code("""
tg.DLAGrowth(m=60, seed=0)
"""),
        md(r"""
        The sample's skeleton is the part of the aggregate inside the window. It covers a fraction
        $w_{\rm skel}$ of all bonds (about 0.2–0.3) and, for the default settings, it connects the two leads:
        """),
        code("""
skel = skeleton_mask(N, seed=SEED)
print(f"N = {N}: skeleton bonds = {skel.sum()}, w_skel = {skel.mean():.3f}, "
      f"connects the leads: {leads_joined(N, skel)}")
"""),
        md(r"""
        ## 2.2 Superpuddles up to the weight $w$, broken filaments $w_2$

        Filaments alone would give a transition that is all tail. Bulky regions are added as
        **superpuddles**: a puddle is centred on a randomly chosen skeleton bond and contains every bond whose
        midpoint lies within $D/2$ of the centre bond's midpoint (a disc of diameter $D$, 10 bonds by default).
        Puddles are added one at a time until the fraction of bonds in the skeleton or in a puddle reaches
        the **superconducting weight** $w$; hence $w \ge w_{\rm skel}$. All bonds of a puddle share one local
        $T_c$. Finally, every skeleton bond that no puddle covers is **broken** — metallic at all temperatures —
        with probability $w_2$. Broken bonds cut the filaments that link the puddles.
        """),
        code("""
kind_map = tg.BondMap(tg.KIND_PALETTE, priority=tg.KIND_PRIORITY, fill=tg.KIND_FILL, title="bond kinds")

def show_cluster(w, w2, diameter):
    net = Network.generate(N, w=max(w, skel.mean()), w2=w2, seed=SEED, puddle_diameter=diameter)
    s = net.summary()
    kind_map.show(net.cluster.kind, N)
    return (f"w_skel = {s['w_skeleton']:.3f}, w reached = {s['w_actual']:.3f} with {s['n_puddles']} puddles; "
            f"{s['n_broken']} broken filament bonds; a superconducting path is possible at low T: {s['percolates']}")

tg.Panel(dict(w=W.FloatSlider(value=0.45, min=0.27, max=0.9, step=0.01, description="w", continuous_update=False),
              w2=W.FloatSlider(value=0.1, min=0, max=1, step=0.01, description="w2", continuous_update=False),
              diameter=W.Dropdown(options=[5.0, 10.0, 20.0, ("random 5-30", "random")], value=10.0,
                                  description="puddle D")),
         show_cluster, [kind_map])
"""),
        md(r"""
        ## 2.3 Local critical temperatures and $R(T)$

        Each filament bond and each puddle gets its own critical temperature from the Gaussian (the paper's
        Eq. 1)

        $$P(T_c) = \frac{1}{\sqrt{2\pi}\,\sigma}\,\exp\!\left[-\frac{(T_c-\bar T_c)^2}{2\sigma^2}\right],$$

        and a bond is superconducting at $T$ when $T < T_c$ (a draw $T_c \le 0$ never superconducts). Matrix
        bonds and broken filaments stay at $R_0$.

        **Common random numbers.** One seed fixes every random draw: $T_{c,i} = \bar T_c + \sigma z_i$ with a
        fixed standard normal $z_i$ per filament bond and per puddle. Bond $i$ superconducts iff
        $z_i > x \equiv (T - \bar T_c)/\sigma$, so for a given network

        $$R(T) = R_N\,F\!\left(\frac{T-\bar T_c}{\sigma}\right)$$

        with one universal curve $F$: $\bar T_c$ only shifts $R(T)$ and $\sigma$ only stretches it, at no extra
        cost. Changing $w$ or $w_2$ keeps the skeleton, the puddle sequence and the $z_i$, so the curve moves
        smoothly instead of being re-rolled.

        The explorer shows $R(T)$ of one network and, on the right, the bonds at the temperature of the cursor
        (the bond map of the dashboard). The percolation temperature $T_p$ is the highest $T$ at which a
        superconducting path joins the leads.
        """),
        code("""
tg.RTExplorer(N, seed=SEED, w=0.45, w2=0.1, tc_mean=10.0, sigma=1.5)
"""),
        md(r"""
        ## 2.4 The logic of the paper's Fig. 4, side by side

        Each panel varies one thing and keeps the rest. Use its slider to check the statement in its title
        for other values.

        * **$w_2$ kills percolation at fixed $w$.** Breaking filaments removes the weak links first: the
          high-temperature part barely moves, the tail grows, and beyond a threshold the resistance saturates.
        * **$w$ shapes the high-$T$ side.** More puddle weight means that a larger share of the resistance
          is lost already around and above $\bar T_c$, as whole puddles switch: the upper part of the transition
          moves up and carries more of the drop, $T_p$ rises and the tail shortens. (In the paper's terms, $w$
          controls how marked and gradual the decrease is on the high-temperature side.)
        * **$\bar T_c$ shifts, $\sigma$ widens.** The same curve, moved and stretched.
        """),
        code("""
fig_a = tg.Plot("T (K)", "R / R_N", x=(0, 25), y=(0, 1.02), title="fixed w, more broken filaments", width=330)
fig_b = tg.Plot("T (K)", "R / R_N", x=(0, 25), y=(0, 1.02), title="fixed w2, more puddles", width=330)
fig_c = tg.Plot("T (K)", "R / R_N", x=(0, 25), y=(0, 1.02), title="same network, other Tc, σ", width=330)
base = Network.generate(N, w=0.5, w2=0.0, seed=SEED)

@lru_cache(maxsize=128)
def curve(w, w2):  # R(T)/R_N at Tc_mean = 10 K, sigma = 1.5 K, same seed: a slider can come back for free
    return base.with_params(w=max(w, base.w_skeleton), w2=w2).rt_curve(T, 10.0, 1.5)

def panel_a(w):
    for j, w2 in enumerate([0.0, 0.1, 0.2, 0.35, 0.5]):
        fig_a.line(f"w2={w2}", T, curve(w, w2), color=tg.COLORS[j], label=f"w2 = {w2}")

def panel_b(w2):
    for j, w in enumerate([0.3, 0.45, 0.6, 0.85]):
        fig_b.line(f"w={w}", T, curve(w, w2), color=tg.COLORS[j], label=f"w = {w}")

def panel_c(vary):
    pairs = [(8, 1.5), (10, 1.5), (12, 1.5)] if vary == "Tc_mean" else [(10, 0.75), (10, 1.5), (10, 3.0)]
    net = base.with_params(w2=0.1)           # one network: these curves need no new solve
    fig_c.clear()
    for j, (tc, sigma) in enumerate(pairs):
        fig_c.line(f"{tc},{sigma}", T, net.rt_curve(T, tc, sigma), color=tg.COLORS[j],
                   label=f"Tc = {tc}, σ = {sigma}")

W.HBox([
    tg.Panel(dict(w=W.FloatSlider(value=0.5, min=0.3, max=0.8, step=0.05, description="w", continuous_update=False)),
             panel_a, [fig_a]),
    tg.Panel(dict(w2=W.FloatSlider(value=0.0, min=0, max=0.4, step=0.05, description="w2", continuous_update=False)),
             panel_b, [fig_b]),
    tg.Panel(dict(vary=W.ToggleButtons(options=["Tc_mean", "sigma"], description="vary")), panel_c, [fig_c]),
], layout=W.Layout(flex_flow="row wrap"))
"""),
        md(r"""
        ## 2.5 The low-temperature metallic plateau

        Well below $\bar T_c$ essentially every bond that can superconduct does. If those bonds do not form a
        path from lead to lead, the current still has to cross the metallic matrix between superconducting
        clusters, and the resistance stops changing: a plateau $R(0^+) > 0$. In this picture the debated
        low-temperature "quantum metal" is simply a clean metal with embedded, non-percolating
        superconducting puddles. Each superconducting cluster is an equipotential island that shortens the
        current path; how much resistance is left depends on how close to percolation the cluster is.

        Left: the plateau against $w_2$ for three values of $w$ — denser puddles need more broken filaments
        before the plateau opens. Right: where the current flows at $T \to 0$ in a non-percolating sample
        (current map of the dashboard: $|I|$ on the normal bonds, on a log scale).
        """),
        code("""
plateau_plot = tg.Plot("w2 (fraction of broken filaments)", "R(T→0+) / R_N", x=(0, 0.8), y=(0, 0.8),
                       title="the plateau opens when percolation is lost")
current_map = tg.CurrentMap(title="current at T → 0")
w2_grid = np.linspace(0, 0.8, 17)

def plateau(seed, w2_map):
    w_skel = skeleton_mask(N, seed=seed).mean()
    for j, w in enumerate([0.35, 0.45, 0.6]):
        net = Network.generate(N, w=max(w, w_skel), w2=0.0, seed=seed)
        R0 = [net.with_params(w2=w2).plateau(10.0, 1.5) for w2 in w2_grid]   # one solve each
        plateau_plot.line(f"w={w}", w2_grid, R0, color=tg.COLORS[j], label=f"w = {w}", marker="circle")
    net = Network.generate(N, w=max(0.45, w_skel), w2=w2_map, seed=seed)
    current_map.show(net, T=0.0, tc_mean=10.0, sigma=1.5)
    return f"map: w = 0.45, w2 = {w2_map}, R(T→0)/R_N = {net.plateau(10.0, 1.5):.3f}"

tg.Panel(dict(seed=W.Dropdown(options=[1, 2, 3], value=1, description="seed"),
              w2_map=W.FloatSlider(value=0.4, min=0, max=0.8, step=0.05, description="w2 of the map",
                                   continuous_update=False)),
         plateau, [plateau_plot, current_map])
"""),
        md(r"""
        The two ways superconductivity disappears in the paper's fits follow from this. In ZrNCl the local
        $T_c$ stays high while $w_2$ grows as the gate voltage is lowered: a *geometry-driven* loss with a
        plateau. In MoS$_2$ and TiSe$_2$ the geometry survives but $\bar T_c$ drops (competing charge-density
        wave): a *$T_c$-driven* loss, where $R(T)$ keeps falling down to the lowest temperature. Part 4 reads
        these signatures off fitted data.

        ## Exercises

        **1. The universal curve.** For `base.with_params(w=0.45, w2=0.1)`, plot $R/R_N$ against
        $x = (T - \bar T_c)/\sigma$ for $(\bar T_c, \sigma) = (8, 1), (10, 1.5), (12, 3)$ K and check that the three
        curves coincide. Why is this exact here, and what would break it in a real material?
        """),
        md(solution(r"""
        ```python
        net = base.with_params(w=0.45, w2=0.1)
        check = tg.Plot("x = (T - Tc)/σ", "R / R_N", x=(-4, 4), y=(0, 1.02))
        for j, (tc, s) in enumerate([(8, 1), (10, 1.5), (12, 3)]):
            Tj = tc + s * np.linspace(-4, 4, 161)
            Tj = Tj[Tj >= 0]
            check.line(str(j), (Tj - tc) / s, net.rt_curve(Tj, tc, s), color=tg.COLORS[j], label=f"{tc}, {s}")
        check.line("F", np.linspace(-4, 4, 161), net.universal_curve(np.linspace(-4, 4, 161)),
                   color="black", style="dashed", label="F(x)")
        check.figure
        ```

        The curves coincide because each bond's state depends only on $z_i > x$: the set of
        superconducting bonds, hence the resistance, is a function of $x$ alone. (The $T\ge0$ cut only
        truncates the curves on the left.) In a real material the normal-state resistance depends on $T$, the
        local transitions have a width, and $\sigma$ need not be the same for filaments and puddles — each of
        these breaks the collapse.
        """)),
        md(r"""
        **2. Why $T_p < \bar T_c$.** With $w_2 = 0$, compute $T_p$ for $w = 0.3, 0.45, 0.6, 0.8$
        ($\bar T_c = 10$ K, $\sigma = 1.5$ K). Explain the trend with Exercise 3 of Part 1.
        """),
        md(solution(r"""
        ```python
        for w in (0.3, 0.45, 0.6, 0.8):
            print(w, base.with_params(w=w, w2=0.0).percolation_temperature(10.0, 1.5))
        ```

        $T_p$ rises from about 6.4 K at $w = 0.3$ to about 9.2 K at $w = 0.8$, always below
        $\bar T_c = 10$ K (by 2.5 to 0.5 $\sigma$). A path made mostly of filament bonds superconducts only when
        its *weakest* bond does, i.e. at roughly the minimum of many Gaussian $T_c$'s, several $\sigma$ below
        $\bar T_c$. Puddles replace long stretches of filament by a single $T_c$ each, so the best path needs
        fewer independent bonds and its weakest link is less extreme.
        """)),
        md(r"""
        **3. Sample-to-sample fluctuations.** For $N = 50$ and $w = 0.4$, find for seeds 1–5 the smallest
        $w_2$ (on a grid of step 0.02) at which the network no longer percolates (`net.percolates` is False).
        How large is the spread, and what do you expect for $N = 100$?
        """),
        md(solution(r"""
        ```python
        grid = np.arange(0, 1.0001, 0.02)
        for seed in range(1, 6):
            net = Network.generate(N, w=0.4, w2=0.0, seed=seed)
            w2c = next((w2 for w2 in grid if not net.with_params(w2=w2).percolates), None)
            print(seed, w2c)
        ```

        The critical $w_2$ ranges from about 0.10 to 0.18 over these five seeds: percolation in a small sample
        is decided by a handful of weak links. As for the threshold of Part 1, the spread should shrink as $N$
        grows (check with $N = 100$) — but real devices are not infinite either, which is one reason why
        nominally similar samples can end up superconducting or metallic.
        """)),
        md(r"""
        ---
        **Next:** [Part 3 — negative compressibility](03_negative_compressibility.ipynb): where the inhomogeneity
        may come from.
        """),
    ])


# =====================================================================================
# 03  Negative compressibility
# =====================================================================================


def nb03():
    return notebook([
        md(r"""
        # 3. Negative compressibility and electronic phase separation

        *Part 3 of 4 of the* puddles *course. Parts 1–2 assumed an inhomogeneous film; here is a mechanism for
        the inhomogeneity, following Sec. III of the paper.*

        ## Learning goals

        After this notebook you can

        1. derive the chemical potential $\mu(n)$ of the gated film (the paper's Eq. 5) from its $T = 0$ grand
           potential with the neutrality constraint $n = \nu$;
        2. show that the inverse compressibility $\kappa^{-1} = \partial\mu/\partial n$ is negative at small
           density when $W/2 + A - 2\Gamma < 0$, and find the spinodal;
        3. carry out the Maxwell construction — equal areas on $\mu(n)$, common tangent on $f(n)$ — and tell the
           binodal from the spinodal;
        4. reproduce the three parameter sets of the paper's Fig. 6 and convert to laboratory units;
        5. use the lever rule to turn a gate-controlled mean density into the superconducting weight $w$ of
           the network, and watch $R(T)$ change.
        """),
        code(SETUP + """
from dataclasses import replace
from functools import lru_cache
from puddles import thermo, Network
from puddles.thermo import ThermoParams

n = np.linspace(0, 0.15, 301)       # electrons per unit cell
"""),
        md(r"""
        ## 3.1 From the grand potential to Eq. (5)

        The 2D electrons sit in a potential well whose lowest level $\varepsilon_0(\nu)$ is pulled down by the
        density $\nu$ of ionic countercharges in the liquid (per unit cell). The band above it,
        $\varepsilon_k = \varepsilon_0(\nu) + k^2/2m$, has a flat density of states $1/W$ per spin. A Lagrange
        multiplier $\lambda$ enforces that every electron comes from a countercharge. At $T = 0$ the grand
        potential per cell is

        $$\omega(\mu,\lambda,\nu) = -\frac{1}{W}\big[\mu+\lambda-\varepsilon_0(\nu)\big]^2 + \lambda\nu + \omega_0(\nu),
        \qquad \omega_0(\nu) = \tfrac12 A\nu^2 + \tfrac14 B\nu^4 ,$$

        where $\omega_0$ is the countercharge free energy: $A$ from their short-range repulsion, $B$ stopping a
        collapse at high density. Three conditions follow:

        * electron density: $n = -\partial_\mu\omega = \frac{2}{W}\,[\mu+\lambda-\varepsilon_0]$, so
          $\mu = \tfrac{W}{2}n - \lambda + \varepsilon_0$;
        * neutrality: $\partial_\lambda\omega = 0 \Rightarrow n = \nu$;
        * equilibrium of the ions: $\partial_\nu\omega = 0 \Rightarrow \lambda = -\big(n\,\varepsilon_0'(\nu) + \omega_0'(\nu)\big)$.

        Eliminating $\lambda$ with $\nu = n$,

        $$\mu = \frac{W}{2}n + \frac{d}{dn}\big[n\,\varepsilon_0(n)\big] + A n + B n^3 .$$

        The middle term is the key: adding an electron (and its countercharge) lowers the level of *all* the
        electrons already present. With the phenomenological band bottom
        $\varepsilon_0(\nu) = -\Gamma\nu^2/(\nu+\nu_0)$, linear in $\nu$ above a scale $\nu_0$ below which
        electrons stay bound to the ions,

        $$\boxed{\;\mu(n) = \frac{W}{2}n + n\,(A + Bn^2) - \Gamma\,\frac{n^2(2n+3\nu_0)}{(n+\nu_0)^2}\;}\qquad\text{(Eq. 5)}$$

        For $\nu_0 = 0$ this is $\mu = a\,n + B n^3$ with $a = W/2 + A - 2\Gamma$, and

        $$\kappa^{-1} = \frac{\partial\mu}{\partial n} = a + 3Bn^2 < 0 \quad\text{for}\quad n < n_s = \sqrt{-a/3B}
        \quad\text{whenever}\quad a < 0 .$$

        A negative $\kappa^{-1}$ means that adding electrons *lowers* their chemical potential: a homogeneous
        film is unstable. $n_s$ is the **spinodal**. Check with the engine (green curve of Fig. 6):
        """),
        code("""
p = ThermoParams.preset("fig6-green")
print(p)
print("a = W/2 + A - 2Γ =", p.a, "eV")
print("spinodal from the engine:", thermo.spinodal(p), "  closed form sqrt(-a/3B):", np.sqrt(-p.a / (3 * p.B)))
"""),
        md(r"""
        ## 3.2 Explore $\mu(n)$ and $\kappa^{-1}(n)$

        Red: the unstable range $\kappa^{-1} < 0$. Try $\nu_0 > 0$ (bound electrons make $\kappa^{-1}(0) > 0$),
        a larger $B$ (the ions resist crowding earlier, the window shrinks), or $\Gamma < W/4$ with $A = 0$ (no
        instability at all).
        """),
        code("""
mu_plot = tg.Plot("n (electrons per cell)", "μ (eV)", x=(0, 0.15), title="chemical potential, Eq. (5)")
kappa_plot = tg.Plot("n (electrons per cell)", "1/κ = dμ/dn (eV)", x=(0, 0.15), title="inverse compressibility")

def explore(W_, A, B, Gamma, nu0):
    q = ThermoParams(W=W_, A=A, B=B, Gamma=Gamma, nu0=nu0)
    mu, ik = thermo.chemical_potential(n, q), thermo.inverse_compressibility(n, q)
    bad = ik < 0
    mu_plot.line("mu", n, mu, color=tg.COLORS[0], label="μ(n)")
    mu_plot.line("unstable", n, np.where(bad, mu, np.nan), color=tg.COLORS[1], width=4, label="1/κ < 0")
    kappa_plot.line("k", n, ik, color=tg.COLORS[0])
    kappa_plot.line("zero", [0, 0.15], [0, 0], color="gray", style="dashed")
    ns = thermo.spinodal(q, n_max=0.15)
    kappa_plot.points("spinodal", ns, np.zeros_like(ns), color=tg.COLORS[1], label="spinodal")
    return f"a = W/2 + A - 2Γ = {q.a:.2f} eV; spinodal densities: {np.round(ns, 4).tolist()} per cell"

slider = dict(continuous_update=False)
tg.Panel(dict(W_=W.FloatSlider(value=1.0, min=0.2, max=3, step=0.1, description="W (eV)", **slider),
              A=W.FloatSlider(value=0.0, min=-1, max=2, step=0.1, description="A (eV)", **slider),
              B=W.FloatSlider(value=210, min=50, max=400, step=10, description="B (eV)", **slider),
              Gamma=W.FloatSlider(value=1.75, min=0, max=3, step=0.05, description="Γ (eV)", **slider),
              nu0=W.FloatSlider(value=0.0, min=0, max=0.05, step=0.002, description="ν0", readout_format=".3f",
                                **slider)),
         explore, [mu_plot, kappa_plot])
"""),
        md(r"""
        ## 3.3 The Maxwell construction

        Inside the unstable range the film lowers its free energy by splitting into two phases of densities
        $n_1 < n_2$ that share the same chemical potential $\mu^*$ (particle exchange) and the same grand
        potential (the two-phase state is the convex hull of the free energy). With
        $f(n) = \int_0^n \mu\,dn'$ the conditions are

        $$\mu(n_1) = \mu(n_2) = \mu^* = \frac{f(n_2) - f(n_1)}{n_2 - n_1}:$$

        a **common tangent** of slope $\mu^*$ touching $f$ at $n_1$ and $n_2$, or, equivalently, a horizontal
        line on $\mu(n)$ cutting off **equal areas**. The coexistence densities form the **binodal**; the
        spinodal lies inside it, and between the two the homogeneous film is metastable.

        For $\nu_0 = 0$ and $a<0$ the low-density phase is the empty band, $n_1 = 0$: $f = an^2/2 + Bn^4/4$ is
        concave from $n = 0$ up to the spinodal, so the lower hull starts at the origin, and the tangent condition
        $f(n_2)/n_2 = f'(n_2)$ gives
        $n_2 = \sqrt{-2a/3B}$ and $\mu^* = a\,n_2/3$. The engine finds the hull numerically for any parameters.
        """),
        code("""
mx_mu = tg.Plot("n (electrons per cell)", "μ (eV)", x=(0, 0.15), title="equal areas on μ(n)")
mx_f = tg.Plot("n (electrons per cell)", "f (eV)", x=(0, 0.15), title="common tangent on f(n)")

def maxwell(preset, nu0):
    q = replace(ThermoParams.preset(preset), nu0=nu0)
    m = thermo.maxwell_construction(q)
    mu, f = thermo.chemical_potential(n, q), thermo.free_energy(n, q)
    mx_mu.line("mu", n, mu, color=tg.COLORS[0], label="μ(n), homogeneous")
    mx_mu.line("eq", n, thermo.equilibrium_mu(n, q), color="black", style="dashed", label="equilibrium μ")
    mx_f.line("f", n, f, color=tg.COLORS[0], label="f(n)")
    if not m.coexists:
        mx_mu.remove("areas")
        mx_f.remove("tangent")
        return "no phase coexistence for these parameters"
    inside = (n >= m.n1) & (n <= m.n2)
    mx_mu.band("areas", n[inside], np.full(inside.sum(), m.mu_star), mu[inside], color=tg.COLORS[1])
    near = n[n <= min(0.15, m.n2 + 0.5 * (m.n2 - m.n1))]
    tangent = thermo.free_energy(m.n1, q) + m.mu_star * (near - m.n1)
    mx_f.line("tangent", near, tangent, color=tg.COLORS[1], style="dashed", label="common tangent")
    return (f"binodal n1 = {m.n1:.4f}, n2 = {m.n2:.4f} per cell, μ* = {m.mu_star:.4f} eV; "
            f"spinodal {np.round(m.spinodal, 4).tolist()}")

tg.Panel(dict(preset=W.Dropdown(options=list(thermo.PRESETS), value="fig6-green", description="Fig. 6 set"),
              nu0=W.FloatSlider(value=0.0, min=0, max=0.3, step=0.01, description="ν0", continuous_update=False)),
         maxwell, [mx_mu, mx_f])
"""),
        md(r"""
        ## 3.4 The parameter sets of Fig. 6 and laboratory units

        The paper compares $\mu(n)$ for $A = 0$ and $(\Gamma, B) = (1.75, 210)$, $(1.75, 250)$ and
        $(1.6, 160)$ eV with photoemission data on surface-doped WSe$_2$ (not reproduced here). It does not
        print $W$ and $\nu_0$; we assume $W = 1$ eV, the typical bandwidth it quotes, and $\nu_0 = 0$.

        Two unit conversions connect to the laboratory. A density of one electron per cell is $1/a^2$
        ($1.1\times10^{15}$ cm$^{-2}$ for $a = 3$ Å). And $\Gamma = e/(2\tilde C a^2)$ follows from the
        interface capacitance $\tilde C$: the electrostatic estimate with $\tilde C \approx 10\,\mu$F/cm$^2$
        gives $\Gamma \approx 9$ eV, several times the values of Fig. 6 — the numerical prefactor of this
        estimate is uncertain, as the paper notes.
        """),
        code("""
fig6 = tg.Plot("n (10^14 cm^-2)", "μ (eV)", title="Fig. 6 parameter sets", legend="top-left")
table = W.HTML()
colours = {"fig6-green": "#2ca02c", "fig6-blue": "#1f77b4", "fig6-red": "#d62728"}

def fig6_sets(a_angstrom, C):
    a_cm = a_angstrom * 1e-8
    rows = ["<tr><th>set</th><th>Γ, B (eV)</th><th>n_s</th><th>n_2 (per cell)</th><th>n_2 (10^14 cm^-2)</th>"
            "<th>μ* (eV)</th></tr>"]
    for name, q in thermo.PRESETS.items():
        m = thermo.maxwell_construction(q)
        fig6.line(name, thermo.density_per_cm2(n, a_cm) / 1e14, thermo.chemical_potential(n, q),
                  color=colours[name], label=name)
        rows.append(f"<tr><td>{name}</td><td>{q.Gamma}, {q.B}</td><td>{thermo.spinodal(q)[0]:.4f}</td>"
                    f"<td>{m.n2:.4f}</td><td>{thermo.density_per_cm2(m.n2, a_cm) / 1e14:.2f}</td>"
                    f"<td>{m.mu_star:.4f}</td></tr>")
    table.value = "<table style='border-collapse:collapse' border=1 cellpadding=4>" + "".join(rows) + "</table>"
    gamma = thermo.gamma_from_capacitance(C, a_cm)
    return f"Γ = e/(2 C a²) = {gamma:.2f} eV for C = {C:g} μF/cm², a = {a_angstrom:.2f} Å"

tg.Panel(dict(a_angstrom=W.FloatSlider(value=3.0, min=2.5, max=4.0, step=0.1, description="a (Å)"),
              C=W.FloatSlider(value=10.0, min=1, max=30, step=1, description="C (μF/cm²)")),
         fig6_sets, [fig6, table])
"""),
        md(r"""
        ## 3.5 The lever rule feeds $w$: gate the density, watch $R(T)$

        At a mean density $\bar n$ inside the coexistence window the sample is a mixture: the high-density
        phase fills the fraction

        $$x = \frac{\bar n - n_1}{n_2 - n_1}$$

        of the area (lever rule). If superconducting puddles live in the high-density regions, gating — which
        sets $\bar n$ — sets the superconducting weight. We use the simplest mapping (our modelling assumption,
        not a result of the paper, and the same one the dashboard uses): the potentially superconducting bonds
        are the high-density phase, $w = x$, except that the filamentary skeleton is always there and
        puddles centred on it may not reach every last bond ($w_{\max}$ = `net.w_max`, a hair below 1),

        $$w = \mathrm{clip}(x,\ w_{\rm skel},\ w_{\max}) \qquad (\texttt{thermo.weight\_from\_fraction}).$$

        Move the density: thin lines are reference curves at $x = 0.25, 0.5, 0.75, 1$, the thick line is the
        current density.
        """),
        code("""
N, SEED, T = 50, 1, np.linspace(0, 25, 126)
net0 = Network.generate(N, w=0.5, w2=0.0, seed=SEED)
lever_mu = tg.Plot("n̄ (electrons per cell)", "μ (eV)", x=(0, 0.12), title="equilibrium μ and the lever rule")
lever_rt = tg.Plot("T (K)", "R / R_N", x=(0, 25), y=(0, 1.02), title="R(T) of the gated film", legend="top-left")
q6 = ThermoParams.preset("fig6-green")
m6 = thermo.maxwell_construction(q6)
n_axis = np.linspace(0, 0.12, 241)

def weight(x):
    return thermo.weight_from_fraction(x, net0.w_skeleton, net0.w_max)[0]

@lru_cache(maxsize=256)
def curve(w, w2):  # one network solve per (w, w2); moving back to a density costs nothing
    return net0.with_params(w=w, w2=w2).rt_curve(T, 10.0, 1.5)

def gate(n_bar, w2):
    x = float(thermo.high_density_fraction(n_bar, q6))
    lever_mu.line("mu", n_axis, thermo.chemical_potential(n_axis, q6), color="#bbbbbb", label="homogeneous")
    lever_mu.line("eq", n_axis, thermo.equilibrium_mu(n_axis, q6), color=tg.COLORS[2], label="Maxwell")
    lever_mu.points("now", [n_bar], [thermo.equilibrium_mu(n_bar, q6)], color=tg.COLORS[1])
    for j, xr in enumerate([0.25, 0.5, 0.75, 1.0]):
        lever_rt.line(f"ref{j}", T, curve(weight(xr), w2), color="#aaaaaa", width=1,
                      label="x = 0.25 ... 1" if j == 0 else None)
    w = weight(x)
    lever_rt.line("now", T, curve(w, w2), color=tg.COLORS[1], width=3, label=f"now, x = {x:.2f}")
    net = net0.with_params(w=w, w2=w2)
    tp = net.percolation_temperature(10.0, 1.5)
    state = f"superconducting below Tp = {tp:.2f} K" if np.isfinite(tp) else \
        f"metallic plateau R(T→0)/R_N = {net.plateau(10.0, 1.5):.3f}"
    return f"n̄ = {n_bar:.4f} per cell: high-density fraction x = {x:.2f} → w = {w:.3f}; {state}"

tg.Panel(dict(n_bar=W.FloatSlider(value=0.05, min=0, max=round(m6.n2, 3), step=0.002, readout_format=".3f",
                                  description="mean density n̄", continuous_update=False),
              w2=W.FloatSlider(value=0.3, min=0, max=0.8, step=0.05, description="w2", continuous_update=False)),
         gate, [lever_mu, lever_rt])
"""),
        md(r"""
        With broken filaments ($w_2 = 0.3$) a dilute film is a metal with superconducting inclusions
        (plateau); gating more electrons in grows the high-density phase, the plateau drops, and near the top
        of the window the puddles reconnect the cluster and the film becomes superconducting — a gate-driven
        metal–superconductor transition of purely geometric origin.

        ## Exercises

        **1. Closed forms.** For $\nu_0 = 0$ derive $n_s$, $n_2$ and $\mu^*$ and evaluate them for the three
        Fig. 6 sets. Compare with `thermo.spinodal` and `thermo.maxwell_construction`.
        """),
        md(solution(r"""
        $\kappa^{-1} = a + 3Bn^2 = 0$ gives $n_s = \sqrt{-a/3B}$. With $f = an^2/2 + Bn^4/4$ the tangent from
        $(0, 0)$ touches at $n_2$ where $f(n_2)/n_2 = \mu(n_2)$: $a/2 + Bn_2^2/4 = a + Bn_2^2$, so
        $n_2 = \sqrt{-2a/3B} = \sqrt2\,n_s$ and $\mu^* = an_2 + Bn_2^3 = a n_2/3$.

        ```python
        for name, q in thermo.PRESETS.items():
            m = thermo.maxwell_construction(q)
            print(name, np.sqrt(-q.a / (3 * q.B)), thermo.spinodal(q),
                  np.sqrt(-2 * q.a / (3 * q.B)), m.n2, q.a * m.n2 / 3, m.mu_star)
        ```

        For the green set ($a = -3$ eV, $B = 210$ eV): $n_s = 0.069$, $n_2 = 0.098$ electrons per cell,
        $\mu^* = -0.098$ eV.
        """)),
        md(r"""
        **2. Equal areas and the tilted free energy.** For the red set, check numerically that
        $\int_{n_1}^{n_2}(\mu - \mu^*)\,dn = 0$, and plot $g(n) = f(n) - \mu^* n$. What is special about $g$ at
        $n_1$ and $n_2$?
        """),
        md(solution(r"""
        ```python
        from scipy.integrate import quad
        q = ThermoParams.preset("fig6-red")
        m = thermo.maxwell_construction(q)
        print(quad(lambda x: thermo.chemical_potential(x, q) - m.mu_star, m.n1, m.n2))   # ~ 0
        g = tg.Plot("n", "f - μ* n (eV)", x=(0, 0.15))
        g.line("g", n, thermo.free_energy(n, q) - m.mu_star * n)
        g.figure
        ```

        The integral is $f(n_2) - f(n_1) - \mu^*(n_2 - n_1) = 0$, the tangent condition itself. Subtracting
        the tangent line tilts $f$ so that $g$ has two *equal* minima at $n_1$ and $n_2$ (here $n_1 = 0$ is an
        endpoint minimum): the two phases are equally good at the coexistence chemical potential, and any
        mixture of them lies on the straight segment between.
        """)),
        md(r"""
        **3. Bound electrons, $\nu_0 > 0$.** For the green set, increase $\nu_0$ in the Maxwell panel. When does the
        low-density phase become metallic ($n_1 > 0$), and at which $\nu_0$ does coexistence disappear? Find both to
        within 0.01 with `thermo.maxwell_construction(...).coexists` and `.n1`.
        """),
        md(solution(r"""
        ```python
        green = ThermoParams.preset("fig6-green")
        for nu0 in np.arange(0.15, 0.26, 0.01):
            m = thermo.maxwell_construction(replace(green, nu0=nu0))
            print(round(nu0, 2), m.coexists, m.n1, m.n2)
        ```

        $\kappa^{-1}(0) = W/2 + A > 0$ as soon as $\nu_0 > 0$, so a very dilute film is stable; but up to
        $\nu_0 \approx 0.18$ the common tangent still starts at the empty band. From $\nu_0 \approx 0.19$ the
        low-density phase is a dilute metal ($n_1 > 0$); $n_1$ and $n_2$ then approach each other and the window
        closes between $\nu_0 = 0.24$ and $0.25$, at a critical point: trapping electrons at the ions removes the
        instability.
        """)),
        md(r"""
        ---
        **Next:** [Part 4 — fit your data](04_fit_your_data.ipynb).
        """),
    ])


# =====================================================================================
# 04  Fit your data
# =====================================================================================


def nb04():
    return notebook([
        md(r"""
        # 4. Fit your own $R(T)$ data

        *Part 4 of 4 of the* puddles *course. Parts 1–3 built the model; here it meets data.*

        ## Learning goals

        After this notebook you can

        1. load an $R(T)$ curve — a shipped example or your own file — and know what the loader accepts;
        2. fit the model's parameters $(\bar T_c, \sigma, w, w_2)$ and the normal-state resistance, at a small
           setting that runs in seconds, and know which settings to raise for a result worth publishing;
        3. read the fitted parameters as the paper does: a **geometry-driven** loss of superconductivity
           (broken filaments, a resistive plateau) versus a **$T_c$-driven** loss (the local $T_c$'s drop);
        4. tell the two sources of uncertainty apart — measurement noise and the finite number of simulated
           networks — and check a fit against an ensemble of fresh realizations.
        """),
        code(SETUP + """
from puddles.io import load_rt
from puddles.examples import FAMILIES, list_examples, load_example
from puddles.fit import fit_rt
from puddles import ModelParams
from puddles.ensemble import ensemble_rt, realization_seeds

# Small, fast fit settings for the classroom (a few seconds per fit). For real work use
# n=100-200 and realizations=8-16 (the fit_rt defaults are n=100, realizations=8).
FIT = dict(n=50, realizations=3, seed=0, max_evaluations=12)
QUICK = dict(n=40, realizations=2, seed=0, max_evaluations=8)    # rougher still: for comparing many curves
"""),
        md(r"""
        ## 4.1 The data

        The shipped examples are **synthetic**: each was generated by the model itself (at $N = 100$, averaged
        over 8 networks, with 1 % noise), so its metadata holds the true parameters and you can check what a fit
        recovers. They come in three families, after the three materials of the paper's Fig. 1:
        """),
        code("""
for family, spec in FAMILIES.items():
    print(f"{family:11s} varies {spec['vary']:8s} over {spec['values']}:\\n            {spec['scenario']}")
"""),
        md(r"""
        **Your own file** needs two columns, temperature and resistance, separated by commas, tabs, semicolons
        or spaces, with an optional header (units in it are understood: `T (K)`, `T (mK)`, `R (ohm)`,
        `R (kohm)`, `R/R_N`) and optional `# key: value` comment lines:

        ```python
        data = load_rt("my_film.csv")                          # a path
        data = load_rt("my_film.dat", t_unit="mK", r_unit="kohm")   # units the header does not state
        ```

        The widget at the end of this notebook takes an upload instead. Pick an example:
        """),
        code("""
data_plot = tg.Plot("T (K)", "R", title="the data")
truth_box = W.HTML()

def show_data(name):
    d = load_example(name)
    data_plot.points("data", d.T, d.R, color="#08306b", size=16, label=name)
    m = d.metadata
    truth_box.value = (f"<b>true parameters</b> (synthetic!): Tc_mean = {m['tc_mean_K']} K, σ = {m['sigma_K']} K, "
                   f"w = {m['w']}, w2 = {m['w2']}, R_N = {m['r_n']} {m['r_n_unit']}")
    return f"{len(d)} points, {d.T.min():.2f}-{d.T.max():.2f} K, R in {d.r_unit}"

tg.Panel(dict(name=W.Dropdown(options=list_examples(), value="zrncl_like_w2_0.20", description="example")),
         show_data, [data_plot, truth_box])
"""),
        md(r"""
        ## 4.2 The fit

        The fitted model is the realization average of Part 2's universal curve,

        $$R(T) = R_N\,\bar F\!\left(\frac{T-\bar T_c}{\sigma};\,w, w_2\right),\qquad
        \bar F = \frac1{M}\sum_{i=1}^{M} F_i ,$$

        over $M$ networks (`realizations`), because a real film is much larger than one simulated network.
        Only $w$ and $w_2$ change the networks; for fixed $(w, w_2)$ the best $\bar T_c$, $\sigma$ and $R_N$ cost
        milliseconds. So `fit_rt` nests two least-squares problems (variable projection): an outer one over
        $(w, w_2)$, which needs network solves, and an inner one over the rest. Common random numbers keep the
        outer problem smooth.
        """),
        code("""
data = load_example("zrncl_like_w2_0.20")
result = fit_rt(data, **FIT)
result          # the parameter table; result.report() gives the same as text
"""),
        code("""
fit_plot = tg.Plot("T (K)", "R (Ω)", title="data and fit")
fit_plot.points("data", data.T, data.R, color="#08306b", size=16, label="data")
fit_plot.line("fit", result.T_curve, result.R_curve, color="#c51b7d", label="fit")
res_plot = tg.Plot("T (K)", "data − fit (Ω)", title="residuals", height=220)
res_plot.points("res", result.T, result.residual, color="#c51b7d", size=14)
res_plot.line("zero", [result.T.min(), result.T.max()], [0, 0], color="gray", style="dashed")
W.HBox([fit_plot.widget, res_plot.widget])
"""),
        md(r"""
        Residuals without structure, at the level of the noise, mean the model describes the curve. Here they
        grow inside the transition, where 3 small networks resemble least the 8 large ones that made the data —
        raise `n` and `realizations` and watch them shrink. Each stderr
        is split into two parts, shown as *noise / disorder* in the table: the curvature of $\chi^2$
        (measurement noise) and a bootstrap over single realizations (a measured film is one realization of
        the disorder: how much the answer moves when another simulated network plays the film). With only 3 small networks the disorder part dominates — that is the price of
        the fast setting.

        ## 4.3 Reading the parameters as the paper does

        The paper's central observation is that superconductivity can disappear in two physically different ways
        as the gate voltage is lowered:

        * **geometry-driven** (ZrNCl): the local $T_c$'s stay high, but filaments break ($w_2$ grows) until the
          superconducting cluster no longer spans the sample; $R(T)$ ends on a **plateau**;
        * **$T_c$-driven** (MoS$_2$, TiSe$_2$): the geometry still percolates, but $\bar T_c$ falls (competition
          with a charge-density wave) and the transition slides out of the measured window; **no plateau**.

        Fit the two ends of two families and compare (with the rougher `QUICK` setting, about 10 s in all):
        """),
        code("""
def low_t_state(r):
    if np.isfinite(r.tp):
        return f"R = 0 below Tp = {r.tp:.1f} K"
    return f"plateau R(0)/R_N = {r.plateau:.2f}"

head = ["example", "Tc_mean (K)", "σ (K)", "w", "w2", "low T"]
rows = ["<tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr>"]
fits = {}
for name in ["zrncl_like_w2_0.00", "zrncl_like_w2_0.30", "mos2_like_tc_10.0", "mos2_like_tc_4.0"]:
    fits[name] = r = fit_rt(load_example(name), **QUICK)
    cells = [name] + [f"{r.params[k].value:.3g} ± {r.params[k].stderr:.2g}" for k in ("tc_mean", "sigma", "w", "w2")]
    rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells + [low_t_state(r)]) + "</tr>")
W.HTML("<table border=1 cellpadding=4 style='border-collapse:collapse'>" + "".join(rows) + "</table>")
"""),
        md(r"""
        Down the ZrNCl-like family $\bar T_c$ and $\sigma$ barely move while $w_2$ rises and a plateau opens:
        the *support* of superconductivity is lost. Down the MoS$_2$-like family the geometry stays percolating
        while $\bar T_c$ falls by several kelvin: the *local pairing* is weakened. The same reading applied to
        the real data gives the paper's Fig. 1(b)–(e), (g)–(j), (l)–(o).

        A caveat that matters when you read your own fits: in a percolating sample $w$ trades off against
        $\bar T_c$ and $\sigma$ (more puddle weight moves the transition up, like a higher $\bar T_c$), so its
        stderr is large. Read the stderr before the value.

        ## 4.4 Ensemble check: how much would another sample differ?

        A fit averages a few networks. Re-simulate the best-fit parameters with **fresh** seeds (not used by
        the fit) and compare with the data: the band is mean ± one standard deviation of single $50\times50$
        networks, i.e. the sample-to-sample scatter at this size; the mean should follow the data.
        """),
        code("""
p = {k: v.value for k, v in result.params.items()}
params = ModelParams(n=FIT["n"], w=p["w"], w2=p["w2"], tc_mean=p["tc_mean"], sigma=p["sigma"])
T = np.linspace(data.T.min(), data.T.max(), 80)
ens = ensemble_rt(params, T, seeds=realization_seeds(2024, 6))
ens_plot = tg.Plot("T (K)", "R / R_N", y=(0, 1.1), title="best fit, 6 fresh realizations")
ens_plot.band("spread", T, ens.mean - ens.std, ens.mean + ens.std, color="#c51b7d")
ens_plot.line("mean", T, ens.mean, color="#c51b7d", label="ensemble mean ± 1 std of one network")
ens_plot.points("data", data.T, data.R / p["r_n"], color="#08306b", size=16, label="data / R_N")
print(ens)
ens_plot.widget
"""),
        md(r"""
        ## 4.5 Your turn: the dashboard's fit panel

        Upload a file (or choose an example), set the temperature range and press **Fit**. The panel uses the
        same `fit_rt`; start with $N = 50$ and 3 realizations, then raise both once the fit looks right. The
        result can be downloaded as CSV or JSON.
        """),
        code("""
from puddles.app.fit_panel import FitPanel

panel = FitPanel()
panel.n.value, panel.realizations.value = FIT["n"], FIT["realizations"]
panel.load_example("tise2_like_tc_1.8")
W.VBox([tg.css(), panel.widget])
"""),
        md(r"""
        ## Exercises

        **1. What does a fit recover?** Fit `zrncl_like_w2_0.10` with `FIT` and compare every parameter with the
        true value in the metadata, in units of its stderr. Which are recovered? Repeat with `n=100`. Why can a
        $50\times50$ fit be off by more than its stderr?
        """),
        md(solution(r"""
        ```python
        d = load_example("zrncl_like_w2_0.10")
        true = dict(tc_mean=float(d.metadata["tc_mean_K"]), sigma=float(d.metadata["sigma_K"]),
                    w=float(d.metadata["w"]), w2=float(d.metadata["w2"]))
        for n in (50, 100):
            r = fit_rt(d, **{**FIT, "n": n})
            for k, v in true.items():
                p = r.params[k]
                print(n, k, f"fit {p.value:.3f} ± {p.stderr:.3f}, true {v}, off by {(p.value - v) / p.stderr:+.1f} stderr")
        ```

        Typically $\bar T_c$ and $\sigma$ land within a few tenths of a kelvin of the truth and $w_2$ within
        about its stderr, while $w$ stays near the fit's starting value 0.45 instead of the true 0.40. Deviations
        of several stderr are normal here, for two reasons the stderr does not cover:

        * *finite size*: the data were made with $N = 100$ networks, and $w$, $w_2$ are not size-independent
          numbers — on a smaller lattice one puddle and one broken link weigh more, so the same curve is best
          described by somewhat different parameters;
        * *flat directions*: $w$ trades off against $\bar T_c$ and $\sigma$, and a local optimiser started at
          $w = 0.45$ stops somewhere along that valley. Refit with another `start={"w": ...}` to see it.

        Use the $N$ your conclusions need, check that the parameters are stable when $N$ and `realizations`
        grow, and quote the stderr as a lower bound on the uncertainty.
        """)),
        md(r"""
        **2. Metallic normal state.** The TiSe$_2$-like examples have a normal-state resistance that rises with
        $T$. Fit `tise2_like_tc_1.8` with `normal_state="constant"` and `"linear"`. Compare the reduced $\chi^2$,
        the residuals and $\bar T_c$.
        """),
        md(solution(r"""
        ```python
        d = load_example("tise2_like_tc_1.8")
        for ns in ("constant", "linear"):
            r = fit_rt(d, **FIT, normal_state=ns)
            print(ns, f"redchi = {r.redchi:.3g}", f"Tc_mean = {r.params['tc_mean'].value:.3f}",
                  f"alpha = {r.params['alpha'].value:.4f}" if "alpha" in r.params else "")
        ```

        With a constant $R_N$ the model cannot follow the sloping normal state: the residuals show a systematic
        trend above the transition and the reduced $\chi^2$ is about three times larger. The linear normal state
        $R_N(T) = r_n[1 + \alpha(T - \bar T_c)]$ finds $\alpha \approx 0.025$ /K (true: 0.02 /K) and a
        reduced $\chi^2$ within a factor of two of 1 (it is measured against the noise, estimated from the data
        when you give no `r_err`); $\bar T_c$
        moves by a few hundredths of a kelvin. Always model the normal state before interpreting the transition.
        """)),
        md(r"""
        **3. Holding a parameter.** For `mos2_like_tc_6.0` fit once freely and once with `fix={"w2": 0.0}`.
        How do $\chi^2$ and the stderr of $w$ change? When is fixing a parameter legitimate?
        """),
        md(solution(r"""
        ```python
        d = load_example("mos2_like_tc_6.0")
        for fix in (None, {"w2": 0.0}):
            r = fit_rt(d, **FIT, fix=fix)
            print(fix, f"redchi = {r.redchi:.3g}", r.params["w"], r.params["w2"])
        ```

        The curve has no plateau, so it barely constrains $w_2$ (its stderr is as large as its value; the true
        value, 0.02, hardly changes a percolating curve), and fixing it leaves $\chi^2$ essentially unchanged.
        It does not make $w$ better determined: $w$ is degenerate with $\bar T_c$ and $\sigma$, not with $w_2$,
        and with 3 realizations the bootstrap (disorder) part of its stderr is itself noisy, so the stderr of $w$ may even
        grow. Fixing is legitimate when the data cannot tell the value apart *and* you say so; the fixed value is
        an assumption, not a result.
        """)),
        md(r"""
        ---
        **Back to:** [Part 1](01_percolation.ipynb) · [Part 2](02_puddles_and_filaments.ipynb) ·
        [Part 3](03_negative_compressibility.ipynb). The interactive dashboard of the project shows all of this on one
        screen.
        """),
    ])


# =====================================================================================
# 05  Weak links and superfluid stiffness
# =====================================================================================


def nb05():
    return notebook([
        md(r"""
        # 5. Weak links and superfluid stiffness

        *Part 5 of the* puddles *course. The paper ends by proposing two experiments that would test the
        inhomogeneous scenario; this notebook does them on the model. Run all cells, then play.*

        ## Learning goals

        After this notebook you can

        1. write the temperature dependence of one superconducting bond's critical current and stiffness
           (BCS gap, Ambegaokar–Baratoff) and say why both carry the same factor $f(T/T_{c,i})$;
        2. compute the critical current of a network as a **maximum flow**, and read its **minimum cut** as the
           set of weakest links;
        3. compute the superfluid stiffness as the "conductance" of the superconducting bonds, and check it
           against the uniform lattice, $J_{\rm eff} = J\,N/(N-1)$;
        4. tell a filamentary, loosely connected cluster from a bulky one by its stiffness and by the number of
           bonds that limit its critical current, and state the assumptions behind both numbers.
        """),
        code(SETUP + """
from puddles import Network, lattice
from puddles.bcs import gap, supercurrent_factor
from puddles.app.cluster_map import ClusterMap, render_weakest_links
from puddles.app.superfluid_panel import SuperfluidPanel

N, SEED, TC, SIGMA = 50, 1, 10.0, 2.0      # small lattice: every widget answers in well under a second
T = np.linspace(0, 25, 101)
"""),
        md(r"""
        ## 5.1 One bond: gap, critical current, stiffness

        A superconducting bond with local critical temperature $T_{c,i}$ has the BCS gap, here in its standard
        interpolation,

        $$\delta(t) = \frac{\Delta(T)}{\Delta(0)} = \tanh\!\Big(1.74\sqrt{1/t - 1}\Big), \qquad t = T/T_{c,i},
        \qquad \Delta(0) = 1.764\,k_B T_{c,i}.$$

        Its critical current follows Ambegaokar–Baratoff, $I_{c,i} R_N = \frac{\pi\Delta}{2e}\tanh\frac{\Delta}{2k_BT}$,
        and its stiffness (inverse kinetic inductance) in the dirty limit is
        $J_i \propto \frac{\Delta}{R_N}\tanh\frac{\Delta}{2k_BT}$. Both carry the same factor

        $$f(t) = \delta(t)\,\tanh\big(0.882\,\delta(t)/t\big), \qquad f(0) = 1,\quad f(t\ge 1) = 0,$$

        and since every bond has the same normal resistance, both scale with $\Delta(0)\propto T_{c,i}$:
        $I_{c,i}/I_{c0} = J_i/J_0 = (T_{c,i}/\bar T_c)\, f(T/T_{c,i})$. **Claim:** near $T_{c,i}$ the factor vanishes
        *linearly*, $f \approx 2.67\,(1-t)$, while the gap vanishes like a square root. Move the cursor:
        """),
        code("""
bond_plot = tg.Plot("t = T / Tc", "", x=(0, 1.1), y=(0, 1.05), title="one bond", legend="top-right")
t = np.linspace(0, 1.1, 221)
bond_plot.line("gap", t, gap(t), color=tg.COLORS[0], label="Δ(T)/Δ(0)")
bond_plot.line("f", t, supercurrent_factor(t), color=tg.COLORS[1], label="f(t) = Ic/Ic(0) = J/J(0)")
bond_plot.line("lin", t[t > 0.7], 2.67 * (1 - t[t > 0.7]), color="#7f7f7f", style="dashed", label="2.67 (1 − t)")

def one_bond(t_cursor):
    bond_plot.vline("cursor", t_cursor)
    return f"t = {t_cursor:.2f}: Δ/Δ(0) = {gap(t_cursor):.3f}, f = {supercurrent_factor(t_cursor):.3f}"

tg.Panel(dict(t_cursor=W.FloatSlider(value=0.9, min=0.0, max=1.05, step=0.01, description="T/Tc")),
         one_bond, [bond_plot])
"""),
        md(r"""
        ## 5.2 The network's critical current is a maximum flow

        In the zero-voltage state the supercurrent may split among all superconducting paths in any way that
        keeps every bond below its own $I_{c,i}(T)$. The largest lead-to-lead current with that property is the
        **maximum flow** of the superconducting bonds with capacities $I_{c,i}(T)$. By the max-flow/min-cut
        theorem it equals the smallest total capacity of a set of bonds that cuts the leads apart: that
        **minimum cut is the set of weakest links**. It is an upper bound for a real Josephson network, where
        phase constraints around loops can lower the critical current.

        **Claim:** just below the percolation temperature $T_p$ the critical current of this network is carried
        through one or a few bonds — the weakest links between puddles — as the paper's Discussion predicts.
        Move $T$ towards $T_p$ and watch the yellow marks (the minimum cut) on the map and their number in the
        readouts; the panel is the one the dashboard shows.
        """),
        code("""
sf_panel = SuperfluidPanel(T, width=460, height=280)
links_map = ClusterMap()

def weak_links(w, T_cursor):
    net = Network.generate(N, w=0.3, w2=0.0, seed=SEED)
    net = net.with_params(w=max(w, net.w_skeleton))
    sf_panel.set_cursor(T_cursor)
    sf_panel.update(net, TC, SIGMA)
    st = net.bond_states(T_cursor, TC, SIGMA)
    cut = sf_panel.weakest_links()
    links_map.show(render_weakest_links(N, st.kind, st.superconducting, st.spanning, cut),
                   title=f"weakest links at T = {T_cursor:.2f} K", mode="weakest links")
    return f"Tp = {net.percolation_temperature(TC, SIGMA):.2f} K; {cut.size} bonds limit Ic at the cursor"

tg.Panel(dict(w=W.FloatSlider(value=0.35, min=0.25, max=0.85, step=0.05, description="w", continuous_update=False),
              T_cursor=W.FloatSlider(value=5.0, min=0.0, max=12.0, step=0.1, description="T (K)",
                                     continuous_update=False)),
         weak_links, [tg.css(), sf_panel.widget, links_map.widget])
"""),
        md(r"""
        ## 5.3 The superfluid stiffness is a conductance

        In linear response a bond carries the supercurrent $I = J_i\,(\hbar/2e)\,\Delta\varphi$: Ohm's law with the
        phase in place of the potential and $J_i$ in place of the conductance. So the stiffness of the network
        is the effective conductance between the leads of the superconducting bonds, with the normal bonds
        **open**; the engine solves it exactly with the same solver as $R(T)$. For the uniform lattice
        $J_{\rm eff} = J\,N/(N-1)$, the counterpart of $R_N = R_0 (N-1)/N$; the engine reports $\rho_s$ in units of
        that value (1 = as stiff as a homogeneous film with the same normal resistance).

        **Claim:** $\rho_s$ and $I_c$ vanish *exactly* at $T_p$, where $R$ first reaches zero — below $T_p$ the
        film is a superconductor, above it there is no superfluid response at all.
        """),
        code("""
rs_plot = tg.Plot("T (K)", "", x=(0, 14), y=(0, 1.05), title="R/R_N, Ic/Ic(0), ρs/ρs(0)", legend="top-right")

def r_and_rho(w2):
    net = Network.generate(N, w=0.45, w2=w2, seed=SEED)
    ic, rho = net.critical_current_curve(T, TC, SIGMA), net.stiffness_curve(T, TC, SIGMA)
    rs_plot.line("R", T, net.rt_curve(T, TC, SIGMA), color=tg.COLORS[0], label="R/R_N")
    rs_plot.line("ic", T, ic / ic[0] if ic[0] > 0 else ic, color=tg.COLORS[1], label="Ic/Ic(0)")
    rs_plot.line("rho", T, rho / rho[0] if rho[0] > 0 else rho, color=tg.COLORS[2], label="ρs/ρs(0)")
    tp = net.percolation_temperature(TC, SIGMA)
    if np.isfinite(tp):
        rs_plot.vline("tp", tp, label="Tp")
    elif "tp" in rs_plot.names():
        rs_plot.remove("tp")
    return f"Tp = {tp:.2f} K, ρs(0) = {rho[0]:.3f} of a uniform film, Ic(0) = {ic[0]:.2f} Ic0"

tg.Panel(dict(w2=W.FloatSlider(value=0.0, min=0.0, max=0.5, step=0.05, description="w2", continuous_update=False)),
         r_and_rho, [rs_plot])
"""),
        md(r"""
        ## 5.4 Filamentary versus bulky clusters

        The paper's second proposal: radio-frequency measurements of the superfluid density found a *loosely
        connected, filamentary* regime at LaAlO$_3$/SrTiO$_3$ interfaces. In the model, a cluster close to the bare
        skeleton ($w \approx w_{\rm skel}$) is filamentary; a large $w$ gives a bulky cluster.

        **Claim:** the filamentary cluster has a stiffness of a few percent of a uniform film's (the bulky one a
        large fraction), and its critical current near $T_p$ is limited by a handful of bonds (the bulky one's by
        tens). Change the realization; the statement holds for every seed (the project's tests check five).
        """),
        code("""
scen_plot = tg.Plot("T (K)", "ρs (uniform film at T = 0 = 1)", x=(0, 12), y=(0, 0.7), title="stiffness",
                    legend="top-right")

def scenarios(seed):
    base = Network.generate(N, w=0.3, w2=0.0, seed=seed)
    rows = []
    for j, (name, w) in enumerate([("filamentary", base.w_skeleton), ("intermediate", 0.5), ("bulky", 0.8)]):
        net = base.with_params(w=w)
        tp = net.percolation_temperature(TC, SIGMA)
        scen_plot.line(name, T, net.stiffness_curve(T, TC, SIGMA), color=tg.COLORS[j], label=f"{name}, w = {w:.2f}")
        rows.append(f"{name}: {net.weakest_links(0.9 * tp, TC, SIGMA).cut.size} weakest links at 0.9 Tp")
    return "; ".join(rows)

tg.Panel(dict(seed=W.Dropdown(options=[1, 2, 3, 4], value=1, description="seed")), scenarios, [scen_plot])
"""),
        md(r"""
        Normalised to its own $T = 0$ value, the filamentary $\rho_s(T)$ does not drop earlier than the bulky one:
        its $T_p$ lies far below $\bar T_c$, where every bond still has almost its full BCS stiffness, so its drop
        at $T_p$ is pure geometry. What marks it is the small *absolute* stiffness, i.e. compared with what the
        normal-state resistance would predict for a homogeneous film — the comparison a radio-frequency
        experiment makes.

        ## Exercises

        **1. A single chain.** Make every bond of row 3 of a $7\times 7$ lattice superconducting with random
        weights and nothing else. Check $I_c = \min_i I_{c,i}$ and $1/J = \sum_i 1/J_i$ with
        `puddles.critical_current.lattice_max_flow` and `puddles.stiffness.lattice_stiffness(..., relative=False)`.
        """),
        md(solution(r"""
        ```python
        from puddles.critical_current import lattice_max_flow
        from puddles.stiffness import lattice_stiffness
        n = 7
        rng = np.random.default_rng(0)
        J = rng.uniform(0.2, 2.0, n - 1)
        weights = np.zeros(lattice.n_bonds(n))
        weights[lattice.bond_index(n, [3] * (n - 1), range(n - 1), True)] = J
        flow = lattice_max_flow(n, weights)
        print(flow.value, J.min(), "bound", flow.error_bound)
        print(lattice_stiffness(n, weights, relative=False), 1 / np.sum(1 / J))
        ```

        The current has one path, so the weakest bond limits it (the minimum cut is that one bond); the
        stiffnesses add like resistors in series because the phase drops add up along the chain.
        """)),
        md(r"""
        **2. One junction near $T_p$.** For `Network.generate(50, w=0.35, w2=0.0, seed=1)` at $\bar T_c = 10$ K,
        $\sigma = 2$ K, compare the network's $I_c(T)$ just below $T_p$ with the Ambegaokar–Baratoff curve of its
        weakest link (the single bond of the minimum cut). Why do they agree there and not at low $T$?
        """),
        md(solution(r"""
        ```python
        from puddles.bcs import bond_weights
        net = Network.generate(50, w=0.35, w2=0.0, seed=1)
        tp = net.percolation_temperature(TC, SIGMA)
        near = net.weakest_links(0.99 * tp, TC, SIGMA)
        tc_link = net.cluster.tc(TC, SIGMA)[near.cut]
        for Ti in [0.99 * tp, 0.95 * tp, 0.8 * tp, 0.3 * tp]:
            one = bond_weights(tc_link, Ti, TC).sum()
            print(f"T = {Ti:.2f} K: network Ic = {net.critical_current(Ti, TC, SIGMA):.4f}, junction(s) = {one:.4f}")
        ```

        Near $T_p$ the bond(s) that closed the last path have $T_{c,i} \approx T_p$, so their $I_c$ is tiny while
        every other bond is far below its own $T_c$: the minimum cut is the weakest link alone and
        $I_c(T) = I_{c,i}(T)$, one junction's curve. At low $T$ that bond is as strong as the others and the
        minimum cut moves elsewhere (and grows), so the network's $I_c$ exceeds the single junction's.
        """)),
        md(r"""
        **3. Ensemble bands.** With `puddles.ensemble.ensemble_superfluid`, average $\rho_s(T)$ over 4 realizations
        at $N = 30$, $w = 0.45$ (use a `ThreadPoolExecutor(2)` as the executor) and plot the mean with a
        $\pm$ one-standard-deviation band. Where is the spread largest, and why?
        """),
        md(solution(r"""
        ```python
        from concurrent.futures import ThreadPoolExecutor
        from puddles import ModelParams
        from puddles.ensemble import ensemble_superfluid, realization_seeds
        params = ModelParams(n=30, w=0.45, w2=0.0, tc_mean=TC, sigma=SIGMA)
        Tg = np.linspace(0, 12, 49)
        with ThreadPoolExecutor(2) as ex:
            ens = ensemble_superfluid(params, Tg, realization_seeds(7, 4), executor=ex)["rho_s"]
        band = tg.Plot("T (K)", "ρs", x=(0, 12), title="ensemble of 4")
        band.band("sd", Tg, ens.mean - ens.std, ens.mean + ens.std)
        band.line("mean", Tg, ens.mean, label="mean")
        band.widget
        ```

        The spread is largest between the lowest and the highest $T_p$ of the realizations: there some samples
        already superconduct and others do not at all, so the sample-to-sample fluctuation is of the order of the
        mean itself (a finite sample close to its percolation threshold).
        """)),
        md(r"""
        ---
        **Back to:** [Part 1](01_percolation.ipynb) · [Part 2](02_puddles_and_filaments.ipynb) ·
        [Part 3](03_negative_compressibility.ipynb) · [Part 4](04_fit_your_data.ipynb). The physics and every
        modelling choice of this part: `docs/critical_current_and_stiffness.md`.
        """),
    ])


NOTEBOOKS = {
    "01_percolation.ipynb": nb01,
    "02_puddles_and_filaments.ipynb": nb02,
    "03_negative_compressibility.ipynb": nb03,
    "04_fit_your_data.ipynb": nb04,
    "05_weak_links_and_stiffness.ipynb": nb05,
}


def build(name: str) -> nbformat.NotebookNode:
    nb = NOTEBOOKS[name]()
    nbformat.validate(nb)
    return nb


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only check that the stored notebooks are up to date")
    ap.add_argument("--out", type=Path, default=OUT, help="output directory (default: notebooks/)")
    args = ap.parse_args(argv)
    stale = []
    for name in NOTEBOOKS:
        text = nbformat.writes(build(name)) + "\n"
        path = args.out / name
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print("wrote", path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    if stale:
        print("out of date (run scripts/make_notebooks.py):", ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
