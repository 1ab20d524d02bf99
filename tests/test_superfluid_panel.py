"""The Ic / rho_s panel and the weakest-links map without a browser (widget state checked
against the engine). About 3 s."""

import numpy as np
import pytest

from puddles import Network
from puddles.app.cluster_map import (
    WEAK_LINK_COLOUR,
    ClusterMap,
    render_states,
    render_weakest_links,
)
from puddles.app.superfluid_panel import SuperfluidPanel
from puddles.colours import hex_to_rgb

T = np.linspace(0.0, 25.0, 101)
TC, SIGMA = 10.0, 2.0


@pytest.fixture(scope="module")
def net():
    return Network.generate(40, w=0.45, w2=0.0, seed=515)


def test_update_draws_engine_curves_normalised(net):
    panel = SuperfluidPanel(T)
    assert panel.update(net, TC, SIGMA)
    ic = net.critical_current_curve(T, TC, SIGMA)
    rho = net.stiffness_curve(T, TC, SIGMA)
    np.testing.assert_array_equal(panel.ic_line.y, ic / ic[0])
    np.testing.assert_array_equal(panel.rho_line.y, rho / rho[0])
    tp = net.percolation_temperature(TC, SIGMA)
    assert np.all(panel.ic_line.y[T >= tp] == 0) and panel.ic_line.y[0] == 1.0
    assert "weakest link" in panel.readouts.value and f"{ic[0]:.3g}" in panel.readouts.value


def test_cursor_moves_and_weakest_links_follow(net):
    panel = SuperfluidPanel(T)
    panel.update(net, TC, SIGMA)
    tp = net.percolation_temperature(TC, SIGMA)
    panel.set_cursor(0.9 * tp)
    np.testing.assert_array_equal(panel.cursor.x, [0.9 * tp, 0.9 * tp])
    np.testing.assert_array_equal(panel.weakest_links(), net.weakest_links(0.9 * tp, TC, SIGMA).cut)
    assert panel.weakest_links().size > 0
    panel.set_cursor(tp + 1.0)
    assert panel.weakest_links().size == 0 and "no superconducting path" in panel.readouts.value


def test_bad_input_reports_and_keeps_last_good_curves(net):
    messages = []
    panel = SuperfluidPanel(T, status=lambda m, level="info": messages.append((m, level)))
    panel.update(net, TC, SIGMA)
    before = np.array(panel.ic_line.y)
    assert not panel.update(net, -1.0, SIGMA)
    assert messages and messages[-1][1] == "error" and "tc_mean" in messages[-1][0]
    assert "tc_mean" in panel.note.value
    np.testing.assert_array_equal(panel.ic_line.y, before)
    assert panel.update(net, TC, SIGMA) and panel.note.value == ""


def test_cache_recalls_without_solving(net, monkeypatch):
    panel = SuperfluidPanel(T)
    panel.update(net, TC, SIGMA)
    panel.update(net, TC, 1.5)
    calls = []
    monkeypatch.setattr(net, "critical_current_curve", lambda *a: calls.append(a))
    assert panel.update(net, TC, SIGMA) and not calls


def test_weakest_links_map_marks_the_cut(net):
    tp = net.percolation_temperature(TC, SIGMA)
    mf = net.weakest_links(0.9 * tp, TC, SIGMA)
    st = net.bond_states(0.9 * tp, TC, SIGMA)
    rgb = render_weakest_links(net.n, st.kind, st.superconducting, st.spanning, mf.cut)
    base = render_states(net.n, st.kind, st.superconducting, st.spanning)
    from puddles import lattice

    rows, cols = lattice.bond_raster_index(net.n)
    yellow = np.all(rgb == hex_to_rgb(WEAK_LINK_COLOUR), axis=-1)
    assert yellow[rows[mf.cut], cols[mf.cut]].all()
    assert yellow.sum() >= mf.cut.size and not np.all(np.all(base == hex_to_rgb(WEAK_LINK_COLOUR), axis=-1))
    np.testing.assert_array_equal(render_weakest_links(net.n, st.kind, st.superconducting, st.spanning, []), base)
    m = ClusterMap()
    m.show(rgb, title="t", mode="weakest links", note="2 bonds")
    assert "weakest links" in m.legend.value and "2 bonds" in m.legend.value
