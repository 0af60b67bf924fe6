/* Chapter 1's curse-of-dimensionality explorer, computed in the page: window.nnkitLive.curse_explorer.
 *
 * The same three panels as nnkit.widgets.dimensionality.curse_explorer, for any d, N and number
 * of irrelevant features, on data sampled afresh in the page (seeded, so a seed gives the same
 * data again). The math is nnkit.dimensionality's:
 *   (a) max/min pairwise distance of N uniform points in [0, 1]^d (distance_concentration);
 *   (b) 1-NN validation accuracy with 2 relevant features (label: their mean > 1/2) and m uniform
 *       irrelevant ones, first N // 2 samples train, the rest validate, noise columns nested,
 *       averaged over repeats (accuracy_vs_irrelevant_features);
 *   (c) the exact share of the cube within r of its centre (ball_volume_fraction).
 * Entry points (plain JSON in and out; tests compare them with nnkit):
 *   compute({d, n, irrelevant, seed, n_repeats, radius}) -> {ratio, relative_contrast, mean, std,
 *       accuracy, accuracy_std, log_fraction, fraction, expected}: one sample per call.
 *   distanceStats({X}) -> {ratio, relative_contrast, mean, std} of the given points (exact).
 *   knn({X_train, y_train, X_test}) -> labels of 1-NN (first of equal distances wins).
 *   accuracies({X, y, noise, counts}) -> 1-NN validation accuracy per count of noise columns.
 *   logBallFraction({dims, radius}) -> natural log of the share, per d.
 * It also defines window.nnkitLive._plot.chart (log/linear SVG charts), used by training.js.
 */
(function () {
  "use strict";
  const live = (window.nnkitLive = window.nnkitLive || {});
  const ui = live._ui;

  /* ---------------------------------------------------------------- math */
  const LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028,
    771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
    9.9843695780195716e-6, 1.5056327351493116e-7];

  function lgamma(x) {  // ln Γ(x) for x > 0 (Lanczos, g = 7)
    if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lgamma(1 - x);
    x -= 1;
    let a = LANCZOS[0];
    const t = x + 7.5;
    for (let i = 1; i < 9; i++) a += LANCZOS[i] / (x + i);
    return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
  }

  const logBall = (d, r) => d / 2 * Math.log(Math.PI) + d * Math.log(r) - lgamma(d / 2 + 1);

  function uniform(rand, n, d) {  // n rows of d uniform numbers, as one flat Float64Array
    const X = new Float64Array(n * d);
    for (let i = 0; i < X.length; i++) X[i] = rand();
    return X;
  }

  function flat(rows, name) {
    if (!Array.isArray(rows) || !rows.length || !Array.isArray(rows[0])) {
      throw new Error(name + " must be a non-empty list of rows");
    }
    const d = rows[0].length, X = new Float64Array(rows.length * d);
    rows.forEach(function (row, i) {
      if (row.length !== d) throw new Error(name + "[" + i + "] has " + row.length + " values, not " + d);
      for (let j = 0; j < d; j++) X[i * d + j] = Number(row[j]);
    });
    return {X: X, n: rows.length, d: d};
  }

  // Summary of all distinct pairwise distances, a row at a time (a generator, so the widget can
  // spread the work over animation frames; `run` drives it to the end at once).
  function* distanceJob(X, n, d, out) {
    let lo = Infinity, hi = 0, sum = 0, sum2 = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        let s = 0;
        for (let k = 0, a = i * d, b = j * d; k < d; k++) { const t = X[a + k] - X[b + k]; s += t * t; }
        const dist = Math.sqrt(s);
        if (dist < lo) lo = dist;
        if (dist > hi) hi = dist;
        sum += dist; sum2 += s;
      }
      yield;  // a row at a time: at most n * d operations between pauses
    }
    const pairs = n * (n - 1) / 2, mean = sum / pairs;
    out.ratio = hi / lo;
    out.relative_contrast = (hi - lo) / lo;
    out.mean = mean;
    out.std = Math.sqrt(Math.max(sum2 / pairs - mean * mean, 0));
  }

  // 1-NN validation accuracy for each count of nested noise columns (counts ascending).
  function* accuracyJob(R, y, noise, n, nr, nm, counts, out) {
    const half = Math.floor(n / 2), nt = n - half, D = new Float64Array(nt * half);
    for (let i = 0; i < nt; i++) {
      for (let j = 0; j < half; j++) {
        let s = 0;
        for (let k = 0; k < nr; k++) { const t = R[(half + i) * nr + k] - R[j * nr + k]; s += t * t; }
        D[i * half + j] = s;
      }
    }
    let used = 0;
    for (let c = 0; c < counts.length; c++) {
      for (; used < counts[c]; used++) {
        for (let i = 0; i < nt; i++) {
          const t0 = noise[(half + i) * nm + used];
          for (let j = 0; j < half; j++) { const t = t0 - noise[j * nm + used]; D[i * half + j] += t * t; }
        }
        yield;
      }
      let right = 0;
      for (let i = 0; i < nt; i++) {
        let best = 0;
        for (let j = 1; j < half; j++) if (D[i * half + j] < D[i * half + best]) best = j;
        if (y[best] === y[half + i]) right++;
      }
      out[c] = right / nt;
    }
  }

  // the data for dimension d of a seed: its own stream, whatever else is computed
  const dataRng = (seed, d) => ui.rng((Math.imul(seed + 1, 0x9e3779b1) ^ d) >>> 0);

  function run(job) { for (;;) if (job.next().done) return; }

  function relevantProblem(rand, n, nr) {
    const R = uniform(rand, n, nr), y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < nr; k++) s += R[i * nr + k];
      y[i] = s / nr > 0.5 ? 1 : 0;
    }
    return {R: R, y: y};
  }

  function checkInt(value, name, lo, hi) {
    const x = Number(value);
    if (!Number.isInteger(x) || x < lo || x > hi) {
      throw new Error(name + " must be an integer from " + lo + " to " + hi + ", got " + value);
    }
    return x;
  }

  function compute(args) {
    const d = checkInt(args.d, "d", 1, 100000), n = checkInt(args.n, "n", 4, 5000);
    const m = checkInt(args.irrelevant || 0, "irrelevant", 0, 100000);
    const seed = checkInt(args.seed || 0, "seed", 0, 4294967295);
    const repeats = checkInt(args.n_repeats || 5, "n_repeats", 1, 1000);
    const r = args.radius === undefined ? 0.5 : Number(args.radius);
    if (!(r > 0 && r <= 0.5)) throw new Error("radius must be in (0, 0.5], got " + args.radius);
    const out = {};
    run(distanceJob(uniform(dataRng(seed, d), n, d), n, d, out));
    const rand = ui.rng(seed + 1000), acc = [];
    for (let k = 0; k < repeats; k++) {
      const p = relevantProblem(rand, n, 2), one = [0];
      run(accuracyJob(p.R, p.y, uniform(rand, n, m), n, 2, m, [m], one));
      acc.push(one[0]);
    }
    const mean = acc.reduce((a, b) => a + b, 0) / repeats;
    out.accuracy = mean;
    out.accuracy_std = Math.sqrt(acc.reduce((a, b) => a + (b - mean) * (b - mean), 0) / repeats);
    out.log_fraction = logBall(d, r);
    out.fraction = Math.exp(out.log_fraction);
    out.expected = n * out.fraction;
    return out;
  }

  function distanceStats(args) {
    const p = flat(args.X, "X"), out = {};
    if (p.n < 3) throw new Error("X needs at least 3 points");
    run(distanceJob(p.X, p.n, p.d, out));
    return out;
  }

  function knn(args) {
    const A = flat(args.X_train, "X_train"), B = flat(args.X_test, "X_test");
    if (A.d !== B.d) throw new Error("X_test must have " + A.d + " features like X_train");
    return Array.from({length: B.n}, function (_, i) {
      let best = 0, bestD = Infinity;
      for (let j = 0; j < A.n; j++) {
        let s = 0;
        for (let k = 0; k < A.d; k++) { const t = B.X[i * A.d + k] - A.X[j * A.d + k]; s += t * t; }
        if (s < bestD) { bestD = s; best = j; }
      }
      return args.y_train[best];
    });
  }

  function accuracies(args) {
    const p = flat(args.X, "X"), z = flat(args.noise, "noise"), out = [];
    const counts = args.counts.map((c) => checkInt(c, "counts[]", 0, z.d));
    run(accuracyJob(p.X, Int32Array.from(args.y), z.X, p.n, p.d, z.d, counts, out));
    return out;
  }

  const logBallFraction = (args) => args.dims.map((d) => logBall(d, args.radius === undefined ? 0.5 : args.radius));

  /* ---------------------------------------------------------------- charts */
  function ticks(lo, hi, log) {
    if (log === "1p") {  // axis of log10(1 + x): ticks at x = 0, 1, 10, 100...
      return [0].concat([0, 1, 2, 3, 4, 5].map((e) => Math.log10(1 + Math.pow(10, e)))).filter((t) => t <= hi + 1e-9);
    }
    if (log) {
      const a = Math.ceil(lo - 1e-9), b = Math.floor(hi + 1e-9);
      if (b - a < 1) return ticks(Math.pow(10, lo), Math.pow(10, hi), false).filter((t) => t > 0).map(Math.log10);
      const every = Math.max(1, Math.ceil((b - a + 1) / 6));
      const out = [];
      for (let e = a; e <= b; e += every) out.push(e);
      return out;
    }
    const raw = (hi - lo) / 4, mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw);
    const out = [];
    for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(t);
    return out;
  }

  function tickLabel(t, log) {
    if (!log) return ui.fmt(t, 3);
    if (log === "1p") return String(Math.round(Math.pow(10, t) - 1));
    return Math.abs(t) <= 3 ? ui.fmt(Math.pow(10, t), 3) : "1e" + t;
  }

  // An SVG chart with optional log axes: {svg, update({series, marks, xlim, ylim, note})}.
  function chart(opts) {
    const W = opts.width || 300, H = opts.height || 220, L = 46, R = 16, T = 34, B = 36;
    const C = ui.C;
    const root = ui.svg("svg", {viewBox: "0 0 " + W + " " + H, class: "nnkit-live-chart",
                                role: "img", "aria-label": opts.label || opts.title || ""});
    const layer = ui.svg("g");
    root.appendChild(layer);
    const text = (x, y, s, anchor, size) => ui.svg("text", {x: x, y: y, "text-anchor": anchor || "end",
      "font-size": size || 11, style: "fill:" + C.text, text: s});
    const tx = (v, log) => (log === "1p" ? Math.log10(1 + v) : log ? Math.log10(v) : v);
    function update(spec) {
      layer.textContent = "";
      const pts = [];
      spec.series.forEach(function (s) {
        s.ys.forEach(function (y, i) {
          const x = s.xs ? s.xs[i] : i;
          if (Number.isFinite(y) && (!opts.ylog || y > 0)) pts.push([tx(x, opts.xlog), tx(y, opts.ylog)]);
        });
      });
      (spec.marks || []).forEach((m) => { if (Number.isFinite(m.y)) pts.push([tx(m.x, opts.xlog), tx(m.y, opts.ylog)]); });
      const range = function (k, given, log) {
        if (given) return [tx(given[0], log), tx(given[1], log)];
        let lo = Math.min.apply(null, pts.map((p) => p[k])), hi = Math.max.apply(null, pts.map((p) => p[k]));
        if (!Number.isFinite(lo)) { lo = 0; hi = 1; }
        if (hi - lo < 1e-9) { lo -= 0.5; hi += 0.5; }
        return [lo, hi];
      };
      const [x0, x1] = range(0, spec.xlim, opts.xlog), [y0, y1] = range(1, spec.ylim, opts.ylog);
      const sx = (x) => L + (W - L - R) * (x - x0) / (x1 - x0);
      const sy = (y) => T + (H - T - B) * (y1 - Math.min(Math.max(y, y0), y1)) / (y1 - y0);
      const axis = "stroke:" + C.border;
      layer.appendChild(ui.svg("rect", {x: L, y: T, width: W - L - R, height: H - T - B, fill: "none", style: axis}));
      ticks(x0, x1, opts.xlog).forEach(function (t) {
        layer.appendChild(ui.svg("line", {x1: sx(t), x2: sx(t), y1: H - B, y2: H - B + 4, style: axis}));
        layer.appendChild(text(sx(t), H - B + 15, tickLabel(t, opts.xlog), "middle", 10));
      });
      ticks(y0, y1, opts.ylog).forEach(function (t) {
        layer.appendChild(ui.svg("line", {x1: L - 4, x2: L, y1: sy(t), y2: sy(t), style: axis}));
        layer.appendChild(text(L - 6, sy(t) + 3.5, tickLabel(t, opts.ylog), "end", 10));
      });
      layer.appendChild(text((L + W - R) / 2, H - 4, opts.xlabel || "", "middle"));
      layer.appendChild(text(4, T - 8, opts.ylabel || "", "start"));  // the title above it
      if (opts.title) layer.appendChild(text(4, 13, opts.title, "start", 12)).style.fontWeight = "bold";
      let row = 0;
      spec.series.forEach(function (s) {
        const line = s.ys.map(function (y, i) {
          const x = s.xs ? s.xs[i] : i;
          if (!Number.isFinite(y) || (opts.ylog && y <= 0)) return null;
          return sx(tx(x, opts.xlog)).toFixed(1) + "," + sy(tx(y, opts.ylog)).toFixed(1);
        }).filter(Boolean).join(" ");
        layer.appendChild(ui.svg("polyline", {points: line, fill: "none", "stroke-width": s.width || 2,
          "stroke-dasharray": s.dashed ? "4 3" : null, style: "stroke:" + (s.color || C.class0)}));
        if (s.label) {
          layer.appendChild(text(W - R - 4, T + 13 + 12 * row++, s.label, "end", 10)).style.fill = s.color || C.class0;
        }
      });
      (spec.marks || []).forEach(function (m) {
        if (!Number.isFinite(m.y) || (opts.ylog && m.y <= 0)) return;
        layer.appendChild(ui.svg("circle", {cx: sx(tx(m.x, opts.xlog)), cy: sy(tx(m.y, opts.ylog)), r: 5,
          style: "fill:" + (m.color || C.accent)}));
      });
      if (spec.note) {  // top right, under the series' labels (as the notebook's labels)
        const below = spec.series.filter((s) => s.label).length;
        spec.note.split("\n").forEach(function (line, i) {
          layer.appendChild(text(W - R - 4, T + 14 + 12 * below + 13 * i, line, "end", 11));
        });
      }
    }
    return {svg: root, update: update};
  }

  // Runs generator jobs in animation frames, about 8 ms of work per frame.
  function scheduler() {
    let current = null, frame = null;
    function tick() {
      frame = null;
      if (!current) return;
      const start = performance.now();
      while (performance.now() - start < 8) {
        if (current.job.next().done) { const done = current.done; current = null; done(); return; }
      }
      frame = requestAnimationFrame(tick);
    }
    return function (job, done) {  // replaces the running job
      current = {job: job, done: done};
      if (frame === null) frame = requestAnimationFrame(tick);
    };
  }

  live._plot = {chart: chart, ticks: ticks, scheduler: scheduler};

  /* ---------------------------------------------------------------- the widget */
  function mount(root, config) {
    const C = ui.C, r = config.radius || 0.5, repeats = config.n_repeats || 5;
    const s = {d: config.d || 10, n: config.N || 100, m: config.irrelevant || 0, seed: config.seed || 0};
    const panels = {
      a: chart({title: "(a) distances concentrate", xlabel: "dimension d", ylabel: "max / min distance",
                xlog: true, ylog: true, label: "max/min distance ratio against dimension"}),
      b: chart({title: "(b) 1-NN accuracy", xlabel: "irrelevant features (+ 2 relevant)",
                ylabel: "validation accuracy", xlog: "1p", label: "1-nearest-neighbour accuracy against irrelevant features"}),
      c: chart({title: "(c) neighbourhoods empty out", xlabel: "dimension d", ylabel: "share within r = " + r,
                xlog: true, label: "share of the cube near its centre against dimension"}),
    };
    const status = ui.status();
    const limits = {d: [1, config.max_d || 1000], n: [4, config.max_N || 1000], m: [0, config.max_irrelevant || 500]};
    const field = (label, key) => {
      const f = ui.number(label, s[key], {min: limits[key][0], max: limits[key][1], step: 1, onInput: function (x) {
        const ok = Number.isInteger(x) && x >= limits[key][0] && x <= limits[key][1];
        f.input.setAttribute("aria-invalid", String(!ok));  // e.g. N = 5000: kept at its last valid value
        if (ok) { s[key] = x; refresh(); }
      }});
      return f;
    };
    const fields = {d: field("d (dimension)", "d"), n: field("N (points)", "n"), m: field("irrelevant features", "m")};
    const seedOut = ui.el("output", {text: "seed " + s.seed});
    const again = ui.button("New sample", function () { s.seed += 1; seedOut.textContent = "seed " + s.seed; refresh(); },
                            "New sample: draw new random data (next seed)");
    root.appendChild(ui.row([fields.d.wrap, fields.n.wrap, fields.m.wrap, again, seedOut]));
    const figs = ui.el("div", {class: "nnkit-live-row"}, [panels.a.svg, panels.b.svg, panels.c.svg]);
    Array.from(figs.children).forEach((svg) => { svg.style.flex = "1 1 240px"; svg.style.maxWidth = "340px"; });
    root.appendChild(figs);
    root.appendChild(status);
    root.appendChild(ui.el("p", {class: "nnkit-live-note", style: "font-size:.85em;color:" + C.text,
      text: "Computed in your browser on data sampled for this seed; the notebook's widget shows nnkit's " +
            "curves, precomputed with fixed seeds."}));
    const schedule = scheduler();
    const dimsGrid = config.dims || [2, 3, 5, 10, 20, 50, 100, 200, 500, 1000];
    const countsGrid = config.irrelevant_counts || [0, 1, 2, 5, 10, 20, 50, 100, 200];
    const union = (grid, x) => Array.from(new Set(grid.concat([x]))).sort((a, b) => a - b);

    function drawC() {
      const dims = union(dimsGrid, s.d), fr = dims.map((d) => Math.exp(logBall(d, r)));
      const logf = logBall(s.d, r), expected = Math.log10(s.n) + logf / Math.LN10;
      panels.c.update({series: [{xs: dims, ys: fr}], marks: [{x: s.d, y: Math.exp(logf)}], ylim: [-0.03, 1.05],
        note: "share " + power(logf / Math.LN10) + "\n" + power(expected) + " of " + s.n + " points"});
      return {logf: logf, expected: expected};
    }

    function* everything(res) {
      const dims = union(dimsGrid, s.d), counts = union(countsGrid, s.m);
      res.dims = dims; res.ratio = dims.map(() => NaN); res.counts = counts;
      res.acc = counts.map(() => NaN);
      // the current setting first, so its marker appears soonest
      const order = [dims.indexOf(s.d)].concat(dims.map((_, i) => i).filter((i) => dims[i] !== s.d));
      for (const i of order) {
        const out = {}, X = uniform(dataRng(s.seed, dims[i]), s.n, dims[i]);
        yield;
        yield* distanceJob(X, s.n, dims[i], out);
        res.ratio[i] = out.ratio;
        drawA(res);
      }
      const arand = ui.rng(s.seed + 1000), sums = counts.map(() => 0), top = counts[counts.length - 1];
      for (let k = 0; k < repeats; k++) {
        const p = relevantProblem(arand, s.n, 2), one = [];
        yield* accuracyJob(p.R, p.y, uniform(arand, s.n, top), s.n, 2, top, counts, one);
        one.forEach((a, c) => { sums[c] += a; });
        res.acc = sums.map((t) => t / (k + 1));
        res.repeats = k + 1;
        drawB(res);
      }
    }

    function drawA(res) {
      const i = res.dims.indexOf(s.d);
      const top = Math.max.apply(null, res.ratio.filter(Number.isFinite).concat([2]));
      panels.a.update({series: [{xs: res.dims, ys: res.ratio}], marks: [{x: s.d, y: res.ratio[i]}], ylim: [1, 1.5 * top],
        note: Number.isFinite(res.ratio[i]) ? "max/min = " + res.ratio[i].toFixed(2) : "computing..."});
    }

    function drawB(res) {
      const xs = res.counts, j = res.counts.indexOf(s.m);
      panels.b.update({series: [{xs: xs, ys: res.acc}, {xs: [0, xs[xs.length - 1]], ys: [0.5, 0.5], dashed: true,
        color: C.muted, width: 1, label: "guessing"}], marks: [{x: s.m, y: res.acc[j]}],
        ylim: [0.4, 1.02], note: res.repeats ? "accuracy " + Math.round(100 * res.acc[j]) + "%" : "computing..."});
    }

    function power(log10) {
      if (log10 > -300) { const v = Math.pow(10, log10); return v >= 0.01 ? v.toPrecision(2) : v.toExponential(1); }
      return "10^" + Math.round(log10);
    }

    function refresh() {
      const c = drawC(), res = {repeats: 0};
      status.textContent = "Sampling d = " + s.d + ", N = " + s.n + "...";
      schedule(everything(res), function () {
        const i = res.dims.indexOf(s.d), j = res.counts.indexOf(s.m);
        status.textContent = "d = " + s.d + ", N = " + s.n + ", " + s.m + " irrelevant features (seed " + s.seed +
          "): max/min distance " + res.ratio[i].toFixed(2) + "; 1-NN accuracy " + Math.round(100 * res.acc[j]) +
          "% (mean of " + repeats + " data sets); share within r = " + r + ": " + power(c.logf / Math.LN10) +
          ", about " + power(c.expected) + " of the " + s.n + " points.";
        root.setAttribute("data-ready", s.d + "-" + s.n + "-" + s.m + "-" + s.seed);
      });
    }
    refresh();
  }

  live.curse_explorer = {compute: compute, distanceStats: distanceStats, knn: knn, accuracies: accuracies,
                         logBallFraction: logBallFraction, lgamma: lgamma};
  ui.mountAll("curse_explorer", mount);
})();
