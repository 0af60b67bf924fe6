/* The XOR playground of chapter 3, live on the page (twin of nnkit/widgets/logic.py).
 *
 * compute({W1, b1, w2, b2}) -> {hidden, output}: the 2-2-1 step network on the inputs (0,0),
 * (0,1), (1,0), (1,1); row i of W1 holds hidden unit i's weights on (A, B), hidden is 4 x 2 =
 * step(X W1^T + b1) and output = step(hidden . w2 + b2), with step(0) = 1.
 * The widget: a slider and a number box for each of the nine weights, the named networks of
 * nnkit (with "Show a solution" and "Reset"), the truth table against XOR, and the decision
 * regions over the square with each hidden unit's boundary, drawn as exact polygons.
 */
(function () {
  "use strict";
  const live = (window.nnkitLive = window.nnkitLive || {});
  const ui = live._ui;
  const X = [[0, 0], [0, 1], [1, 0], [1, 1]];
  const XOR = [0, 1, 1, 0];

  function vector(v, name, n) {
    if (!Array.isArray(v) || v.length !== n || v.some((x) => typeof x !== "number" || !Number.isFinite(x))) {
      throw new TypeError(name + " must be a list of " + n + " finite numbers");
    }
    return v;
  }

  function compute(args) {
    const W1 = args && args.W1;
    if (!Array.isArray(W1) || W1.length !== 2) throw new TypeError("W1 must be 2x2 (one row per hidden unit)");
    W1.forEach((row, i) => vector(row, "W1[" + i + "]", 2));
    const b1 = vector(args.b1, "b1", 2), w2 = vector(args.w2, "w2", 2);
    if (typeof args.b2 !== "number" || !Number.isFinite(args.b2)) throw new TypeError("b2 must be a finite number");
    const hidden = X.map((x) => W1.map((w, i) => ui.step(x[0] * w[0] + x[1] * w[1] + b1[i])));
    const output = hidden.map((h) => ui.step(h[0] * w2[0] + h[1] * w2[1] + args.b2));
    return {hidden: hidden, output: output};
  }

  function mount(root, cfg) {
    const el = ui.el, svg = ui.svg, C = ui.C, names = cfg.names;
    const lo = cfg.limits[0], hi = cfg.limits[1], PX = 240, M = 36;
    const st = Object.assign({}, cfg.weights);
    const sx = (x) => M + (x - lo) * PX / (hi - lo), sy = (y) => 8 + (hi - y) * PX / (hi - lo);
    const fields = {};
    const groups = [["hidden unit h1", 0], ["hidden unit h2", 3], ["output unit", 6]].map(function (g) {
      return el("fieldset", {style: "border:1px solid " + C.border + ";padding:.2em .5em;margin:.2em 0"},
        [el("legend", {text: g[0], style: "font-size:.9em"})].concat(names.slice(g[1], g[1] + 3).map(function (n) {
          const s = ui.slider(n, st[n], {min: cfg.range[0], max: cfg.range[1], step: 0.1,
            format: (x) => ui.fmt(x, 2), onInput: (x) => set(n, x, s)});
          const box = ui.number(n + " value", st[n], {step: 0.1, width: "4.5em", onInput: (x) => set(n, x, box)});
          box.wrap.firstChild.className = "nnkit-sr";
          box.wrap.firstChild.style.cssText = "position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)";
          fields[n] = {slider: s, box: box};
          return el("div", {class: "nnkit-live-row", style: "margin:0"}, [s.wrap, box.wrap]);
        })));
    });
    function set(n, x, from) {
      st[n] = x;
      const f = fields[n];
      if (from !== f.box) f.box.input.value = x;
      if (from !== f.slider) { f.slider.input.value = x; f.slider.output.textContent = ui.fmt(x, 2); }
      update(n + " = " + ui.fmt(x, 3));
    }
    function setNetwork(name) {
      names.forEach(function (n) {
        st[n] = cfg.networks[name][n];
        fields[n].box.input.value = st[n];
        fields[n].slider.input.value = st[n];
        fields[n].slider.output.textContent = ui.fmt(st[n], 2);
      });
      update("network " + name);
    }
    const pick = el("select", {id: ui.uid("net")}, [el("option", {value: "", text: "(your weights)"})]
      .concat(Object.keys(cfg.networks).map((n) => el("option", {value: n, text: n}))));
    pick.addEventListener("change", () => { if (pick.value) setNetwork(pick.value); });
    const plot = svg("svg", {viewBox: "0 0 " + (M + PX + 10) + " " + (PX + 50), width: M + PX + 10,
      role: "img", "aria-label": cfg.alt, style: "font:12px sans-serif"});
    const table = el("div");
    const numbers = el("p", {style: "font-size:.85em"});
    const status = ui.status();
    root.appendChild(el("div", {class: "nnkit-xor-live"}, [
      ui.row([el("span", {class: "nnkit-live-field"}, [el("label", {for: pick.id, text: "network"}), pick]),
              ui.button("Show a solution", () => { pick.value = cfg.solution; setNetwork(cfg.solution); }),
              ui.button("Reset", () => { pick.value = cfg.reset; setNetwork(cfg.reset); })]),
      el("div", {class: "nnkit-live-row", style: "align-items:flex-start"}, [
        el("div", {}, groups),
        el("div", {style: "max-width:300px"}, [plot, el("p", {style: "font-size:.85em;margin:.2em 0",
          text: "Shading: the network outputs 0 (blue) or 1 (orange). Points: XOR = 0 (circles), " +
                "XOR = 1 (squares). Dashed line: h1's boundary, dotted line: h2's."})]),
        el("div", {style: "max-width:340px"}, [table, numbers])]),
      status]));

    function update(message) {
      const W1 = [[st.h1_wA, st.h1_wB], [st.h2_wA, st.h2_wB]], b1 = [st.h1_b, st.h2_b];
      const w2 = [st.out_w1, st.out_w2], res = compute({W1: W1, b1: b1, w2: w2, b2: st.out_b});
      const u = [[st.h1_b, st.h1_wA, st.h1_wB], [st.h2_b, st.h2_wA, st.h2_wB]];
      plot.textContent = "";
      const square = [[lo, lo], [hi, lo], [hi, hi], [lo, hi]];
      [0, 1].forEach((h1) => [0, 1].forEach(function (h2) {
        const poly = ui.clip(ui.clip(square, u[0], h1 ? 1 : -1), u[1], h2 ? 1 : -1);
        if (poly.length < 3) return;
        const out = ui.step(h1 * w2[0] + h2 * w2[1] + st.out_b);
        plot.appendChild(svg("polygon", {points: poly.map((p) => sx(p[0]).toFixed(1) + "," + sy(p[1]).toFixed(1)).join(" "),
          fill: out ? "#E69F00" : "#0072B2", "fill-opacity": 0.3, class: "nnkit-region-" + out}));
      }));
      plot.appendChild(svg("rect", {x: M, y: 8, width: PX, height: PX, fill: "none", style: "stroke:" + C.text}));
      const text = (x, y, s, extra) => plot.appendChild(svg("text", Object.assign({x: x, y: y, "text-anchor": "middle",
        style: "fill:" + C.text, text: s}, extra || {})));
      [0, 1].forEach(function (v) { text(sx(v), sy(lo) + 14, String(v)); text(M - 6, sy(v) + 4, String(v), {"text-anchor": "end"}); });
      text(M + PX / 2, sy(lo) + 30, "input A");
      text(12, 8 + PX / 2, "input B", {transform: "rotate(-90 12 " + (8 + PX / 2) + ")"});
      const clipId = ui.uid("clip");
      plot.appendChild(svg("clipPath", {id: clipId}, [svg("rect", {x: M, y: 8, width: PX, height: PX})]));
      u.forEach(function (w, k) {  // as nnkit's boundary_points: two points spanning the square
        if (w[1] === 0 && w[2] === 0) return;
        const t = [lo, hi], steep = Math.abs(w[2]) >= Math.abs(w[1]);
        const xs = steep ? t : t.map((v) => -(w[0] + w[2] * v) / w[1]);
        const ys = steep ? t.map((v) => -(w[0] + w[1] * v) / w[2]) : t;
        plot.appendChild(svg("line", {x1: sx(xs[0]), y1: sy(ys[0]), x2: sx(xs[1]), y2: sy(ys[1]),
          "clip-path": "url(#" + clipId + ")", "stroke-width": 1.8, "stroke-dasharray": k ? "2 3" : "6 4",
          class: "nnkit-boundary", style: "stroke:" + C.text}));
      });
      X.forEach(function (p, n) {
        const a = {"stroke-width": 1, style: "stroke:" + C.text, fill: XOR[n] ? "#E69F00" : "#0072B2"};
        plot.appendChild(XOR[n] ? svg("rect", Object.assign({x: sx(p[0]) - 7, y: sy(p[1]) - 7, width: 14, height: 14}, a))
          : svg("circle", Object.assign({cx: sx(p[0]), cy: sy(p[1]), r: 7}, a)));
      });
      const match = res.output.map((o, n) => o === XOR[n]);
      const nMatch = match.filter(Boolean).length;
      const verdict = nMatch === 4 ? "This network computes XOR." : nMatch + " of 4 rows match XOR.";
      table.textContent = "";
      table.appendChild(el("p", {class: "nnkit-verdict"}, [el("strong", {text: verdict})]));
      table.appendChild(el("table", {class: "nnkit-truth-table"}, [el("tr", {}, ["A", "B", "h1", "h2", "output", "XOR", ""]
        .map((t) => el("th", {text: t})))].concat(X.map((x, n) => el("tr", {class: match[n] ? "match" : "differs",
          style: "color:#000;background:" + (match[n] ? "#d9f2e6" : "#fbe3d6")},
          [x[0], x[1], res.hidden[n][0], res.hidden[n][1], res.output[n], XOR[n]].map((v) => el("td", {text: String(v)}))
            .concat([el("td", {text: match[n] ? "✓ match" : "✗ differs"})]))))));
      numbers.textContent = names.map((n) => n + " = " + (st[n] >= 0 ? "+" : "") + ui.fmt(st[n], 2)).join(", ");
      if (message !== undefined) {
        status.textContent = message + ". Outputs " + res.output.join(", ") + ". " + verdict;
      }
      root.dataset.state = JSON.stringify({output: res.output, hidden: res.hidden, verdict: verdict});
    }
    update();
  }

  live.xor_playground = {compute: compute};
  ui.mountAll("xor_playground", mount);
})();
