# ---
# jupyter:
#   description: The percolation threshold p_c = 1/2, effective-medium theory against
#     the exact answer, finite-size effects.
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

# %% [markdown]
# # 1. Random resistor networks and percolation
#
# *Part 1 of 5 of the* puddles *course on superconducting puddles in ionic-liquid gated 2D
# superconductors (after Dezi, Scopigno, Caprara and Grilli, Phys. Rev. B). Every figure is live
# once the notebook has run (in Jupyter: run all cells), so move the sliders while you read.*
#
# ## Learning goals
#
# After this notebook you can
#
# 1. build a random resistor network (RRN) of normal ($R_0$) and superconducting ($R = 0$) bonds
#    and compute its resistance exactly;
# 2. explain why uncorrelated superconducting bonds on the square lattice connect the two leads at
#    the bond-percolation threshold $p_c = 1/2$;
# 3. derive the effective-medium result $R/R_N = 1 - 2p$ and say where it fails;
# 4. recognise finite-size effects (a smeared threshold, sample-to-sample scatter) for $N = 25 \dots 200$;
# 5. argue why the broad, tailish transitions seen in gated 2D superconductors need *spatially correlated*
#    superconducting regions — the subject of Part 2.

# %%
import numpy as np
import ipywidgets as W
from puddles.app import teaching as tg

from puddles import lattice, effective_resistance
from puddles.percolation import percolation_index, spanning_bonds

# %% [markdown]
# ## 1.1 The network
#
# Take an $N\times N$ square lattice of nodes. Every nearest-neighbour bond is a resistor, so there
# are $2N(N-1)$ of them. All nodes of the left column are held at potential $V$, all nodes of the right
# column at $0$; the top and bottom edges are open. With every bond equal to $R_0$ the current flows
# straight across: $N-1$ columns of $N$ parallel horizontal bonds in series, so the normal-state
# resistance is
#
# $$R_N = R_0\,\frac{N-1}{N}.$$
#
# A superconducting bond has $R = 0$ exactly. The engine does not replace it by a tiny resistor:
# it merges the two end nodes into one super-node and solves Kirchhoff's laws for the normal bonds
# that remain. If one super-node touches both leads, $R = 0$.

# %%
n = 20
r_bonds = np.ones(lattice.n_bonds(n))          # every bond normal, R0 = 1
print("bonds:", lattice.n_bonds(n))
print(f"R/R0 = {effective_resistance(n, r_bonds):.6f}    (N-1)/N = {(n - 1) / n:.6f}")


# %% [markdown]
# ### Uncorrelated superconducting bonds
#
# Now let each bond be superconducting with probability $p$, independently of all others. To make
# curves smooth we use *common random numbers*: one uniform number $u_i\in[0,1)$ per bond and per seed,
# and bond $i$ superconducts when $u_i < p$. Raising $p$ then only *adds* superconducting bonds to
# the same sample, and by Rayleigh's monotonicity theorem (shorting a resistor never raises the
# resistance of a network) $R$ can only go down.
#
# The purple bonds below form the superconducting cluster that joins the leads, when there is one.
# Find the $p$ at which it first appears for a few seeds.

# %%
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

# %% [markdown]
# ## 1.2 Effective-medium theory against the exact answer
#
# Effective-medium theory (EMT) replaces the random network by a uniform one with bond conductance
# $g_m$, chosen so that putting one *real* bond (conductance $g$) back into the uniform medium produces,
# on average, no extra voltage. On a lattice of coordination number $z$ the condition reads
#
# $$\left\langle \frac{g_m - g}{g + (z/2 - 1)\,g_m} \right\rangle = 0 .$$
#
# For the square lattice $z = 4$. With $g = g_N = 1/R_0$ (probability $1-p$) and $g\to\infty$
# (probability $p$), the superconducting term tends to $-p$ and
#
# $$(1-p)\,\frac{g_m - g_N}{g_N + g_m} = p \quad\Longrightarrow\quad g_m = \frac{g_N}{1-2p},
# \qquad \frac{R}{R_N} = 1 - 2p \quad (p < 1/2),$$
#
# and $R = 0$ above $p = 1/2$. EMT puts the threshold at $2/z = 1/2$, which happens to be exact for bond
# percolation on the square lattice: the lattice is self-dual, and a superconducting path from left
# to right exists exactly when no path of *normal* bonds on the dual lattice cuts it from top to bottom.
#
# The plot compares EMT with the exact resistance of several samples (thin lines), their mean and
# their spread (band: mean ± one standard deviation).

# %%
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


# %% [markdown]
# EMT is reasonable far from the threshold but it is a mean-field theory: near $p_c$ the exact resistance
# vanishes as $R \propto (p_c - p)^{s}$ with $s \approx 1.3$ in two dimensions, not linearly. The
# samples also scatter most near $p_c$, where the answer depends on a few critical bonds.
#
# ## 1.3 Finite-size effects
#
# In an infinite lattice the probability $\Pi(p)$ that a superconducting path spans the sample jumps
# from 0 to 1 at $p_c$. A finite sample of size $N$ spans at its own threshold $p^*$, which is exact and
# cheap to find: add the bonds in increasing $u_i$ until the leads join
# (`puddles.percolation.percolation_index`); $p^*$ is the $u$ of the bond that closed the path. Over
# many samples, $\Pi(p)$ is the fraction with $p^* \le p$. Its width shrinks as
# $\delta p \sim N^{-1/\nu}$ with the correlation-length exponent $\nu = 4/3$ of 2D percolation.

# %%
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

# %% [markdown]
# The curves cross close to $p = 1/2$ and steepen with $N$. For the laboratory samples of the paper
# (micrometres, puddles of hundreds of nanometres) $N$ is of order 100: a sample-to-sample scatter of a
# few per cent in the threshold is part of the physics, not a numerical nuisance.
#
# ## 1.4 From $p$ to temperature: why broad transitions need correlated clusters
#
# Give every bond that *can* superconduct a local critical temperature drawn from a Gaussian
# (mean $\bar T_c$, standard deviation $\sigma$). At temperature $T$ the bonds with $T_c > T$ are
# superconducting. If a fraction $w$ of all bonds can superconduct and they are scattered at random,
#
# $$p(T) = w\,\Phi\!\left(\frac{\bar T_c - T}{\sigma}\right),\qquad
# \frac{R}{R_N} \overset{\text{EMT}}{=} 1 - 2\,w\,\Phi\!\left(\frac{\bar T_c - T}{\sigma}\right),$$
#
# with $\Phi$ the standard normal distribution function. This uncorrelated model has a rigid shape: for
# $w > 1/2$ the resistance falls almost linearly and vanishes where $p(T) = 1/2$, without a foot; for
# $w < 1/2$ it can never vanish and saturates near $1 - 2w$. Whether the sample ends up superconducting
# is decided by the *amount* of superconducting material alone, and nothing produces the long
# low-temperature tail of the measured $R(T)$ curves.
#
# The paper's remedy (Part 2) is a *correlated* cluster: bulky superconducting puddles that carry most of
# the weight, linked by thin filaments that become superconducting only when every one of their bonds
# does. Compare the two at the same $w$, $\bar T_c$ and $\sigma$ (the puddle network also has $w_2$, the
# fraction of broken filament bonds, explained in Part 2):

# %%
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

# %% [markdown]
# Three differences stand out at the default $w = 0.4$:
#
# * the uncorrelated bonds, fewer than half of all bonds, can never connect the leads and the resistance
#   saturates; the correlated cluster, built on a connected skeleton, reaches $R = 0$ with the same amount
#   of material — *connectivity*, not quantity, decides;
# * its last few per cent of resistance disappear slowly, over several kelvin below the main drop: the
#   tail, set by the weakest bonds of the filaments;
# * its curve has steps: in a $50\times50$ sample a single puddle of diameter 10 is a visible fraction of
#   the sample. Larger samples (the paper uses $N = 100$–$200$) smooth them out.
#
# Set $w_2 = 0.2$: enough filaments are broken that the correlated cluster no longer percolates, and it
# too ends on a plateau. Part 2 builds this cluster step by step.
#
# ## Exercises
#
# **1. EMT at work.** Predict $R/R_N$ at $p = 0.3$ and $p = 0.45$ from EMT. Measure the exact mean over
# 10 samples at $N = 50$ and $N = 100$. Where is EMT reliable, and why does it fail near $p_c$?

# %% [markdown]
# <details><summary>Solution</summary>
#
# EMT gives $1 - 2p = 0.4$ and $0.1$.
#
# ```python
# for n in (50, 100):
#     for p in (0.3, 0.45):
#         R = [resistance_ratio(n, superconducting_bonds(n, p, s)) for s in range(10)]
#         print(n, p, np.mean(R), np.std(R))
# ```
#
# At $p = 0.3$ the exact mean is about 0.37, within 10 % of EMT: far from threshold, fluctuations are
# local and a self-consistent average medium describes them fairly well. At $p = 0.45$ the exact value is
# about 0.07, 30 % below EMT, and it scatters between samples by ±20 %: near $p_c$ the current flows
# through a sparse, fractal backbone, the resistance vanishes as $(p_c - p)^{s}$ with $s\approx 1.3$, and
# no single-bond average can capture those long-range correlations. The larger lattice does not help EMT:
# the discrepancy is physics, not a finite-size effect.
#
# </details>

# %% [markdown]
# **2. Self-duality (Dykhne).** Mix two *finite* conductances $g_1 = 1$ and $g_2 = 10$ at random, 50/50,
# on an $N = 60$ lattice (`effective_resistance` accepts any positive bond resistances). Show that the
# effective conductance per bond is close to $\sqrt{g_1 g_2}$, and that the EMT condition of §1.2 gives the
# same value. How does this connect to $p_c = 1/2$?

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# n = 60
# g = []
# for s in range(5):
#     r = np.where(np.random.default_rng(s).random(lattice.n_bonds(n)) < 0.5, 1.0, 0.1)  # R = 1/g
#     g.append(lattice.normal_resistance(n) / effective_resistance(n, r))   # in units of g_1
# print(np.mean(g), np.sqrt(10))
# ```
#
# The result is about $3.16 = \sqrt{10}$. EMT with $z = 4$: $\tfrac12\frac{g_m-g_1}{g_1+g_m} +
# \tfrac12\frac{g_m-g_2}{g_2+g_m} = 0$ gives $g_m^2 = g_1 g_2$. Dykhne's argument is exact: rotating
# currents and fields by 90° maps a 50/50 mixture onto the mixture of $1/g_1$ and $1/g_2$, which is the
# same random medium, so $g_{\rm eff} = g_1 g_2 / g_{\rm eff}$. Letting $g_2\to\infty$ at $p = 1/2$ is
# the borderline between a finite and a vanishing resistance: the same self-duality fixes $p_c = 1/2$.
#
# </details>

# %% [markdown]
# **3. Why a filament gives a tail.** A one-dimensional chain of $L$ bonds, each with a Gaussian local
# $T_c$, has $R/R_N$ = fraction of normal bonds. At which temperature does it reach zero? Estimate how far
# below $\bar T_c$ that is for $L = 10, 100, 1000$ (in units of $\sigma$), with numpy.

# %% [markdown]
# <details><summary>Solution</summary>
#
# The chain is superconducting only when *all* bonds are, i.e. below $\min_i T_{c,i}$. The expected
# minimum of $L$ standard normals tends to $-\sqrt{2\ln L}$ for large $L$ (slowly: at these $L$ the
# formula still overshoots by half a $\sigma$):
#
# ```python
# rng = np.random.default_rng(0)
# for L in (10, 100, 1000):
#     z_min = np.mean([rng.standard_normal(L).min() for _ in range(2000)])
#     print(L, round(z_min, 2), round(-np.sqrt(2 * np.log(L)), 2))
# ```
#
# giving roughly $-1.5\sigma$, $-2.5\sigma$ and $-3.2\sigma$. Meanwhile most of the chain is already
# superconducting near $\bar T_c$, so $R(T)$ creeps to zero over several $\sigma$: a tail. A thin
# filament between two puddles behaves like such a chain, which is why the correlated cluster of Part 2
# has a tail while uncorrelated bonds do not.
#
# </details>

# %% [markdown]
# ---
# **Next:** [Part 2 — puddles and filaments](02_puddles_and_filaments.ipynb), the paper's model step by step.
