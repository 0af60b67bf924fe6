"""How long the page versions of the widgets take to answer a reader, in Chromium.

Every widget is written into one local page exactly as its chapter's output writes it (the
explorer's ``text/html``), with the book's scripts (``_ext/static/live/*.js``). In the page, one
control at a time (a slider, a number box, a drop-down or a grid cell, picked at random) is set
to a random other value and its ``input``/``change`` event dispatched, or a cell clicked; the
update is timed with ``performance.now()`` from the event to the end of the layout it causes
(the widget's bounding box is read). Buttons that start animations (Play) are left out: their
work is spread over animation frames, timed apart as the longest frame while playing.
"""
import json
import shutil
import tempfile
from pathlib import Path

import numpy as np

from benchmarks.latency import WIDGETS

ROOT = Path(__file__).resolve().parents[2]
LIVE = ROOT / "_ext" / "static" / "live"

# In the page: `n` random moves of the widget's controls, each timed to the end of its layout.
MOVES_JS = """
([name, n, seed]) => {
  const root = document.querySelector(`div.nnkit-live[data-nnkit-live="${name}"]`);
  let state = seed >>> 0;
  const random = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const controls = Array.from(root.querySelectorAll(
    'input[type=range], input[type=number], select, button.nnkit-grid-cell'))
    .filter(c => !c.disabled && c.offsetParent !== null);
  const times = [];
  for (let i = 0; i < n; i++) {
    const c = controls[Math.floor(random() * controls.length)];
    const start = performance.now();
    if (c.tagName === "BUTTON") {
      c.click();
    } else if (c.tagName === "SELECT") {
      c.selectedIndex = (c.selectedIndex + 1 + Math.floor(random() * (c.options.length - 1)))
        % c.options.length;
      c.dispatchEvent(new Event("change", {bubbles: true}));
      c.dispatchEvent(new Event("input", {bubbles: true}));
    } else {
      const lo = Number(c.min || 0), hi = Number(c.max || lo + 10);
      const step = Number(c.step) > 0 ? Number(c.step) : 1;
      const k = Math.floor(random() * (Math.floor((hi - lo) / step) + 1));
      c.value = String(lo + k * step);
      c.dispatchEvent(new Event("input", {bubbles: true}));
      c.dispatchEvent(new Event("change", {bubbles: true}));
    }
    root.getBoundingClientRect();
    times.push(performance.now() - start);
  }
  return {times, controls: controls.length};
}
"""

# In the page: press the widget's Play button and record every frame's length for `ms`.
PLAY_JS = """
([name, ms]) => new Promise(resolve => {
  const root = document.querySelector(`div.nnkit-live[data-nnkit-live="${name}"]`);
  const play = Array.from(root.querySelectorAll("button"))
    .find(b => /^play$/i.test(b.textContent.trim()));
  if (!play) { resolve(null); return; }
  const frames = [];
  let last = performance.now();
  const end = last + ms;
  play.click();
  const tick = now => {
    frames.push(now - last);
    last = now;
    if (now < end) { requestAnimationFrame(tick); } else { play.click(); resolve(frames); }
  };
  requestAnimationFrame(tick);
})
"""


def _page(folder):
    """Write the page of every widget's page version into ``folder``; return its file names."""
    (folder / "live").mkdir()
    scripts = sorted(LIVE.glob("*.js"))
    for script in scripts:
        shutil.copy(script, folder / "live" / script.name)
    holders = "".join(f"<section>{make()._repr_mimebundle_()['text/html']}</section>"
                      for _, make in WIDGETS.values())
    tags = "".join(f'<script src="live/{s.name}" defer></script>' for s in scripts)
    (folder / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>live</title>'
        f"{tags}</head><body>{holders}</body></html>", encoding="utf-8")


def live_latency_rows(n_moves=200, play_ms=3000, seed=0):
    """p50, p95 and max of the page's update time per widget, and its longest frame while
    playing (where it has a Play button)."""
    from browser_setup import CHROMIUM, CHROMIUM_ARGS, serve
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as tmp, serve(tmp) as url:
        _page(Path(tmp))
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1000, "height": 900})
            page.goto(url)
            page.wait_for_function("document.querySelectorAll('div.nnkit-live[data-mounted]')"
                                   f".length === {len(WIDGETS)}")
            for name, (chapter, _) in WIDGETS.items():
                page.evaluate(MOVES_JS, [name, 10, seed + 1])  # warm-up
                result = page.evaluate(MOVES_JS, [name, n_moves, seed])
                times = np.array(result["times"]) / 1e3
                frames = page.evaluate(PLAY_JS, [name, play_ms])
                rows.append({"widget": name, "chapter": chapter, "updates": len(times),
                             "controls": result["controls"],
                             "p50": float(np.percentile(times, 50)),
                             "p95": float(np.percentile(times, 95)),
                             "max": float(times.max()),
                             "longest_frame": (None if not frames
                                               else float(max(frames[1:] or frames)) / 1e3)})
            browser.close()
    return rows


if __name__ == "__main__":
    print(json.dumps(live_latency_rows(n_moves=50, play_ms=1000), indent=1))
