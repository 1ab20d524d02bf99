"""CSS of the dashboard, injected once through an ``ipywidgets.HTML`` ``<style>`` block.

Kept in one place so that the page fits a 1280 x 800 projector without scrolling:
compact widget spacing, readable 13-14 px text, crisp (pixelated) upscaling of the
cluster-map raster.
"""

import ipywidgets as widgets


def float_slider(
    key: str, ranges: dict, value: float, description: str, fmt: str, *, continuous: bool, label_px: int, width_px: int,
    prefix: str = "pd-",
) -> widgets.FloatSlider:
    """A compact slider with (min, max, step) from ``ranges[key]`` and CSS class ``<prefix><key>``
    (lower case).

    The class lets the browser tests find a slider by parameter name.
    """
    lo, hi, step = ranges[key]
    s = widgets.FloatSlider(
        value=value, min=lo, max=hi, step=step, description=description, readout_format=fmt,
        continuous_update=continuous, style={"description_width": f"{label_px}px"},
        layout=widgets.Layout(width=f"{width_px}px"),
    )
    s.add_class(f"{prefix}{key.lower()}")
    return s


def y_label_html(text: str) -> str:
    """HTML of a y-axis label beside a figure (the value of the first child of :func:`labelled`)."""
    return f'<div class="pd-ylabel"><span>{text}</span></div>'


def labelled(figure, *, x_label: str, y_label: str, width: int, height: int) -> widgets.Box:
    """A bqplot figure with HTML axis labels beside and under it, at most ``width`` x ``height`` px.

    bqplot draws axis labels as SVG text, which has no subscripts: "R/R_N" would be printed
    literally. HTML labels are typeset like the panel titles (R/R<sub>N</sub>). The figure
    takes the box's width (so it narrows with the page); its axes keep only their ticks.
    The box's first child is the y label (``HTML``, value :func:`y_label_html`).
    """
    figure.layout.width = "100%"
    figure.layout.height = f"{height}px"
    figure.layout.min_width = "0"
    y = widgets.HTML(y_label_html(y_label), layout=widgets.Layout(height=f"{height}px"))
    y.add_class("pd-ylabel-box")
    column = [figure]
    if x_label:
        x = widgets.HTML(f'<div class="pd-xlabel">{x_label}</div>')
        x.add_class("pd-xlabel-box")
        column.append(x)
    body = widgets.VBox(column, layout=widgets.Layout(flex="1 1 auto", min_width="0"))
    box = widgets.HBox([y, body], layout=widgets.Layout(width="100%", max_width=f"{width}px"))
    box.add_class("pd-labelled")
    return box

CSS = """
<style>
.pd-root { width: 100%; max-width: 1262px; box-sizing: border-box; font-size: 13px; position: relative; margin: 0 auto; }
.pd-root .widget-label, .pd-root .widget-readout { font-size: 13px; }
.pd-root .widget-slider, .pd-root .widget-hslider { height: 28px; }
.pd-root .widget-inline-hbox { margin-top: 1px; margin-bottom: 1px; }
.pd-root .pd-tabs.widget-tab > .lm-TabBar .lm-TabBar-tab { font-size: 14px; flex: 0 1 230px; min-width: 0; max-width: none; }
.pd-root .widget-html-content { line-height: 1.35; }
.pd-root .widget-toggle-buttons { display: flex; align-items: center; flex-wrap: wrap; }
.pd-root .widget-toggle-buttons .widget-label { flex: 0 0 auto; }
/* Any screen: the columns of a tab wrap instead of scrolling sideways, and no box is wider than the page. */
.pd-root .pd-network, .pd-root .pd-thermo, .pd-root .pd-fit, .pd-root .pd-fit-results { flex-wrap: wrap; }
.pd-root .pd-network > *, .pd-root .pd-thermo > *, .pd-root .pd-fit > *, .pd-root .pd-fit-results > * {
  max-width: 100%; min-width: 0; }
.pd-root .pd-rt-box { flex: 0 1 450px; }
/* Fixed-width controls (sliders, text boxes, buttons) narrow on a phone instead of overflowing
   (every widget has a 2 px margin on each side). */
.pd-root .widget-inline-hbox, .pd-root .widget-html, .pd-root .widget-button, .pd-root .widget-box,
.pd-root .widget-upload { max-width: calc(100% - 4px); }
.pd-root .pd-labelled, .pd-root .pd-labelled .jupyter-widgets { margin: 0; }
.pd-root .pd-labelled { max-width: 100%; }
/* bqplot resizes its WebGL canvas and toolbar a moment after the figure: clip them meanwhile. */
.pd-root .bqplot.figure { overflow: hidden; }
.pd-root .pd-tabs > .widget-tab-contents, .pd-root .pd-tabs > .lm-TabPanel-stackedPanel { padding: 6px 4px; }
.pd-root .pd-labelled { flex: 0 1 auto; }
.pd-root .pd-series .widget-hbox { flex-wrap: wrap; }
.pd-root .pd-series .bqplot.figure, .pd-root .pd-fit .widget-html { max-width: calc(100% - 4px); }
/* Back row: tick labels 14 px in full contrast. */
.pd-root .bqplot .tick text { font-size: 14px !important; fill: #000 !important; opacity: 1 !important; }
.pd-root .bqplot .axis .domain { stroke: #333; }
/* Bottom-axis labels (d3 gives them dy=0.71em) clear the axis' 6 px end caps, which would cross the last label. */
.pd-root .bqplot .tick text[dy="0.71em"] { transform: translateY(4px); }
.pd-ylabel-box { flex: 0 0 22px; width: 22px; }
.pd-ylabel-box .widget-html-content { height: 100%; }
.pd-ylabel { position: relative; height: 100%; font-size: 14px; font-weight: 600; color: #222; line-height: 20px; }
/* Turned a quarter turn as a whole (vertical writing modes would set subscripts sideways). */
.pd-ylabel span { position: absolute; left: 50%; top: 45%; transform: translate(-50%, -50%) rotate(-90deg);
  white-space: nowrap; }
.pd-xlabel { text-align: center; font-size: 14px; font-weight: 600; color: #222; line-height: 18px; margin-top: -12px;
  padding-left: 40px; }
.pd-header-row { align-items: center; }
.pd-header { font-size: 15px; line-height: 20px; margin: 0 0 2px 4px; color: #333; }
.pd-header b { font-size: 16px; color: #08306b; }
.pd-help-button { flex: 0 0 auto; }
.pd-glossary { position: absolute !important; right: 4px; top: 34px; z-index: 40; width: 780px; max-width: calc(100% - 8px);
  max-height: 78vh; overflow: auto; background: #fff; border: 1px solid #777; box-shadow: 0 4px 18px rgba(0,0,0,.25);
  padding: 6px 12px; box-sizing: border-box; }
.pd-glossary dl { margin: 4px 0; display: grid; grid-template-columns: minmax(70px, max-content) 1fr; gap: 3px 12px; }
.pd-glossary dt { font-weight: 700; }
.pd-glossary dd { margin: 0; }
.pd-glossary ul { margin: 2px 0 4px 0; padding-left: 20px; }
.pd-panel-title { font-size: 14px; font-weight: 600; color: #333; line-height: 20px; }
.pd-map { image-rendering: pixelated; image-rendering: crisp-edges; border: 1px solid #bbb; }
/* The dashboard's map narrows with the page (between its leads), staying square. */
.pd-map-leads .pd-map { box-sizing: border-box; flex: 0 1 400px; min-width: 0; width: auto !important;
  height: auto !important; aspect-ratio: 1 / 1; }
.pd-map-leads { max-width: 100%; align-items: stretch; }
.pd-lead-box { flex: 0 0 18px; }
.pd-lead-box .widget-html-content { height: 100%; }
.pd-lead { height: 100%; display: flex; align-items: center; justify-content: center; background: #444; color: #fff;
  font-size: 15px; font-weight: 700; }
.pd-current { font-size: 13px; line-height: 18px; text-align: center; color: #222; }
.pd-arrow { font-size: 18px; font-weight: 700; }
.pd-map-column { max-width: 100%; }
.pd-map-box { width: 430px; max-width: 100%; }
.pd-legend { font-size: 12px; line-height: 17px; }
.pd-map-sub { font-size: 13px; font-weight: 600; color: #333; margin-bottom: 3px; }
.pd-swatch { display: inline-block; white-space: nowrap; margin-right: 10px; }
.pd-swatch i { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -2px;
               border: 1px solid #999; }
.pd-cbar { white-space: nowrap; }
.pd-cbar i { display: inline-block; width: 120px; height: 12px; margin: 0 4px; vertical-align: -2px;
             border: 1px solid #999; }
.pd-readouts { font-size: 13px; line-height: 19px; }
.pd-readouts span { display: inline-block; margin-right: 14px; white-space: nowrap; }
.pd-small { font-size: 12px; line-height: 16px; color: #333; }
.pd-note { font-size: 12px; line-height: 16px; color: #555; }
.pd-warn { color: #b35806; font-weight: 600; }
.pd-status { border-top: 1px solid #ccc; padding-top: 3px; font-size: 14px; line-height: 20px; }
.pd-status details { font-size: 11px; }
.pd-status pre { max-height: 160px; overflow: auto; }
.pd-dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 6px; }
.pd-status-wrap { position: relative; }
.pd-heartbeat { position: absolute !important; inset: 0; pointer-events: none; margin: 0 !important; }
/* Shown only when the kernel's heartbeat stops: every beat re-renders this element, which
   restarts the animation, so it becomes visible only after a silence of animation-delay. */
.pd-dead { position: absolute; inset: 0; z-index: 20; visibility: hidden; background: #fdecea; color: #c62828;
  font-size: 14px; line-height: 20px; padding: 4px 6px; border-top: 2px solid #c62828;
  animation: pd-dead-show 0s linear forwards; }
@keyframes pd-dead-show { to { visibility: visible; } }
.pd-pins { font-size: 11px; line-height: 15px; }
.pd-pin-row { display: block; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.pd-pin-row i { display: inline-block; width: 16px; height: 3px; margin-right: 5px; vertical-align: 3px; }
.pd-summary { font-size: 12px; line-height: 16px; color: #333; }
.pd-controls .widget-button, .pd-controls .widget-toggle-button { height: 28px; }
.pd-root .pd-export-bar .widget-button { height: 26px; width: 68px !important; font-size: 12px; }
.pd-root .pd-export-bar { flex-wrap: wrap; }
@media (max-width: 500px) {
  .pd-header { font-size: 13px; }
  .pd-root .pd-tabs.widget-tab > .lm-TabBar { min-height: 36px; }
  .pd-root .pd-tabs.widget-tab > .lm-TabBar .lm-TabBar-content { height: auto; align-items: stretch; }
  .pd-root .pd-tabs.widget-tab > .lm-TabBar .lm-TabBar-tab { font-size: 12px; padding: 0 4px; height: auto;
    min-height: 34px; line-height: 15px; }
  .pd-root .pd-tabs.widget-tab > .lm-TabBar .lm-TabBar-tabLabel { white-space: normal; align-self: center;
    line-height: 15px; }
  .pd-root .pd-map-mode .widget-toggle-button, .pd-root .pd-lower .widget-toggle-button {
    width: auto !important; flex: 1 1 auto; padding: 0 6px; }
  .pd-root .pd-map-mode > div, .pd-root .pd-lower > div { max-width: 100%; }
  .pd-root .pd-readouts span { white-space: normal; }
}
</style>
"""

#: Accessible names the widget library does not give: ipywidgets 8.1 renders a slider's handle
#: as ``role="slider"`` and its value as an editable ``div``, neither named by the label beside
#: them, and has no alt text for an ``Image``. This script names them from the visible label,
#: copies each label's help text into ``aria-description``, and keeps the map's alt text equal
#: to the hidden ``.pd-map-alt`` text of its legend, which the kernel rewrites with every picture.
ACCESSIBILITY_JS = """(function () {
  if (window.puddlesAccessibility) return;  // one observer for every dashboard on the page
  window.puddlesAccessibility = true;
  var queued = false;
  function fix() {
    queued = false;
    document.querySelectorAll('.pd-root .widget-slider, .pd-root .widget-hslider').forEach(function (w) {
      var l = w.querySelector('.widget-label'), name = l ? l.textContent.trim() : '';
      if (!name) return;
      w.querySelectorAll('[role=slider]').forEach(function (h) {
        if (h.getAttribute('aria-label') !== name) h.setAttribute('aria-label', name);
        if (l.title) h.setAttribute('aria-description', l.title);
      });
      var r = w.querySelector('.widget-readout');
      if (r && r.getAttribute('aria-label') !== name + ' value') r.setAttribute('aria-label', name + ' value');
    });
    document.querySelectorAll('.pd-root .pd-map-box').forEach(function (b) {
      var i = b.querySelector('img.pd-map'), a = b.querySelector('.pd-map-alt'), t = a ? a.textContent : '';
      if (i && i.alt !== t) i.alt = t;
    });
  }
  new MutationObserver(function () { if (!queued) { queued = true; requestAnimationFrame(fix); } })
    .observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true,
                             attributeFilter: ['title']});
  fix();
})();"""


def script_output() -> widgets.Output:
    """An invisible ``Output`` widget for :func:`run_script`."""
    return widgets.Output(layout=widgets.Layout(width="0px", height="0px", overflow="hidden"))


def run_script(out: widgets.Output, script: str) -> None:
    """Run JavaScript in the page through ``out``: a JavaScript output of an ``Output`` widget runs
    in Jupyter and in Voila alike (scripts in ``HTML`` values never do). Replacing the outputs,
    not appending, runs it once per call and keeps no history."""
    out.outputs = ({"output_type": "display_data", "data": {"application/javascript": script}, "metadata": {}},)


def accessibility_script() -> widgets.Output:
    """An invisible widget that runs :data:`ACCESSIBILITY_JS` in the page."""
    out = script_output()
    run_script(out, ACCESSIBILITY_JS)
    return out
