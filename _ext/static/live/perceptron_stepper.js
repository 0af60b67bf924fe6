/* The perceptron rule stepper of chapter 2, live on the page (twin of nnkit/widgets/perceptron.py).
 *
 * compute({X, y, w, order}) -> {weights, updated}: Rosenblatt's rule of nnkit.perceptron on the
 * extended points (1, x1, x2), one pick per entry of order: add the point for y = 1 with
 * w.x < 0, subtract it for y = 0 with w.x >= 0; weights[k] is w after pick k.
 * The widget: the book's two data sets (with the book's picks and start weights for seed 3),
 * points of either class added by clicking the plot or typing coordinates, step / play / run,
 * back to the start, and a new seed (new start weights and picks, drawn in the page).
 */
(function () {
  "use strict";
  const live = (window.nnkitLive = window.nnkitLive || {});
  const ui = live._ui;
  const MAX_PICKS = 5000;

  function rule(w, x1, x2, label) {
    const z = w[0] * 1 + w[1] * x1 + w[2] * x2;
    if (label === 1 && z < 0) return {w: [w[0] + 1, w[1] + x1, w[2] + x2], updated: true, z: z};
    if (label === 0 && z >= 0) return {w: [w[0] - 1, w[1] - x1, w[2] - x2], updated: true, z: z};
    return {w: w, updated: false, z: z};
  }

  const finite = (v) => typeof v === "number" && Number.isFinite(v);

  function compute(args) {
    const X = args && args.X, y = args && args.y, order = args && args.order;
    let w = args && args.w;
    if (!Array.isArray(X) || X.some((p) => !Array.isArray(p) || p.length !== 2 || !p.every(finite))) {
      throw new TypeError("X must be a list of [x1, x2] pairs of finite numbers");
    }
    if (!Array.isArray(y) || y.length !== X.length || y.some((v) => v !== 0 && v !== 1)) {
      throw new TypeError("y must hold one label 0 or 1 per row of X");
    }
    if (!Array.isArray(w) || w.length !== 3 || !w.every(finite)) throw new TypeError("w must be [w0, w1, w2]");
    if (!Array.isArray(order) || order.some((i) => !Number.isInteger(i) || i < 0 || i >= X.length)) {
      throw new TypeError("order must list row indices of X (0 to " + (X.length - 1) + ")");
    }
    const weights = [], updated = [];
    order.forEach(function (i) {
      const r = rule(w, X[i][0], X[i][1], y[i]);
      w = r.w;
      weights.push(w.slice());
      updated.push(r.updated);
    });
    return {weights: weights, updated: updated};
  }

  const allRight = (w, X, y) => X.every((p, i) => ui.step(w[0] * 1 + w[1] * p[0] + w[2] * p[1]) === y[i]);

  function normals(rand, n) {  // Box-Muller
    const out = [];
    while (out.length < n) {
      const u = 1 - rand(), v = rand();
      out.push(Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
    }
    return out;
  }

  const f2 = (w) => "(" + w.map((v) => (v >= 0 ? "+" : "−") + Math.abs(v).toFixed(2)).join(", ") + ")";

  function mount(root, cfg) {
    const el = ui.el, svg = ui.svg, C = ui.C;
    const lo = cfg.lim[0], hi = cfg.lim[1], PX = 260, M = 30;
    const sx = (x) => M + (x - lo) * PX / (hi - lo), sy = (y) => 8 + (hi - y) * PX / (hi - lo);
    const st = {data: cfg.dataset, X: [], y: [], edited: false, seed: cfg.seed, w0: null,
                trace: [], rand: null, add: 1, timer: null};

    function reset(seed, message) {
      stop();
      st.seed = seed;
      st.rand = ui.rng(seed * 2654435761);
      st.w0 = seed === cfg.seed ? cfg.w_start.slice() : normals(st.rand, 3);
      st.trace = [];
      update(message);
    }
    function load(name) {
      const d = cfg.datasets[name];
      st.data = name; st.X = d.X.map((p) => p.slice()); st.y = d.y.slice(); st.edited = false;
      reset(st.seed, "data set " + name + ", " + st.X.length + " points");
    }
    const current = () => (st.trace.length ? st.trace[st.trace.length - 1].after : st.w0);
    const done = () => (st.trace.length ? st.trace[st.trace.length - 1].converged
                                        : allRight(st.w0, st.X, st.y)) || st.trace.length >= MAX_PICKS;
    function nextIndex() {
      const k = st.trace.length, book = cfg.datasets[st.data].order;
      if (!st.edited && st.seed === cfg.seed && k < book.length) return book[k];
      return Math.floor(st.rand() * st.X.length);
    }
    function step() {
      if (!st.X.length || done()) return false;
      const i = nextIndex(), w = current(), r = rule(w, st.X[i][0], st.X[i][1], st.y[i]);
      st.trace.push({index: i, z: r.z, label: st.y[i], before: w, after: r.w, updated: r.updated,
                     converged: r.updated && allRight(r.w, st.X, st.y)});
      return true;
    }
    function stop() {
      if (st.timer) clearInterval(st.timer);
      st.timer = null;
      if (playBtn) { playBtn.textContent = "Play"; playBtn.setAttribute("aria-pressed", "false"); }
    }
    let playBtn = null;
    playBtn = ui.button("Play", function () {
      if (st.timer) { stop(); update("paused"); return; }
      playBtn.textContent = "Pause"; playBtn.setAttribute("aria-pressed", "true");
      st.timer = setInterval(function () { if (step()) update(); else { stop(); update("stopped"); } }, 350);
    });
    playBtn.setAttribute("aria-pressed", "false");

    const dataSelect = el("select", {id: ui.uid("data")}, Object.keys(cfg.datasets).map((n) => el("option", {value: n, text: n}))
      .concat([el("option", {value: "", text: "(your points)", disabled: true})]));
    dataSelect.value = st.data;
    dataSelect.addEventListener("change", () => load(dataSelect.value));
    const classSelect = el("select", {id: ui.uid("class")}, [0, 1].map((k) => el("option", {value: k, text: "class " + k})));
    classSelect.value = "1";
    classSelect.addEventListener("change", () => { st.add = Number(classSelect.value); });
    const x1 = ui.number("x1", 0.5, {min: lo, max: hi, step: 0.1, width: "4.5em"});
    const x2 = ui.number("x2", -0.5, {min: lo, max: hi, step: 0.1, width: "4.5em"});
    function addPoint(p) {
      st.X.push(p); st.y.push(st.add); st.edited = true;
      dataSelect.value = "";
      reset(st.seed, "added a point of class " + st.add + " at (" + ui.fmt(p[0]) + ", " + ui.fmt(p[1]) + "); the run starts over");
    }
    const seedBox = ui.number("seed", st.seed, {min: 0, step: 1, width: "5em", onInput: function (s) {
      if (Number.isInteger(s) && s >= 0) reset(s, "seed " + s + ": new start weights and picks");
    }});
    const plot = svg("svg", {viewBox: "0 0 " + (M + PX + 8) + " " + (PX + 40), width: M + PX + 8, role: "img",
      "aria-label": cfg.alt + " Click to add a point of the chosen class.", style: "font:12px sans-serif;cursor:crosshair"});
    plot.addEventListener("click", function (event) {
      const box = plot.getBoundingClientRect(), scale = (M + PX + 8) / box.width;
      const px = (event.clientX - box.left) * scale, py = (event.clientY - box.top) * scale;
      const x = lo + (px - M) * (hi - lo) / PX, y = hi - (py - 8) * (hi - lo) / PX;
      if (x >= lo && x <= hi && y >= lo && y <= hi) addPoint([Math.round(x * 100) / 100, Math.round(y * 100) / 100]);
    });
    const text = el("pre", {class: "nnkit-stepper-text", style: "white-space:pre-wrap;font-size:.85em;color:inherit;background:none"});
    const status = ui.status();
    root.appendChild(el("div", {class: "nnkit-stepper-live"}, [
      ui.row([el("span", {class: "nnkit-live-field"}, [el("label", {for: dataSelect.id, text: "data set"}), dataSelect]),
              ui.button("step", function () { stop(); step(); update(); }), playBtn,
              ui.button("run to the end", function () { stop(); let n = 0; while (n < 2000 && step()) n++; update("ran " + n + " picks"); }),
              ui.button("back to start", () => reset(st.seed, "back to the start weights")),
              ui.button("new seed", function () { seedBox.input.value = st.seed + 1; reset(st.seed + 1, "seed " + (st.seed + 1) + ": new start weights and picks"); }),
              seedBox.wrap]),
      ui.row([el("span", {class: "nnkit-live-field"}, [el("label", {for: classSelect.id, text: "add points of"}), classSelect]),
              x1.wrap, x2.wrap,
              ui.button("add point", function () {
                const a = x1.input.valueAsNumber, b = x2.input.valueAsNumber;
                if (Number.isFinite(a) && Number.isFinite(b)) addPoint([a, b]);
                else update("type two numbers for x1 and x2");
              }),
              ui.button("clear points", function () { st.X = []; st.y = []; st.edited = true; dataSelect.value = ""; reset(st.seed, "all points removed"); })]),
      plot, el("p", {style: "font-size:.85em;margin:.2em 0", text: "Class 0: blue circles, class 1: orange " +
        "squares; shading: the side the perceptron calls class 0 or 1. Ring: the point just picked; dashed " +
        "line: the boundary before an update, solid line: after."}), text, status]));

    function line(w, attrs) {
      if (w[1] === 0 && w[2] === 0) return;
      const t = [lo, hi], steep = Math.abs(w[2]) >= Math.abs(w[1]);
      const xs = steep ? t : t.map((v) => -(w[0] + w[2] * v) / w[1]);
      const ys = steep ? t.map((v) => -(w[0] + w[1] * v) / w[2]) : t;
      plot.appendChild(svg("line", Object.assign({x1: sx(xs[0]), y1: sy(ys[0]), x2: sx(xs[1]), y2: sy(ys[1]),
        "clip-path": "url(#" + clipId + ")", style: "stroke:" + C.text}, attrs)));
    }
    const clipId = ui.uid("clip");

    function describe() {
      const n = st.trace.length;
      if (!st.X.length) return "no points: click the plot or type x1, x2 to add some";
      if (n === 0) {
        return "start: weights w = " + f2(st.w0) + " (seed " + st.seed + ")\n" +
          (allRight(st.w0, st.X, st.y) ? "every point is already right: nothing to do" : "step forward to pick a point");
      }
      const s = st.trace[n - 1];
      let tail = s.updated ? "w ← w " + (s.label === 1 ? "+" : "−") + " x: " + f2(s.before) + " → " + f2(s.after)
        : "correct: no update";
      if (s.converged) tail += "\nevery point is right: the rule stops";
      else if (n >= MAX_PICKS) tail += "\n" + MAX_PICKS + " picks: the stepper stops here";
      return "pick " + n + ": point " + s.index + " (class " + s.label + "), z = wᵀx = " +
        (s.z >= 0 ? "+" : "−") + Math.abs(s.z).toFixed(2) + " " + (s.z >= 0 ? "≥" : "<") + " 0\n" + tail;
    }

    function update(message) {
      const w = current(), n = st.trace.length, s = n ? st.trace[n - 1] : null;
      plot.textContent = "";
      plot.appendChild(svg("clipPath", {id: clipId}, [svg("rect", {x: M, y: 8, width: PX, height: PX})]));
      const square = [[lo, lo], [hi, lo], [hi, hi], [lo, hi]];
      [[-1, "#0072B2"], [1, "#E69F00"]].forEach(function (side) {
        const poly = ui.clip(square, w, side[0]);
        if (poly.length > 2) {
          plot.appendChild(svg("polygon", {points: poly.map((p) => sx(p[0]).toFixed(1) + "," + sy(p[1]).toFixed(1)).join(" "),
            fill: side[1], "fill-opacity": 0.2}));
        }
      });
      plot.appendChild(svg("rect", {x: M, y: 8, width: PX, height: PX, fill: "none", style: "stroke:" + C.border}));
      [lo + 0.25, 0, hi - 0.25].forEach(function (v) {
        plot.appendChild(svg("text", {x: sx(v), y: 8 + PX + 14, "text-anchor": "middle", style: "fill:" + C.text, text: ui.fmt(v)}));
        plot.appendChild(svg("text", {x: M - 4, y: sy(v) + 4, "text-anchor": "end", style: "fill:" + C.text, text: ui.fmt(v)}));
      });
      plot.appendChild(svg("text", {x: M + PX / 2, y: PX + 36, "text-anchor": "middle", style: "fill:" + C.text, text: "x1"}));
      plot.appendChild(svg("text", {x: 10, y: 8 + PX / 2, "text-anchor": "middle", style: "fill:" + C.text, text: "x2",
        transform: "rotate(-90 10 " + (8 + PX / 2) + ")"}));
      if (s && s.updated) line(s.before, {"stroke-dasharray": "5 4", "stroke-width": 1.2, class: "nnkit-before"});
      line(w, {"stroke-width": 2, class: "nnkit-after"});
      st.X.forEach(function (p, i) {
        const a = {stroke: "#fff", "stroke-width": 0.8, fill: st.y[i] ? "#E69F00" : "#0072B2", class: "nnkit-point"};
        plot.appendChild(st.y[i] ? svg("rect", Object.assign({x: sx(p[0]) - 5, y: sy(p[1]) - 5, width: 10, height: 10}, a))
          : svg("circle", Object.assign({cx: sx(p[0]), cy: sy(p[1]), r: 5.5}, a)));
      });
      if (s) {
        const p = st.X[s.index];
        plot.appendChild(svg("circle", {cx: sx(p[0]), cy: sy(p[1]), r: 11, fill: "none", "stroke-width": 2, style: "stroke:" + C.text}));
      }
      text.textContent = describe();
      if (message !== undefined || n) status.textContent = (message ? message + ". " : "") + text.textContent.replace(/\n/g, ". ");
      root.dataset.state = JSON.stringify({w: w, picks: n, points: st.X.length});
    }
    load(st.data);
  }

  live.perceptron_stepper = {compute: compute};
  ui.mountAll("perceptron_stepper", mount);
})();
