# ---
# jupyter:
#   description: DLA filaments, superpuddles, broken filaments and a Gaussian local
#     Tc, up to R(T) and its cluster and current maps.
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
# # 2. Superconducting puddles and filaments: the model step by step
#
# *Part 2 of 5 of the* puddles *course. Every figure is live: move the sliders while you read.*
#
# ## Learning goals
#
# After this notebook you can
#
# 1. follow the construction of the correlated superconducting cluster: a directed-DLA filamentary
#    skeleton, superpuddles added up to the weight $w$, filaments broken with probability $w_2$, and a
#    Gaussian local $T_c$;
# 2. predict how each of the four parameters $(\bar T_c, \sigma, w, w_2)$ changes $R(T)$ — the logic of
#    the paper's Fig. 4;
# 3. explain the low-temperature metallic plateau as non-percolating superconducting puddles embedded in
#    a metallic matrix;
# 4. use common random numbers: for one network, $R(T) = R_N\,F\big((T-\bar T_c)/\sigma\big)$ with a
#    single universal curve $F$.

# %%
import numpy as np
import ipywidgets as W
from puddles.app import teaching as tg

from functools import lru_cache
from puddles import Network, lattice
from puddles.skeleton import skeleton_mask
from puddles.percolation import leads_joined

N, SEED = 50, 1            # small lattice: every widget answers in about a second
T = np.linspace(0, 25, 201)

# %% [markdown]
# ## 2.1 The filamentary skeleton: directed diffusion-limited aggregation
#
# The thin, weakly connected backbone of the superconducting cluster is grown by a *directed* DLA on a
# larger $M\times M$ lattice. Particles are released one at a time from a random row of the left column.
# Each step is one bond to the right followed by one bond up or down (probability 1/2 each). A particle
# stops as soon as the node it has reached touches an occupied bond, or lies on the top, bottom or right
# edge; the bond it crossed last becomes occupied. A particle that starts next to an occupied bond adds
# nothing.
#
# The result is a forest of trees rooted at the left edge that branch as they grow to the right. The
# left edge soon saturates, so the sample is cut from the middle: an $N\times N$ window of an
# $M = \lceil 2.5N\rceil$ lattice grown with $P = 0.8\,M^2$ particles (the paper: $M = 250$, $P = 50\,000$,
# $N = 100$). Play the growth below: each frame is the same aggregate after more particles have been
# released (`skeleton.dla_arrival` records which particle occupied each bond). Watch the left edge
# saturate and the number of occupied bonds per particle fall below one.

# %%
tg.DLAGrowth(m=60, seed=0)

# %% [markdown]
# The sample's skeleton is the part of the aggregate inside the window. It covers a fraction
# $w_{\rm skel}$ of all bonds (about 0.2–0.3) and, for the default settings, it connects the two leads:

# %%
skel = skeleton_mask(N, seed=SEED)
print(f"N = {N}: skeleton bonds = {skel.sum()}, w_skel = {skel.mean():.3f}, "
      f"connects the leads: {leads_joined(N, skel)}")

# %% [markdown]
# ## 2.2 Superpuddles up to the weight $w$, broken filaments $w_2$
#
# Filaments alone would give a transition that is all tail. Bulky regions are added as
# **superpuddles**: a puddle is centred on a randomly chosen skeleton bond and contains every bond whose
# midpoint lies within $D/2$ of the centre bond's midpoint (a disc of diameter $D$, 10 bonds by default).
# Puddles are added one at a time until the fraction of bonds in the skeleton or in a puddle reaches
# the **superconducting weight** $w$; hence $w \ge w_{\rm skel}$. All bonds of a puddle share one local
# $T_c$. Finally, every skeleton bond that no puddle covers is **broken** — metallic at all temperatures —
# with probability $w_2$. Broken bonds cut the filaments that link the puddles.

# %%
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

# %% [markdown]
# ## 2.3 Local critical temperatures and $R(T)$
#
# Each filament bond and each puddle gets its own critical temperature from the Gaussian (the paper's
# Eq. 1)
#
# $$P(T_c) = \frac{1}{\sqrt{2\pi}\,\sigma}\,\exp\!\left[-\frac{(T_c-\bar T_c)^2}{2\sigma^2}\right],$$
#
# and a bond is superconducting at $T$ when $T < T_c$ (a draw $T_c \le 0$ never superconducts). Matrix
# bonds and broken filaments stay at $R_0$.
#
# **Common random numbers.** One seed fixes every random draw: $T_{c,i} = \bar T_c + \sigma z_i$ with a
# fixed standard normal $z_i$ per filament bond and per puddle. Bond $i$ superconducts iff
# $z_i > x \equiv (T - \bar T_c)/\sigma$, so for a given network
#
# $$R(T) = R_N\,F\!\left(\frac{T-\bar T_c}{\sigma}\right)$$
#
# with one universal curve $F$: $\bar T_c$ only shifts $R(T)$ and $\sigma$ only stretches it, at no extra
# cost. Changing $w$ or $w_2$ keeps the skeleton, the puddle sequence and the $z_i$, so the curve moves
# smoothly instead of being re-rolled.
#
# The explorer shows $R(T)$ of one network and, on the right, the bonds at the temperature of the cursor
# (the bond map of the dashboard). The percolation temperature $T_p$ is the highest $T$ at which a
# superconducting path joins the leads.

# %%
tg.RTExplorer(N, seed=SEED, w=0.45, w2=0.1, tc_mean=10.0, sigma=1.5)

# %% [markdown]
# ## 2.4 The logic of the paper's Fig. 4, side by side
#
# Each panel varies one thing and keeps the rest. Use its slider to check the statement in its title
# for other values.
#
# * **$w_2$ kills percolation at fixed $w$.** Breaking filaments removes the weak links first: the
#   high-temperature part barely moves, the tail grows, and beyond a threshold the resistance saturates.
# * **$w$ shapes the high-$T$ side.** More puddle weight means that a larger share of the resistance
#   is lost already around and above $\bar T_c$, as whole puddles switch: the upper part of the transition
#   moves up and carries more of the drop, $T_p$ rises and the tail shortens. (In the paper's terms, $w$
#   controls how marked and gradual the decrease is on the high-temperature side.)
# * **$\bar T_c$ shifts, $\sigma$ widens.** The same curve, moved and stretched.

# %%
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

# %% [markdown]
# ## 2.5 The low-temperature metallic plateau
#
# Well below $\bar T_c$ essentially every bond that can superconduct does. If those bonds do not form a
# path from lead to lead, the current still has to cross the metallic matrix between superconducting
# clusters, and the resistance stops changing: a plateau $R(0^+) > 0$. In this picture the debated
# low-temperature "quantum metal" is simply a clean metal with embedded, non-percolating
# superconducting puddles. Each superconducting cluster is an equipotential island that shortens the
# current path; how much resistance is left depends on how close to percolation the cluster is.
#
# Left: the plateau against $w_2$ for three values of $w$ — denser puddles need more broken filaments
# before the plateau opens. Right: where the current flows at $T \to 0$ in a non-percolating sample
# (current map of the dashboard: $|I|$ on the normal bonds, on a log scale).

# %%
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

# %% [markdown]
# The two ways superconductivity disappears in the paper's fits follow from this. In ZrNCl the local
# $T_c$ stays high while $w_2$ grows as the gate voltage is lowered: a *geometry-driven* loss with a
# plateau. In MoS$_2$ and TiSe$_2$ the geometry survives but $\bar T_c$ drops (competing charge-density
# wave): a *$T_c$-driven* loss, where $R(T)$ keeps falling down to the lowest temperature. Part 4 reads
# these signatures off fitted data.
#
# ## Exercises
#
# **1. The universal curve.** For `base.with_params(w=0.45, w2=0.1)`, plot $R/R_N$ against
# $x = (T - \bar T_c)/\sigma$ for $(\bar T_c, \sigma) = (8, 1), (10, 1.5), (12, 3)$ K and check that the three
# curves coincide. Why is this exact here, and what would break it in a real material?

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# net = base.with_params(w=0.45, w2=0.1)
# check = tg.Plot("x = (T - Tc)/σ", "R / R_N", x=(-4, 4), y=(0, 1.02))
# for j, (tc, s) in enumerate([(8, 1), (10, 1.5), (12, 3)]):
#     Tj = tc + s * np.linspace(-4, 4, 161)
#     Tj = Tj[Tj >= 0]
#     check.line(str(j), (Tj - tc) / s, net.rt_curve(Tj, tc, s), color=tg.COLORS[j], label=f"{tc}, {s}")
# check.line("F", np.linspace(-4, 4, 161), net.universal_curve(np.linspace(-4, 4, 161)),
#            color="black", style="dashed", label="F(x)")
# check.figure
# ```
#
# The curves coincide because each bond's state depends only on $z_i > x$: the set of
# superconducting bonds, hence the resistance, is a function of $x$ alone. (The $T\ge0$ cut only
# truncates the curves on the left.) In a real material the normal-state resistance depends on $T$, the
# local transitions have a width, and $\sigma$ need not be the same for filaments and puddles — each of
# these breaks the collapse.
#
# </details>

# %% [markdown]
# **2. Why $T_p < \bar T_c$.** With $w_2 = 0$, compute $T_p$ for $w = 0.3, 0.45, 0.6, 0.8$
# ($\bar T_c = 10$ K, $\sigma = 1.5$ K). Explain the trend with Exercise 3 of Part 1.

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# for w in (0.3, 0.45, 0.6, 0.8):
#     print(w, base.with_params(w=w, w2=0.0).percolation_temperature(10.0, 1.5))
# ```
#
# $T_p$ rises from about 6.4 K at $w = 0.3$ to about 9.2 K at $w = 0.8$, always below
# $\bar T_c = 10$ K (by 2.5 to 0.5 $\sigma$). A path made mostly of filament bonds superconducts only when
# its *weakest* bond does, i.e. at roughly the minimum of many Gaussian $T_c$'s, several $\sigma$ below
# $\bar T_c$. Puddles replace long stretches of filament by a single $T_c$ each, so the best path needs
# fewer independent bonds and its weakest link is less extreme.
#
# </details>

# %% [markdown]
# **3. Sample-to-sample fluctuations.** For $N = 50$ and $w = 0.4$, find for seeds 1–5 the smallest
# $w_2$ (on a grid of step 0.02) at which the network no longer percolates (`net.percolates` is False).
# How large is the spread, and what do you expect for $N = 100$?

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# grid = np.arange(0, 1.0001, 0.02)
# for seed in range(1, 6):
#     net = Network.generate(N, w=0.4, w2=0.0, seed=seed)
#     w2c = next((w2 for w2 in grid if not net.with_params(w2=w2).percolates), None)
#     print(seed, w2c)
# ```
#
# The critical $w_2$ ranges from about 0.10 to 0.18 over these five seeds: percolation in a small sample
# is decided by a handful of weak links. As for the threshold of Part 1, the spread should shrink as $N$
# grows (check with $N = 100$) — but real devices are not infinite either, which is one reason why
# nominally similar samples can end up superconducting or metallic.
#
# </details>

# %% [markdown]
# ---
# **Next:** [Part 3 — negative compressibility](03_negative_compressibility.ipynb): where the inhomogeneity
# may come from.
