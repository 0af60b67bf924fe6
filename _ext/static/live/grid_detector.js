/* The grid detector of chapters 3 and 7, live on the page (twin of nnkit/widgets/grid.py).
 *
 * compute({grid, kernel, bias}) -> {z, fires}: the valid cross-correlation of an H x W grid
 * with a 3 x 3 kernel plus the bias, summed in the order of nnkit.grid.conv2d (kernel entries
 * row by row, the bias last), and fires = step(z) with step(0) = 1.
 * The widget: draw on a 3 x 3 grid (or pick a preset), read each detector's z, type a kernel
 * and bias of your own, place the pattern on the large grid (whose cells can be flipped too),
 * pick the detector that slides over it and a kernel position, and in challenge mode check
 * your kernel on the test grids. Its start state comes from nnkit (live_html's config).
 */
(function () {
  "use strict";
  const live = (window.nnkitLive = window.nnkitLive || {});
  const ui = live._ui;

  function matrix(value, name, rows, cols) {
    const ok = Array.isArray(value) && value.length >= 1 && Array.isArray(value[0]);
    const w = ok ? value[0].length : 0;
    if (!ok || value.some((r) => !Array.isArray(r) || r.length !== w ||
                           r.some((x) => typeof x !== "number" || !Number.isFinite(x)))) {
      throw new TypeError(name + " must be a rectangular nested list of finite numbers");
    }
    if ((rows && value.length !== rows) || (cols && w !== cols)) {
      throw new RangeError(name + " must be " + rows + "x" + cols + ", got " + value.length + "x" + w);
    }
    return value;
  }

  function correlate(grid, kernel, bias) {
    const H = grid.length - 2, W = grid[0].length - 2, z = [], fires = [];
    for (let r = 0; r < H; r++) {
      const zr = [], fr = [];
      for (let c = 0; c < W; c++) {
        let s = grid[r][c] * kernel[0][0];
        for (let k = 1; k < 9; k++) {
          const i = (k / 3) | 0, j = k % 3;
          s += grid[r + i][c + j] * kernel[i][j];
        }
        zr.push(s + bias);
        fr.push(ui.step(s + bias));
      }
      z.push(zr);
      fires.push(fr);
    }
    return {z: z, fires: fires};
  }

  function compute(args) {
    const grid = matrix(args && args.grid, "grid");
    if (grid.length < 3 || grid[0].length < 3) {
      throw new RangeError("grid must be at least 3x3, got " + grid.length + "x" + grid[0].length);
    }
    const kernel = matrix(args.kernel, "kernel", 3, 3);
    if (typeof args.bias !== "number" || !Number.isFinite(args.bias)) {
      throw new TypeError("bias must be a finite number, got " + args.bias);
    }
    return correlate(grid, kernel, args.bias);
  }

  // A detector: {kernel, bias} (one unit) or {and: {weights, bias}, of: [unit, unit]}.
  function featureMap(image, det) {
    if (!det.of) return correlate(image, det.kernel, det.bias);
    const maps = det.of.map((u) => correlate(image, u.kernel, u.bias).fires);
    const w = det.weights, z = maps[0].map((row, r) => row.map((_, c) => {
      let s = 0;
      maps.forEach((m, q) => { s = q === 0 ? m[r][c] * w[0] : s + m[r][c] * w[q]; });
      return s + det.bias;
    }));
    return {z: z, fires: z.map((row) => row.map(ui.step))};
  }

  const toGrid = (cells) => [0, 1, 2].map((r) => [0, 1, 2].map((c) => (cells[3 * r + c] ? 1 : -1)));
  const asKernel = (w) => [w.slice(0, 3), w.slice(3, 6), w.slice(6, 9)];

  function mount(root, cfg) {
    const el = ui.el;
    const units = {};
    const dets = cfg.detectors.map(function (d) {
      const det = d.of ? {name: d.name, of: d.of.map((n) => units[n]), weights: d.weights,
                          bias: d.bias}
        : {name: d.name, kernel: d.kernel, bias: d.bias};
      units[d.name] = det;
      return det;
    });
    const st = {cells: cfg.cells.slice(), weights: cfg.weights.slice(), row: cfg.row, col: cfg.col,
                det: 0, mode: 0, kr: 0, kc: 0, image: null};
    const size = cfg.size;
    const yours = () => ({name: cfg.yours, kernel: asKernel(st.weights), bias: st.weights[9]});
    const detector = () => (st.det < dets.length ? dets[st.det] : yours());

    function place() {
      st.image = [];
      for (let r = 0; r < size; r++) {
        st.image.push([]);
        for (let c = 0; c < size; c++) {
          const inside = r >= st.row && r < st.row + 3 && c >= st.col && c < st.col + 3;
          st.image[r].push(inside ? (st.cells[3 * (r - st.row) + (c - st.col)] ? 1 : -1) : -1);
        }
      }
    }

    place();
    const h = (t) => el("p", {style: "margin:.3em 0"}, [el("strong", {text: t})]);  // no heading: the page owns the outline
    const FIRE = "background:#E69F00;color:#000;font-weight:bold";
    function paint(b, dark, label) {  // a grid cell: colour, pressed state and name
      b.style.background = dark ? "#333" : "#f4f4f4";
      b.setAttribute("aria-pressed", dark ? "true" : "false");
      b.setAttribute("aria-label", label + (dark ? ", dark" : ", light"));
    }
    function cellButton(px, onClick) {
      return el("button", {type: "button", class: "nnkit-grid-cell", onclick: onClick, style: "width:" + px +
        "px;height:" + px + "px;padding:0;border:1px solid #999;display:block"});
    }
    const where = (k) => "row " + ((k / 3) | 0) + " column " + (k % 3);

    // the 3 x 3 pattern
    const smallCells = st.cells.map((_, k) => cellButton(34, function () {
      st.cells[k] = st.cells[k] ? 0 : 1; presetSelect.value = ""; place();
      update("cell " + where(k) + " is " + (st.cells[k] ? "dark" : "light"));
    }));
    const small = el("div", {role: "group", "aria-label": "the 3 by 3 grid x; click a cell to flip it",
      style: "display:grid;grid-template-columns:repeat(3,34px);gap:2px"}, smallCells);
    const presetSelect = el("select", {id: ui.uid("preset")}, [el("option", {value: "", text: "(draw)"})]
      .concat(Object.keys(cfg.presets).map((n) => el("option", {value: n, text: n}))));
    presetSelect.addEventListener("change", function () {
      if (presetSelect.value) { st.cells = cfg.presets[presetSelect.value].slice(); place(); update("preset " + presetSelect.value); }
    });

    // every detector's response on the 3 x 3 grid
    const respRows = dets.concat([null]).map((d) => [el("td", {text: d ? d.name : cfg.yours, style: "text-align:left"}),
                                                     el("td"), el("td")]);
    const responses = el("table", {class: "nnkit-grid-responses"}, [el("tr", {}, ["detector", "net input z", "output"]
      .map((t) => el("th", {text: t})))].concat(respRows.map((cells) => el("tr", {}, cells))));

    // the reader's kernel
    const boxes = st.weights.map(function (w, k) {
      return ui.number(k < 9 ? "w" + where(k).replace("row ", "").replace(" column ", ",") : "bias", w, {
        step: 0.5, width: "3.4em", onInput: function (x) {
          st.weights[k] = x; update("your " + (k < 9 ? "kernel weight" : "bias") + " set to " + ui.fmt(x, 3));
        }});
    });
    const kernelBox = el("div", {role: "group", "aria-label": "your kernel and bias"},
      [el("strong", {text: "your kernel"}),
       el("div", {style: "display:grid;grid-template-columns:repeat(3,auto);gap:2px 4px"},
          boxes.slice(0, 9).map((b) => b.wrap)),
       boxes[9].wrap,
       ui.row(Object.keys(cfg.starts).map((n) => ui.button("kernel ← " + n, function () {
         st.weights = cfg.starts[n].slice();
         boxes.forEach((b, k) => { b.input.value = st.weights[k]; });
         update("your kernel set to " + n);
       })))]);

    // the large grid and the feature map
    const detSelect = el("select", {id: ui.uid("slide")},
      dets.map((d, i) => el("option", {value: i, text: d.name})).concat([el("option", {value: dets.length, text: cfg.yours})]));
    detSelect.addEventListener("change", function () { st.det = Number(detSelect.value); update("sliding " + detector().name); });
    const n = size - 2;
    const slider = (label, key, place_) => ui.slider(label, st[key], {min: 0, max: n - 1, step: 1, onInput: function (x) {
      st[key] = x; if (place_) place(); update(label + " " + x);
    }});
    const rowS = slider("pattern row", "row", true), colS = slider("pattern column", "col", true);
    const krS = slider("kernel row", "kr", false), kcS = slider("kernel column", "kc", false);
    const bigCells = [], mapCells = [];
    const big = el("table", {role: "group", "aria-label": "the pattern on the large grid; click a cell to flip it"},
      st.image.map((row, r) => el("tr", {}, row.map(function (_, c) {
        const b = cellButton(22, function () {
          st.image[r][c] = -st.image[r][c];
          update("large grid row " + r + " column " + c + " is " + (st.image[r][c] > 0 ? "dark" : "light"));
        });
        bigCells.push(b);
        return el("td", {style: "padding:0;border:0"}, [b]);
      }))));
    const map = el("table", {}, Array.from({length: n}, (_, r) => el("tr", {}, Array.from({length: n}, function (_, c) {
      const td = el("td", {title: "kernel at row " + r + ", column " + c, style: "font-size:11px;min-width:2.2em;cursor:pointer"});
      td.addEventListener("click", function () {
        st.kr = r; st.kc = c; krS.input.value = r; kcS.input.value = c;
        krS.output.textContent = r; kcS.output.textContent = c; update("kernel at row " + r + ", column " + c);
      });
      mapCells.push(td);
      return td;
    }))));
    const detail = el("p", {class: "nnkit-grid-detail", style: "font-size:.9em"});
    const modeBtns = cfg.modes.map((m, i) => el("button", {type: "button", class: "nnkit-live-button",
      "aria-pressed": i === 0 ? "true" : "false", text: m, onclick: function () {
        st.mode = i; modeBtns.forEach((b, j) => b.setAttribute("aria-pressed", String(i === j)));
        update(m + " mode");
      }}));

    // challenge mode: every test grid, built once
    const chalRows = cfg.challenge.map((t) => el("tr", {style: "color:#000"}, [el("td", {text: t.name, style: "text-align:left"}),
      el("td"), el("td"), el("td", {text: t.label ? "should fire" : "should stay quiet"}), el("td")]));
    const verdictEl = el("strong");
    const challenge = el("div", {class: "nnkit-grid-challenge", hidden: true}, [
      h("Challenge: find nine weights and a bias that detect a cross"),
      el("p", {class: "nnkit-verdict"}, [verdictEl]),
      el("table", {}, [el("tr", {}, ["test grid", "z", "output", "wanted", ""].map((t) => el("th", {text: t})))].concat(chalRows))]);
    const status = ui.status();

    root.appendChild(el("div", {class: "nnkit-grid-live"}, [
      ui.row([el("span", {text: "mode:"})].concat(modeBtns)),
      el("div", {class: "nnkit-live-row", style: "align-items:flex-start"}, [
        el("div", {}, [h("the 3×3 grid x"), small,
          el("span", {class: "nnkit-live-field"}, [el("label", {for: presetSelect.id, text: "preset"}), presetSelect])]),
        el("div", {}, [h("responses (fires when z ≥ 0)"), responses]),
        kernelBox]),
      ui.row([el("span", {class: "nnkit-live-field"}, [el("label", {for: detSelect.id, text: "slide"}), detSelect]),
              rowS.wrap, colS.wrap, krS.wrap, kcS.wrap]),
      el("div", {class: "nnkit-live-row", style: "align-items:flex-start"}, [
        el("div", {}, [h("the pattern on the " + size + "×" + size + " grid"), big]),
        el("div", {}, [h("feature map: z at each kernel position"), map])]),
      detail, challenge, status]));

    function update(message) {
      const grid = toGrid(st.cells), det = detector();
      st.cells.forEach((v, k) => paint(smallCells[k], v, "cell " + where(k)));
      dets.concat([yours()]).forEach(function (d, i) {
        const m = featureMap(grid, d), z = m.z[0][0], f = m.fires[0][0], cells = respRows[i];
        cells[0].style.fontWeight = i === st.det ? "bold" : "";
        cells[1].textContent = (z >= 0 ? "+" : "") + ui.fmt(z, 3);
        cells[2].textContent = f ? "fires" : "—";
        cells[2].style.cssText = f ? FIRE : "";
      });
      const fm = featureMap(st.image, det), kr = st.kr, kc = st.kc, on = [];
      st.image.forEach((row, r) => row.forEach(function (v, c) {
        const b = bigCells[r * size + c];
        paint(b, v > 0, "large grid row " + r + " column " + c);
        b.style.outline = r >= kr && r < kr + 3 && c >= kc && c < kc + 3 ? "2px solid #0072B2" : "";
      }));
      fm.z.forEach((row, r) => row.forEach(function (z, c) {
        const td = mapCells[r * n + c], f = fm.fires[r][c];
        td.textContent = ui.fmt(z, 2);
        td.style.cssText = "font-size:11px;min-width:2.2em;cursor:pointer;" + (f ? FIRE : "") +
          (r === kr && c === kc ? ";outline:2px solid #0072B2" : "");
        if (f) on.push("(" + r + ", " + c + ")");
      }));
      detail.textContent = "“" + det.name + "” at kernel row " + kr + ", column " + kc + ": z = " +
        ui.fmt(fm.z[kr][kc], 3) + (fm.fires[kr][kc] ? ", fires" : ", quiet") + ". It fires at " + on.length +
        " position" + (on.length === 1 ? "" : "s") + " (row, column): " + (on.join(", ") || "nowhere") + ".";
      let verdict = "";
      challenge.hidden = st.mode !== 1;
      if (st.mode === 1) {
        const y = yours(), wrong = [];
        cfg.challenge.forEach(function (t, i) {
          const m = correlate(t.grid, y.kernel, y.bias), f = m.fires[0][0], ok = f === t.label, cells = chalRows[i].cells;
          if (!ok) wrong.push(t.name);
          chalRows[i].className = ok ? "ok" : "bad";
          chalRows[i].style.background = ok ? "#d9f2e6" : "#fbe3d6";
          cells[1].textContent = ui.fmt(m.z[0][0], 3);
          cells[2].textContent = f ? "fires" : "—";
          cells[4].textContent = ok ? "✓ right" : "✗ wrong";
        });
        verdict = wrong.length === 0 ? "Solved: your kernel fires on the cross and on nothing else."
          : "Your kernel gets " + wrong.length + " of " + cfg.challenge.length + " grids wrong: " + wrong.join(", ") + ".";
        verdictEl.textContent = verdict;
      }
      if (message !== undefined) status.textContent = message + ". " + (verdict || detail.textContent);
      root.dataset.state = JSON.stringify({z: fm.z, at: [kr, kc], verdict: verdict});
    }
    place();
    update();
  }

  live.grid_detector = {compute: compute, featureMap: featureMap};
  ui.mountAll("grid_detector", mount);
})();
