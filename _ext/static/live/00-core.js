/* Shared front end of the book's live widgets: window.nnkitLive._ui.
 *
 * Every live script registers window.nnkitLive[NAME] = {compute(plainJSON) -> plainJSON, ...}
 * and calls _ui.mountAll(NAME, mount) to fill each div.nnkit-live[data-nnkit-live=NAME] that
 * nnkit.widgets.base.live_html wrote into the page. This file loads first (sorted by name).
 *
 * API (all return DOM nodes unless said otherwise):
 *   mountAll(name, mount)    mount(root, config) for every unmounted placeholder, now or on
 *                            DOMContentLoaded; config = parsed script.nnkit-live-config.
 *   el(tag, props, kids)     HTML element; props: attributes, "text", "class", "on<event>".
 *   svg(tag, props, kids)    the same in the SVG namespace ("style" may use var(--...)).
 *   number(label, value, {min, max, step, onInput, width})  labelled <input type=number>;
 *                            returns {wrap, input}; onInput(value) gets a finite number only.
 *   slider(label, value, {min, max, step, onInput, format})  labelled <input type=range> with
 *                            an <output>; returns {wrap, input, output}.
 *   button(text, onClick, label)  <button type=button>; label sets aria-label.
 *   status()                 a polite aria-live region; set its textContent to announce.
 *   row(kids)                a wrapping flex row of controls.
 *   C                        colours that read in light and dark mode: text, muted, border, bg,
 *                            surface (shades of currentColor), class0, class1 (the book's
 *                            palette), on, off, accent.
 *   step(z)                  1 where z >= 0, else 0 (the book's step function).
 *   fmt(x, digits)           a short number string ("-0" printed as "0").
 *   rng(seed)                seeded uniform generator in [0, 1) (mulberry32).
 *   clip(poly, w, sign)      the part of convex polygon [[x, y], ...] where sign*(w0 + w1 x + w2 y)
 *                            >= 0 (Sutherland-Hodgman), for decision regions.
 *   lineChart({width, height, xlabel, ylabel})  SVG line chart; returns {svg, update(series)},
 *                            series = [{ys, color, label, xs?}], y range from the data.
 */
(function () {
  "use strict";
  const live = (window.nnkitLive = window.nnkitLive || {});
  const SVGNS = "http://www.w3.org/2000/svg";
  let counter = 0;

  // Colours follow the text around the widget (currentColor): the theme shows HTML outputs on a
  // light panel in dark mode too, so theme variables would be wrong there. Classes use the
  // book's palette (nnkit.plotting.PALETTE), as the figures do.
  const mix = (p) => "color-mix(in srgb, currentColor " + p + "%, transparent)";
  const C = {
    text: "currentColor", muted: mix(65), border: mix(40), bg: "transparent", surface: mix(10),
    class0: "#0072B2", class1: "#E69F00", on: "currentColor", off: "transparent", accent: "#D55E00",
  };

  function fill(node, props, kids) {
    Object.keys(props || {}).forEach(function (key) {
      const value = props[key];
      if (value === undefined || value === null || value === false) return;
      if (key === "text") node.textContent = value;
      else if (key.slice(0, 2) === "on" && typeof value === "function") {
        node.addEventListener(key.slice(2), value);
      } else node.setAttribute(key, value === true ? "" : String(value));
    });
    (kids || []).forEach(function (kid) {
      if (kid !== null && kid !== undefined) {
        node.appendChild(typeof kid === "string" ? document.createTextNode(kid) : kid);
      }
    });
    return node;
  }
  const el = (tag, props, kids) => fill(document.createElement(tag), props, kids);
  const svg = (tag, props, kids) => fill(document.createElementNS(SVGNS, tag), props, kids);
  const uid = (prefix) => "nnkit-" + (prefix || "c") + "-" + (++counter);

  function labelled(kind, text, value, opts) {
    const id = uid(kind);
    const input = el("input", {
      id: id, type: kind, value: value, min: opts.min, max: opts.max,
      step: opts.step === undefined ? "any" : opts.step, class: "nnkit-live-" + kind,
    });
    if (opts.width) input.style.width = opts.width;
    const wrap = el("span", {class: "nnkit-live-field"}, [el("label", {for: id, text: text}), input]);
    return {wrap: wrap, input: input};
  }

  function number(text, value, opts) {
    opts = opts || {};
    const field = labelled("number", text, value, opts);
    field.input.addEventListener("input", function () {
      const x = field.input.valueAsNumber;
      field.input.setAttribute("aria-invalid", Number.isFinite(x) ? "false" : "true");
      if (Number.isFinite(x) && opts.onInput) opts.onInput(x);
    });
    return field;
  }

  function slider(text, value, opts) {
    opts = opts || {};
    const field = labelled("range", text, value, opts);
    const format = opts.format || String;
    const output = el("output", {for: field.input.id, text: format(Number(value))});
    field.wrap.appendChild(output);
    field.input.addEventListener("input", function () {
      const x = Number(field.input.value);
      output.textContent = format(x);
      if (opts.onInput) opts.onInput(x);
    });
    field.output = output;
    return field;
  }

  function button(text, onClick, label) {
    return el("button", {type: "button", class: "nnkit-live-button", "aria-label": label,
                         text: text, onclick: onClick});
  }

  const status = () => el("p", {class: "nnkit-live-status", role: "status", "aria-live": "polite"});
  const row = (kids) => el("div", {class: "nnkit-live-row"}, kids);
  const step = (z) => (z >= 0 ? 1 : 0);

  function fmt(x, digits) {
    const s = Number(x).toFixed(digits === undefined ? 2 : digits).replace(/\.?0+$/, "");
    return s === "-0" ? "0" : s;
  }

  function rng(seed) {
    let a = seed >>> 0;
    return function () {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function clip(poly, w, sign) {
    const out = [], f = (p) => sign * (w[0] + w[1] * p[0] + w[2] * p[1]);
    poly.forEach(function (p, k) {
      const q = poly[(k + 1) % poly.length], fp = f(p), fq = f(q);
      if (fp >= 0) out.push(p);
      if ((fp >= 0) !== (fq >= 0)) {
        const t = fp / (fp - fq);
        out.push([p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])]);
      }
    });
    return out;
  }

  function lineChart(opts) {
    const W = opts.width || 320, H = opts.height || 200, L = 44, R = 8, T = 8, B = 34;
    const root = svg("svg", {viewBox: "0 0 " + W + " " + H, class: "nnkit-live-chart",
                             role: "img", "aria-label": opts.label || opts.ylabel || "chart"});
    const layer = svg("g");
    root.appendChild(layer);
    function update(series) {
      layer.textContent = "";
      const ys = [].concat.apply([], series.map((s) => s.ys)).filter(Number.isFinite);
      const n = Math.max(2, Math.max.apply(null, series.map((s) => (s.xs || s.ys).length)));
      let lo = ys.length ? Math.min.apply(null, ys) : 0, hi = ys.length ? Math.max.apply(null, ys) : 1;
      if (hi - lo < 1e-12) { lo -= 0.5; hi += 0.5; }
      const xmax = series.reduce((m, s) => Math.max(m, s.xs ? s.xs[s.xs.length - 1] || 0 : 0), n - 1);
      const sx = (x) => L + (W - L - R) * x / xmax, sy = (y) => T + (H - T - B) * (hi - y) / (hi - lo);
      const line = {stroke: C.border};
      layer.appendChild(svg("line", {x1: L, y1: H - B, x2: W - R, y2: H - B, style: "stroke:" + line.stroke}));
      layer.appendChild(svg("line", {x1: L, y1: T, x2: L, y2: H - B, style: "stroke:" + line.stroke}));
      const text = (x, y, s, anchor) => svg("text", {x: x, y: y, "text-anchor": anchor || "end",
        "font-size": 11, style: "fill:" + C.text, text: s});
      layer.appendChild(text(L - 4, T + 10, fmt(hi, 3)));
      layer.appendChild(text(L - 4, H - B, fmt(lo, 3)));
      layer.appendChild(text(W - R, H - B + 14, fmt(xmax, 0)));
      layer.appendChild(text((L + W) / 2, H - 4, opts.xlabel || "", "middle"));
      layer.appendChild(text(L + 4, T + 10, opts.ylabel || "", "start"));
      series.forEach(function (s, k) {
        const pts = s.ys.map((y, i) => Number.isFinite(y) ? sx(s.xs ? s.xs[i] : i).toFixed(1) + ","
          + sy(y).toFixed(1) : null).filter(Boolean).join(" ");
        layer.appendChild(svg("polyline", {points: pts, fill: "none", "stroke-width": 2,
          style: "stroke:" + (s.color || C.class0)}));
        if (s.label) layer.appendChild(text(W - R, T + 12 + 13 * k, s.label, "end"))
          .style.fill = s.color || C.class0;
      });
    }
    return {svg: root, update: update};
  }

  const CSS = ".nnkit-live{max-width:100%;overflow-x:auto;contain:content;margin:.5em 0}" +
    ".nnkit-live-row{display:flex;flex-wrap:wrap;gap:.3em .8em;align-items:center;margin:.3em 0}" +
    ".nnkit-live-field{display:inline-flex;align-items:center;gap:.3em}" +
    ".nnkit-live input[type=number]{width:5em}.nnkit-live input[type=number],.nnkit-live select{max-width:100%;background:" + C.bg + ";color:" + C.text +
    ";border:1px solid " + C.border + ";border-radius:3px}" +
    ".nnkit-live-button{padding:.15em .7em;border:1px solid " + C.border + ";border-radius:4px;" +
    "background:" + C.surface + ";color:" + C.text + ";cursor:pointer}" +
    ".nnkit-live svg{max-width:100%;height:auto;display:block}" +
    ".nnkit-live :focus-visible{outline:2px solid " + C.accent + ";outline-offset:1px}" +
    ".nnkit-live-status{font-size:.9em;margin:.3em 0;min-height:1.2em}" +
    ".nnkit-live table{border-collapse:collapse;margin:.3em 0}" +
    "div.nnkit-live td,div.nnkit-live th{border:1px solid " + C.border + ";padding:.1em .35em;text-align:center}";

  function mountAll(name, mount) {
    function run() {
      if (!document.getElementById("nnkit-live-css")) {
        document.head.appendChild(el("style", {id: "nnkit-live-css", text: CSS}));
      }
      const selector = 'div.nnkit-live[data-nnkit-live="' + name + '"]:not([data-mounted])';
      document.querySelectorAll(selector).forEach(function (root) {
        const script = root.querySelector("script.nnkit-live-config");
        const config = script ? JSON.parse(script.textContent) : {};
        root.setAttribute("data-mounted", "");
        mount(root, config);
      });
    }
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
    else run();
  }

  live._ui = {mountAll: mountAll, el: el, svg: svg, uid: uid, number: number, slider: slider,
              button: button, status: status, row: row, C: C, step: step, fmt: fmt, rng: rng, clip: clip,
              lineChart: lineChart};
})();
