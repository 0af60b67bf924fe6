/* Chapter 6's training explorer, trained in the page: window.nnkitLive.training_explorer.
 *
 * A small MLP (2 inputs, hidden layers of sigmoid, tanh or ReLU units, one sigmoid output and
 * binary cross-entropy) learns the 120 spiral points of nnkit.widgets.training.spiral_data while
 * the loss and each layer's gradient norm unfold, epoch by epoch, in animation frames. The math
 * is nnkit.mlp.MLP's: weights N(0, 2/n_in) (He), N(0, 2/(n_in + n_out)) (Xavier) or 0, biases 0;
 * z = a W + b; delta = (p - y) / batch, dW = a^T delta, db = sum(delta), delta <- (delta W^T) h'(z);
 * SGD, momentum (v <- 0.9 v + g) and Adam (0.9, 0.999, 1e-8) as in nnkit.mlp; mini-batches of a
 * fresh permutation every epoch. Only the random numbers differ from numpy's.
 *   compute({X, y, weights | (hidden_units, hidden_layers, init, seed), activation, optimizer,
 *            learning_rate, batch_size, epochs, orders?}) -> {loss, accuracy, gradient_norms,
 *            identical, diverged_at, weights}: per epoch from the start (index 0 = before
 *            training); weights = [[W (n_in x n_out), b], ...]; orders = one permutation of the
 *            samples per epoch (else shuffled with the seed).
 * Needs 00-core.js (window.nnkitLive._ui) and curse.js (window.nnkitLive._plot), loaded before it.
 */
(function () {
  "use strict";
  const live = (window.nnkitLive = window.nnkitLive || {});
  const ui = live._ui;
  // the thresholds of nnkit.widgets.training (its live_config passes them to the page)
  const LIMITS = {divergence_factor: 10, vanishing_ratio: 20, stuck_epochs: 10, stuck_fraction: 0.95};

  const sig = function (z) { const e = Math.exp(-Math.abs(z)); return z >= 0 ? 1 / (1 + e) : e / (1 + e); };
  const ACT = {
    sigmoid: [sig, function (z) { const s = sig(z); return s * (1 - s); }],
    tanh: [Math.tanh, function (z) { const t = Math.tanh(z); return 1 - t * t; }],
    relu: [(z) => (z > 0 ? z : 0), (z) => (z > 0 ? 1 : 0)],
  };

  function gauss(rand) {  // standard normal by Box-Muller
    const u = 1 - rand(), v = rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  function network(sizes, init, rand) {
    return sizes.slice(1).map(function (nout, l) {
      const nin = sizes[l], W = new Float64Array(nin * nout), sd = Math.sqrt(init === "he" ? 2 / nin : 2 / (nin + nout));
      if (init !== "zeros") for (let i = 0; i < W.length; i++) W[i] = sd * gauss(rand);
      return {nin: nin, nout: nout, W: W, b: new Float64Array(nout)};
    });
  }

  function fromWeights(weights) {
    return weights.map(function (pair, l) {
      const rows = pair[0], nin = rows.length, nout = rows[0].length, W = new Float64Array(nin * nout);
      rows.forEach(function (row, i) {
        if (row.length !== nout) throw new Error("weights[" + l + "][0] must be a rectangular matrix");
        row.forEach((w, j) => { W[i * nout + j] = w; });
      });
      if (pair[1].length !== nout) throw new Error("weights[" + l + "][1] must have " + nout + " biases");
      if (l && weights[l - 1][0][0].length !== nin) throw new Error("weights[" + l + "][0] must have " + weights[l - 1][0][0].length + " rows");
      return {nin: nin, nout: nout, W: W, b: Float64Array.from(pair[1])};
    });
  }

  // Forward pass on the rows idx of X (flat, 2 columns): z and a of every layer.
  function forward(net, h, X, idx) {
    const n = idx.length, zs = [], as = [];
    let a = new Float64Array(n * 2);
    idx.forEach((r, i) => { a[2 * i] = X[2 * r]; a[2 * i + 1] = X[2 * r + 1]; });
    as.push(a);
    net.forEach(function (L, l) {
      const z = new Float64Array(n * L.nout), out = new Float64Array(n * L.nout), f = l < net.length - 1 ? h[0] : sig;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < L.nout; j++) {
          let s = 0;
          for (let k = 0; k < L.nin; k++) s += a[i * L.nin + k] * L.W[k * L.nout + j];
          s += L.b[j];
          z[i * L.nout + j] = s;
          out[i * L.nout + j] = f(s);
        }
      }
      zs.push(z); as.push(out); a = out;
    });
    return {zs: zs, as: as};
  }

  function lossOf(z, y, idx) {  // binary cross-entropy from the logits: ln(1 + e^z) - y z
    let s = 0;
    idx.forEach(function (r, i) {
      const x = z[i], lse = x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
      s += lse - y[r] * x;
    });
    return s / idx.length;
  }

  function backprop(net, h, X, y, idx) {
    const f = forward(net, h, X, idx), n = idx.length, grads = [];
    let delta = new Float64Array(n);
    idx.forEach((r, i) => { delta[i] = (f.as[net.length][i] - y[r]) / n; });
    for (let l = net.length - 1; l >= 0; l--) {
      const L = net[l], a = f.as[l], dW = new Float64Array(L.nin * L.nout), db = new Float64Array(L.nout);
      for (let k = 0; k < L.nin; k++) {
        for (let j = 0; j < L.nout; j++) {
          let s = 0;
          for (let i = 0; i < n; i++) s += a[i * L.nin + k] * delta[i * L.nout + j];
          dW[k * L.nout + j] = s;
        }
      }
      for (let i = 0; i < n; i++) for (let j = 0; j < L.nout; j++) db[j] += delta[i * L.nout + j];
      grads[l] = [dW, db];
      if (l > 0) {
        const back = new Float64Array(n * L.nin), z = f.zs[l - 1];
        for (let i = 0; i < n; i++) {
          for (let k = 0; k < L.nin; k++) {
            let s = 0;
            for (let j = 0; j < L.nout; j++) s += delta[i * L.nout + j] * L.W[k * L.nout + j];
            back[i * L.nin + k] = s * h[1](z[i * L.nin + k]);
          }
        }
        delta = back;
      }
    }
    grads.forward = f;
    return grads;
  }

  function optimizer(name, rate) {
    if (!(name in {sgd: 1, momentum: 1, adam: 1})) throw new Error("optimizer must be sgd, momentum or adam, got " + name);
    const state = new Map();
    let t = 0;
    return function step(params, grads) {
      t += 1;
      params.forEach(function (theta, p) {
        const g = grads[p];
        if (!state.has(p)) state.set(p, [new Float64Array(g.length), new Float64Array(g.length)]);
        const [m, v] = state.get(p);
        for (let i = 0; i < g.length; i++) {
          if (name === "sgd") theta[i] -= rate * g[i];
          else if (name === "momentum") { m[i] = m[i] * 0.9 + g[i]; theta[i] -= rate * m[i]; } else {
            m[i] += (1 - 0.9) * (g[i] - m[i]);
            v[i] += (1 - 0.999) * (g[i] * g[i] - v[i]);
            const mh = m[i] / (1 - Math.pow(0.9, t)), vh = v[i] / (1 - Math.pow(0.999, t));
            theta[i] -= rate * (mh / (Math.sqrt(vh) + 1e-8));
          }
        }
      });
    };
  }

  function shuffle(n, rand) {
    const p = Array.from({length: n}, (_, i) => i);
    for (let i = n - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)), t = p[i]; p[i] = p[j]; p[j] = t; }
    return p;
  }

  // One network in training, epoch by epoch, with a record of every epoch (as TrainingRun).
  function Run(s, X, y, weights) {
    const sizes = [2].concat(Array(s.hidden_layers).fill(s.hidden_units), [1]);
    if (!ACT[s.activation]) throw new Error("activation must be sigmoid, tanh or relu, got " + s.activation);
    if (!(s.learning_rate > 0)) throw new Error("learning_rate must be > 0, got " + s.learning_rate);
    const n = y.length, rand = ui.rng(s.seed || 0), all = Array.from({length: n}, (_, i) => i);
    const run = {net: weights ? fromWeights(weights) : network(sizes, s.init, rand), h: ACT[s.activation],
      step: optimizer(s.optimizer, s.learning_rate), losses: [], records: [], done: 0, diverged_at: null,
      share: y.reduce((a, b) => a + b, 0) / n};
    const bs = Math.max(1, Math.min(n, s.batch_size || n));
    run.record = function () {
      const grads = backprop(run.net, run.h, X, y, all), f = grads.forward, p = f.as[run.net.length];
      let right = 0;
      all.forEach((r, i) => { if ((p[i] >= 0.5 ? 1 : 0) === y[r]) right++; });
      const norms = grads.map((g) => Math.sqrt(g[0].reduce((a, w) => a + w * w, 0)));
      return {loss: lossOf(f.zs[run.net.length - 1], y, all), accuracy: right / n, gradient_norms: norms,
              identical: identical(run.net)};
    };
    run.epoch = function (order) {
      if (run.diverged_at !== null) return false;
      order = order || shuffle(n, rand);
      for (let start = 0; start < n; start += bs) {
        const grads = backprop(run.net, run.h, X, y, order.slice(start, start + bs));
        const params = [], flat = [];
        run.net.forEach((L, l) => { params.push(L.W, L.b); flat.push(grads[l][0], grads[l][1]); });
        run.step(params, flat);
      }
      const rec = run.record();
      if (!Number.isFinite(rec.loss)) { run.diverged_at = run.done + 1; return false; }
      run.done += 1;
      run.losses.push(rec.loss);
      run.records.push(rec);
      if (rec.loss > (s.divergence_factor || LIMITS.divergence_factor) * run.losses[0]) run.diverged_at = run.done;
      return true;
    };
    const first = run.record();
    run.losses.push(first.loss);
    run.records.push(first);
    return run;
  }

  function identical(net) {  // all units of every hidden layer copies of each other (atol 1e-12)
    return net.length > 1 && net.slice(0, -1).every(function (L, l) {
      const next = net[l + 1];
      for (let j = 1; j < L.nout; j++) {
        for (let k = 0; k < L.nin; k++) if (Math.abs(L.W[k * L.nout + j] - L.W[k * L.nout]) > 1e-12) return false;
        if (Math.abs(L.b[j] - L.b[0]) > 1e-12) return false;
        for (let o = 0; o < next.nout; o++) if (Math.abs(next.W[j * next.nout + o] - next.W[o]) > 1e-12) return false;
      }
      return true;
    });
  }

  function data(args) {
    if (!Array.isArray(args.X) || !Array.isArray(args.y) || args.X.length !== args.y.length) {
      throw new Error("X (n rows of 2 numbers) and y (n labels 0/1) must have the same length");
    }
    const X = new Float64Array(args.X.length * 2);
    args.X.forEach((row, i) => { X[2 * i] = row[0]; X[2 * i + 1] = row[1]; });
    return {X: X, y: Int32Array.from(args.y)};
  }

  function compute(args) {
    const d = data(args), run = Run(args, d.X, d.y, args.weights);
    for (let e = 0; e < (args.epochs || 0); e++) {
      if (!run.epoch(args.orders ? args.orders[e] : undefined)) break;
    }
    return {loss: run.losses, accuracy: run.records.map((r) => r.accuracy),
            gradient_norms: run.records.map((r) => r.gradient_norms),
            identical: run.records.map((r) => r.identical), diverged_at: run.diverged_at,
            weights: run.net.map((L) => [Array.from({length: L.nin}, (_, k) => Array.from(L.W.slice(k * L.nout, (k + 1) * L.nout))),
                                          Array.from(L.b)])};
  }

  // The status line: progress and the failure shown, if any (nnkit.widgets.training.describe).
  function describe(run, epoch, shown, layers, limits) {
    const lim = Object.assign({}, LIMITS, limits || {});
    const v = 100 * run.records[shown].accuracy, pct = Math.abs(v % 1) === 0.5 ? 2 * Math.round(v / 2) : Math.round(v);
    const rec = run.records[shown], lines = ["epoch " + shown + ": loss " + rec.loss.toFixed(3) + ", accuracy " +
      pct + "%"];  // rounded half to even, as Python's {:.0%}
    const diverged = run.diverged_at !== null && epoch >= run.diverged_at;
    if (diverged) {
      lines.push("DIVERGED in epoch " + run.diverged_at + ": the loss exploded (over " + lim.divergence_factor +
                 "x its start, or infinite). The learning rate is too large.");
    } else if (shown < epoch) lines.push("training: epoch " + shown + " of " + epoch + "...");
    if (rec.identical && layers > 0) {
      lines.push("SYMMETRY: all hidden units are identical (zero initialisation) and stay so.");
    }
    const ratio = (n) => n[n.length - 1] / Math.max(n[0], 1e-300), start = run.records[0];
    const exp = (x) => x.toExponential(0).replace(/e([+-])(\d)$/, "e$10$2");  // Python's {:.0e}
    const vanishing = (r) => !r.identical && r.gradient_norms[r.gradient_norms.length - 1] > 0 && ratio(r.gradient_norms) > lim.vanishing_ratio;
    if (!diverged && vanishing(rec)) {
      lines.push("VANISHING GRADIENTS: layer 1's gradient is " + exp(ratio(rec.gradient_norms)) +
                 " times smaller than the last layer's.");
    } else if (!diverged && vanishing(start)) {
      lines.push("VANISHING GRADIENTS at the start: layer 1's gradient was " + exp(ratio(start.gradient_norms)) +
                 " times smaller than the last layer's (now " + ratio(rec.gradient_norms).toFixed(1) + " times).");
    }
    const q = run.share, guess = -(q * Math.log(q) + (1 - q) * Math.log(1 - q));  // a constant guess's loss
    if (!diverged && shown >= lim.stuck_epochs && rec.loss > lim.stuck_fraction * guess) {
      lines.push("STUCK: the loss is no better than a constant guess of the class shares (" + guess.toFixed(3) +
                 "): the network has learned nothing yet.");
    }
    return lines.join("\n");
  }

  /* ---------------------------------------------------------------- the widget */
  function select(label, options, value, onChange) {
    const id = ui.uid("select");
    const input = ui.el("select", {id: id, class: "nnkit-live-select"}, options.map((o) =>
      ui.el("option", {value: String(o[1]), selected: String(o[1]) === String(value), text: o[0]})));
    input.addEventListener("change", () => onChange(input.value));
    return {wrap: ui.el("span", {class: "nnkit-live-field"}, [ui.el("label", {for: id, text: label}), input]), input: input};
  }

  function mount(root, config) {
    const C = ui.C, plot = live._plot, MESH = 50, max = config.max_epochs || 100;
    const d = data(config), palette = config.palette || ["#0072B2", "#E69F00"];
    const s = Object.assign({seed: 0}, config.settings);
    const pad = 0.3, lo = [Infinity, Infinity], hi = [-Infinity, -Infinity];
    config.X.forEach((p) => [0, 1].forEach((k) => { lo[k] = Math.min(lo[k], p[k] - pad); hi[k] = Math.max(hi[k], p[k] + pad); }));
    const mesh = new Float64Array(MESH * MESH * 2), meshIdx = [];
    for (let i = 0; i < MESH; i++) {
      for (let j = 0; j < MESH; j++) {
        const r = i * MESH + j;
        mesh[2 * r] = lo[0] + (hi[0] - lo[0]) * j / (MESH - 1);
        mesh[2 * r + 1] = lo[1] + (hi[1] - lo[1]) * i / (MESH - 1);
        meshIdx.push(r);
      }
    }
    let run = null, kept = [], regions = null, target = 0, playing = false, frame = null;

    const controls = ui.row([]);
    const choose = (label, key, numeric) => {
      const field = select(label, config.options[key], s[key], function (value) {
        s[key] = numeric ? Number(value) : value; restart();
      });
      controls.appendChild(field.wrap);
      return field;
    };
    [["learning rate", "learning_rate", 1], ["batch size", "batch_size", 1], ["hidden units", "hidden_units", 1],
     ["hidden layers", "hidden_layers", 1], ["optimizer", "optimizer", 0], ["initialisation", "init", 0],
     ["activation", "activation", 0]].forEach((c) => choose(c[0], c[1], c[2]));
    const epochs = ui.slider("epochs", 0, {min: 0, max: max, step: 1, onInput: function (x) {
      target = x; playing = false; play.textContent = "Play"; go();
    }});
    const play = ui.button("Play", function () {
      playing = !playing;
      play.textContent = playing ? "Pause" : "Play";
      if (playing) { if (run.done >= max || run.diverged_at !== null) restart(); target = max; go(); }
    }, "Play or pause training");
    const reseed = ui.button("New start", function () { s.seed += 1; restart(); }, "New start: train again from new random weights");
    const seedOut = ui.el("output", {text: "seed 0"});
    root.appendChild(controls);
    root.appendChild(ui.row([epochs.wrap, play, reseed, seedOut]));

    const canvas = ui.el("canvas", {width: 240, height: 240, role: "img",
      "aria-label": "Decision regions of the network over the two spirals", class: "nnkit-live-regions"});
    canvas.style.cssText = "width:240px;max-width:100%;height:auto;flex:0 1 240px";
    const lossChart = plot.chart({title: "training loss", xlabel: "epoch", ylabel: "loss", ylog: true,
                                  label: "training loss against epochs"});
    const gradChart = plot.chart({title: "gradient per layer", xlabel: "epoch", ylabel: "||dJ/dW||", ylog: true,
                                  label: "gradient norm of each layer against epochs"});
    [lossChart.svg, gradChart.svg].forEach((g) => { g.style.flex = "1 1 240px"; g.style.maxWidth = "320px"; });
    root.appendChild(ui.el("div", {class: "nnkit-live-row"}, [canvas, lossChart.svg, gradChart.svg]));
    const status = ui.status();
    status.style.whiteSpace = "pre-line";
    root.appendChild(status);
    root.appendChild(ui.el("p", {style: "font-size:.85em;color:" + C.text, text: "Trained in your browser with " +
      "nnkit's formulas; only the random starting weights and the shuffling differ from the notebook's."}));

    const small = document.createElement("canvas");
    small.width = small.height = MESH;
    const hex = (c) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
    const c0 = hex(palette[0]), c1 = hex(palette[1]), mid = [247, 247, 247];
    function draw(shown) {
      if (!regions || regions.run !== run || regions.epoch !== shown) {  // only the epoch shown
        const net = kept[shown];
        regions = {run: run, epoch: shown, p: forward(net, run.h, mesh, meshIdx).as[net.length]};
      }
      const g = small.getContext("2d"), img = g.createImageData(MESH, MESH), p = regions.p;
      for (let r = 0; r < MESH * MESH; r++) {
        const t = p[r], row = MESH - 1 - Math.floor(r / MESH), o = 4 * (row * MESH + r % MESH);
        for (let k = 0; k < 3; k++) {
          const c = t < 0.5 ? c0[k] + (mid[k] - c0[k]) * 2 * t : mid[k] + (c1[k] - mid[k]) * (2 * t - 1);
          img.data[o + k] = Math.round(0.35 * c + 0.65 * 255);
        }
        img.data[o + 3] = 255;
      }
      g.putImageData(img, 0, 0);
      const ctx = canvas.getContext("2d");
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(small, 0, 0, 240, 240);
      config.X.forEach(function (pt, i) {
        ctx.fillStyle = palette[config.y[i]];
        ctx.strokeStyle = "#fff";
        const x = 240 * (pt[0] - lo[0]) / (hi[0] - lo[0]), yy = 240 * (1 - (pt[1] - lo[1]) / (hi[1] - lo[1]));
        ctx.beginPath();
        if (config.y[i]) ctx.rect(x - 3, yy - 3, 6, 6); else ctx.arc(x, yy, 3.2, 0, 2 * Math.PI);
        ctx.fill(); ctx.stroke();
      });
      const xs = run.losses.map((_, e) => e).slice(0, shown + 1);
      lossChart.update({series: [{xs: xs, ys: run.losses.slice(0, shown + 1)}], xlim: [0, max], ylim: [1e-3, 100],
        marks: run.diverged_at !== null && target >= run.diverged_at ? [{x: run.done, y: Math.min(run.losses[run.done], 100)}] : []});
      const colours = [C.class0, C.class1, C.accent, C.muted, C.text];
      gradChart.update({series: run.records[0].gradient_norms.map((_, l) => ({xs: xs, label: "layer " + (l + 1),
        ys: run.records.slice(0, shown + 1).map((r) => Math.max(r.gradient_norms[l], 1e-8)), color: colours[l % 5]})),
        xlim: [0, max], ylim: [1e-8, 10]});
      status.textContent = describe(run, target, shown, s.hidden_layers, config);
      // announced once training has got there, not at every frame of it
      status.setAttribute("aria-busy", String(shown < target && run.diverged_at === null));
      root.setAttribute("data-epoch", String(shown));
    }

    function snapshot() {  // the weights of every epoch, to draw its regions when shown
      kept[run.done] = run.net.map((L) => Object.assign({}, L, {W: L.W.slice(), b: L.b.slice()}));
    }

    function go() {
      if (frame === null) frame = requestAnimationFrame(tick);
    }

    function tick() {  // train about 8 ms per frame, then draw
      frame = null;
      const start = performance.now();
      while (run.done < target && run.diverged_at === null && performance.now() - start < 8) {
        if (run.epoch()) snapshot();
        if (playing) break;  // one epoch per frame when playing, so the curves unfold visibly
      }
      const shown = Math.min(target, run.done);
      if (playing) { epochs.input.value = shown; epochs.output.textContent = String(shown); }
      draw(shown);
      if (run.done < target && run.diverged_at === null) go();
      else if (playing) { playing = false; play.textContent = "Play"; }
    }

    function restart() {
      run = Run(Object.assign({divergence_factor: config.divergence_factor}, s), d.X, d.y);
      kept = [];
      seedOut.textContent = "seed " + s.seed;
      snapshot();
      go();
    }
    restart();
  }

  live.training_explorer = {compute: compute, describe: function (args) {
    const d = data(args), run = Run(args, d.X, d.y, args.weights);
    for (let e = 0; e < (args.epochs || 0); e++) if (!run.epoch(args.orders ? args.orders[e] : undefined)) break;
    return describe(run, args.epochs || 0, Math.min(args.epochs || 0, run.done), args.hidden_layers || (args.weights || []).length - 1);
  }};
  ui.mountAll("training_explorer", mount);
})();
