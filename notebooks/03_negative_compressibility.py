# ---
# jupyter:
#   description: "\u03BC(n) from the grand potential, the spinodal and the Maxwell construction,\
#     \ and how the density sets w and R(T)."
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
# # 3. Negative compressibility and electronic phase separation
#
# *Part 3 of 5 of the* puddles *course. Parts 1–2 assumed an inhomogeneous film; here is a mechanism for
# the inhomogeneity, following Sec. III of the paper.*
#
# ## Learning goals
#
# After this notebook you can
#
# 1. derive the chemical potential $\mu(n)$ of the gated film (the paper's Eq. 5) from its $T = 0$ grand
#    potential with the neutrality constraint $n = \nu$;
# 2. show that the inverse compressibility $\kappa^{-1} = \partial\mu/\partial n$ is negative at small
#    density when $W/2 + A - 2\Gamma < 0$, and find the spinodal;
# 3. carry out the Maxwell construction — equal areas on $\mu(n)$, common tangent on $f(n)$ — and tell the
#    binodal from the spinodal;
# 4. reproduce the three parameter sets of the paper's Fig. 6 and convert to laboratory units;
# 5. use the lever rule to turn a gate-controlled mean density into the superconducting weight $w$ of
#    the network, and watch $R(T)$ change.

# %%
import numpy as np
import ipywidgets as W
from puddles.app import teaching as tg

from dataclasses import replace
from functools import lru_cache
from puddles import thermo, Network
from puddles.thermo import ThermoParams

n = np.linspace(0, 0.15, 301)       # electrons per unit cell

# %% [markdown]
# ## 3.1 From the grand potential to Eq. (5)
#
# The 2D electrons sit in a potential well whose lowest level $\varepsilon_0(\nu)$ is pulled down by the
# density $\nu$ of ionic countercharges in the liquid (per unit cell). The band above it,
# $\varepsilon_k = \varepsilon_0(\nu) + k^2/2m$, has a flat density of states $1/W$ per spin. A Lagrange
# multiplier $\lambda$ enforces that every electron comes from a countercharge. At $T = 0$ the grand
# potential per cell is
#
# $$\omega(\mu,\lambda,\nu) = -\frac{1}{W}\big[\mu+\lambda-\varepsilon_0(\nu)\big]^2 + \lambda\nu + \omega_0(\nu),
# \qquad \omega_0(\nu) = \tfrac12 A\nu^2 + \tfrac14 B\nu^4 ,$$
#
# where $\omega_0$ is the countercharge free energy: $A$ from their short-range repulsion, $B$ stopping a
# collapse at high density. Three conditions follow:
#
# * electron density: $n = -\partial_\mu\omega = \frac{2}{W}\,[\mu+\lambda-\varepsilon_0]$, so
#   $\mu = \tfrac{W}{2}n - \lambda + \varepsilon_0$;
# * neutrality: $\partial_\lambda\omega = 0 \Rightarrow n = \nu$;
# * equilibrium of the ions: $\partial_\nu\omega = 0 \Rightarrow \lambda = -\big(n\,\varepsilon_0'(\nu) + \omega_0'(\nu)\big)$.
#
# Eliminating $\lambda$ with $\nu = n$,
#
# $$\mu = \frac{W}{2}n + \frac{d}{dn}\big[n\,\varepsilon_0(n)\big] + A n + B n^3 .$$
#
# The middle term is the key: adding an electron (and its countercharge) lowers the level of *all* the
# electrons already present. With the phenomenological band bottom
# $\varepsilon_0(\nu) = -\Gamma\nu^2/(\nu+\nu_0)$, linear in $\nu$ above a scale $\nu_0$ below which
# electrons stay bound to the ions,
#
# $$\boxed{\;\mu(n) = \frac{W}{2}n + n\,(A + Bn^2) - \Gamma\,\frac{n^2(2n+3\nu_0)}{(n+\nu_0)^2}\;}\qquad\text{(Eq. 5)}$$
#
# For $\nu_0 = 0$ this is $\mu = a\,n + B n^3$ with $a = W/2 + A - 2\Gamma$, and
#
# $$\kappa^{-1} = \frac{\partial\mu}{\partial n} = a + 3Bn^2 < 0 \quad\text{for}\quad n < n_s = \sqrt{-a/3B}
# \quad\text{whenever}\quad a < 0 .$$
#
# A negative $\kappa^{-1}$ means that adding electrons *lowers* their chemical potential: a homogeneous
# film is unstable. $n_s$ is the **spinodal**. Check with the engine (green curve of Fig. 6):

# %%
p = ThermoParams.preset("fig6-green")
print(p)
print("a = W/2 + A - 2Γ =", p.a, "eV")
print("spinodal from the engine:", thermo.spinodal(p), "  closed form sqrt(-a/3B):", np.sqrt(-p.a / (3 * p.B)))

# %% [markdown]
# ## 3.2 Explore $\mu(n)$ and $\kappa^{-1}(n)$
#
# Red: the unstable range $\kappa^{-1} < 0$. Try $\nu_0 > 0$ (bound electrons make $\kappa^{-1}(0) > 0$),
# a larger $B$ (the ions resist crowding earlier, the window shrinks), or $\Gamma < W/4$ with $A = 0$ (no
# instability at all).

# %%
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

# %% [markdown]
# ## 3.3 The Maxwell construction
#
# Inside the unstable range the film lowers its free energy by splitting into two phases of densities
# $n_1 < n_2$ that share the same chemical potential $\mu^*$ (particle exchange) and the same grand
# potential (the two-phase state is the convex hull of the free energy). With
# $f(n) = \int_0^n \mu\,dn'$ the conditions are
#
# $$\mu(n_1) = \mu(n_2) = \mu^* = \frac{f(n_2) - f(n_1)}{n_2 - n_1}:$$
#
# a **common tangent** of slope $\mu^*$ touching $f$ at $n_1$ and $n_2$, or, equivalently, a horizontal
# line on $\mu(n)$ cutting off **equal areas**. The coexistence densities form the **binodal**; the
# spinodal lies inside it, and between the two the homogeneous film is metastable.
#
# For $\nu_0 = 0$ and $a<0$ the low-density phase is the empty band, $n_1 = 0$: $f = an^2/2 + Bn^4/4$ is
# concave from $n = 0$ up to the spinodal, so the lower hull starts at the origin, and the tangent condition
# $f(n_2)/n_2 = f'(n_2)$ gives
# $n_2 = \sqrt{-2a/3B}$ and $\mu^* = a\,n_2/3$. The engine finds the hull numerically for any parameters.

# %%
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

# %% [markdown]
# ## 3.4 The parameter sets of Fig. 6 and laboratory units
#
# The paper compares $\mu(n)$ for $A = 0$ and $(\Gamma, B) = (1.75, 210)$, $(1.75, 250)$ and
# $(1.6, 160)$ eV with photoemission data on surface-doped WSe$_2$ (not reproduced here). It does not
# print $W$ and $\nu_0$; we assume $W = 1$ eV, the typical bandwidth it quotes, and $\nu_0 = 0$.
#
# Two unit conversions connect to the laboratory. A density of one electron per cell is $1/a^2$
# ($1.1\times10^{15}$ cm$^{-2}$ for $a = 3$ Å). And $\Gamma = e/(2\tilde C a^2)$ follows from the
# interface capacitance $\tilde C$: the electrostatic estimate with $\tilde C \approx 10\,\mu$F/cm$^2$
# gives $\Gamma \approx 9$ eV, several times the values of Fig. 6 — the numerical prefactor of this
# estimate is uncertain, as the paper notes.

# %%
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

# %% [markdown]
# ## 3.5 The lever rule feeds $w$: gate the density, watch $R(T)$
#
# At a mean density $\bar n$ inside the coexistence window the sample is a mixture: the high-density
# phase fills the fraction
#
# $$x = \frac{\bar n - n_1}{n_2 - n_1}$$
#
# of the area (lever rule). If superconducting puddles live in the high-density regions, gating — which
# sets $\bar n$ — sets the superconducting weight. We use the simplest mapping (our modelling assumption,
# not a result of the paper, and the same one the dashboard uses): the potentially superconducting bonds
# are the high-density phase, $w = x$, except that the filamentary skeleton is always there and
# puddles centred on it may not reach every last bond ($w_{\max}$ = `net.w_max`, a hair below 1),
#
# $$w = \mathrm{clip}(x,\ w_{\rm skel},\ w_{\max}) \qquad (\texttt{thermo.weight\_from\_fraction}).$$
#
# Move the density: thin lines are reference curves at $x = 0.25, 0.5, 0.75, 1$, the thick line is the
# current density.

# %%
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
    state = f"superconducting below Tp = {tp:.2f} K" if np.isfinite(tp) else         f"metallic plateau R(T→0)/R_N = {net.plateau(10.0, 1.5):.3f}"
    return f"n̄ = {n_bar:.4f} per cell: high-density fraction x = {x:.2f} → w = {w:.3f}; {state}"

tg.Panel(dict(n_bar=W.FloatSlider(value=0.05, min=0, max=round(m6.n2, 3), step=0.002, readout_format=".3f",
                                  description="mean density n̄", continuous_update=False),
              w2=W.FloatSlider(value=0.3, min=0, max=0.8, step=0.05, description="w2", continuous_update=False)),
         gate, [lever_mu, lever_rt])

# %% [markdown]
# With broken filaments ($w_2 = 0.3$) a dilute film is a metal with superconducting inclusions
# (plateau); gating more electrons in grows the high-density phase, the plateau drops, and near the top
# of the window the puddles reconnect the cluster and the film becomes superconducting — a gate-driven
# metal–superconductor transition of purely geometric origin.
#
# ## Exercises
#
# **1. Closed forms.** For $\nu_0 = 0$ derive $n_s$, $n_2$ and $\mu^*$ and evaluate them for the three
# Fig. 6 sets. Compare with `thermo.spinodal` and `thermo.maxwell_construction`.

# %% [markdown]
# <details><summary>Solution</summary>
#
# $\kappa^{-1} = a + 3Bn^2 = 0$ gives $n_s = \sqrt{-a/3B}$. With $f = an^2/2 + Bn^4/4$ the tangent from
# $(0, 0)$ touches at $n_2$ where $f(n_2)/n_2 = \mu(n_2)$: $a/2 + Bn_2^2/4 = a + Bn_2^2$, so
# $n_2 = \sqrt{-2a/3B} = \sqrt2\,n_s$ and $\mu^* = an_2 + Bn_2^3 = a n_2/3$.
#
# ```python
# for name, q in thermo.PRESETS.items():
#     m = thermo.maxwell_construction(q)
#     print(name, np.sqrt(-q.a / (3 * q.B)), thermo.spinodal(q),
#           np.sqrt(-2 * q.a / (3 * q.B)), m.n2, q.a * m.n2 / 3, m.mu_star)
# ```
#
# For the green set ($a = -3$ eV, $B = 210$ eV): $n_s = 0.069$, $n_2 = 0.098$ electrons per cell,
# $\mu^* = -0.098$ eV.
#
# </details>

# %% [markdown]
# **2. Equal areas and the tilted free energy.** For the red set, check numerically that
# $\int_{n_1}^{n_2}(\mu - \mu^*)\,dn = 0$, and plot $g(n) = f(n) - \mu^* n$. What is special about $g$ at
# $n_1$ and $n_2$?

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# from scipy.integrate import quad
# q = ThermoParams.preset("fig6-red")
# m = thermo.maxwell_construction(q)
# print(quad(lambda x: thermo.chemical_potential(x, q) - m.mu_star, m.n1, m.n2))   # ~ 0
# g = tg.Plot("n", "f - μ* n (eV)", x=(0, 0.15))
# g.line("g", n, thermo.free_energy(n, q) - m.mu_star * n)
# g.figure
# ```
#
# The integral is $f(n_2) - f(n_1) - \mu^*(n_2 - n_1) = 0$, the tangent condition itself. Subtracting
# the tangent line tilts $f$ so that $g$ has two *equal* minima at $n_1$ and $n_2$ (here $n_1 = 0$ is an
# endpoint minimum): the two phases are equally good at the coexistence chemical potential, and any
# mixture of them lies on the straight segment between.
#
# </details>

# %% [markdown]
# **3. Bound electrons, $\nu_0 > 0$.** For the green set, increase $\nu_0$ in the Maxwell panel. When does the
# low-density phase become metallic ($n_1 > 0$), and at which $\nu_0$ does coexistence disappear? Find both to
# within 0.01 with `thermo.maxwell_construction(...).coexists` and `.n1`.

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# green = ThermoParams.preset("fig6-green")
# for nu0 in np.arange(0.15, 0.26, 0.01):
#     m = thermo.maxwell_construction(replace(green, nu0=nu0))
#     print(round(nu0, 2), m.coexists, m.n1, m.n2)
# ```
#
# $\kappa^{-1}(0) = W/2 + A > 0$ as soon as $\nu_0 > 0$, so a very dilute film is stable; but up to
# $\nu_0 \approx 0.18$ the common tangent still starts at the empty band. From $\nu_0 \approx 0.19$ the
# low-density phase is a dilute metal ($n_1 > 0$); $n_1$ and $n_2$ then approach each other and the window
# closes between $\nu_0 = 0.24$ and $0.25$, at a critical point: trapping electrons at the ions removes the
# instability.
#
# </details>

# %% [markdown]
# ---
# **Next:** [Part 4 — fit your data](04_fit_your_data.ipynb).
