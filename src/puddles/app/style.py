"""CSS of the dashboard, injected once through an ``ipywidgets.HTML`` ``<style>`` block.

Kept in one place so that the page fits a 1280 x 800 projector without scrolling:
compact widget spacing, readable 13-14 px text, crisp (pixelated) upscaling of the
cluster-map raster.
"""

import ipywidgets as widgets


def float_slider(
    key: str, ranges: dict, value: float, description: str, fmt: str, *, continuous: bool, label_px: int, width_px: int
) -> widgets.FloatSlider:
    """A compact slider with (min, max, step) from ``ranges[key]`` and CSS class ``pd-<key>``.

    The class lets the browser tests find a slider by parameter name.
    """
    lo, hi, step = ranges[key]
    s = widgets.FloatSlider(
        value=value, min=lo, max=hi, step=step, description=description, readout_format=fmt,
        continuous_update=continuous, style={"description_width": f"{label_px}px"},
        layout=widgets.Layout(width=f"{width_px}px"),
    )
    s.add_class(f"pd-{key.lower()}")
    return s

CSS = """
<style>
.pd-root { width: 1262px; max-width: 1262px; font-size: 13px; }
.pd-root .widget-label, .pd-root .widget-readout { font-size: 13px; }
.pd-root .widget-slider, .pd-root .widget-hslider { height: 28px; }
.pd-root .widget-inline-hbox { margin-top: 1px; margin-bottom: 1px; }
.pd-root .pd-tabs.widget-tab > .lm-TabBar .lm-TabBar-tab { font-size: 14px; flex: 0 0 230px; max-width: none; }
.pd-root .widget-html-content { line-height: 1.35; }
.pd-root .widget-toggle-buttons { display: flex; align-items: center; }
.pd-root .widget-toggle-buttons .widget-label { flex: 0 0 auto; }
.pd-header { font-size: 15px; line-height: 20px; margin: 0 0 2px 4px; color: #333; }
.pd-header b { font-size: 16px; color: #08306b; }
.pd-panel-title { font-size: 13px; font-weight: 600; color: #333; line-height: 20px; }
.pd-map { image-rendering: pixelated; image-rendering: crisp-edges; border: 1px solid #bbb; }
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
</style>
"""
