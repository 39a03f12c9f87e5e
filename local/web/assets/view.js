"use strict";
// The live page: keeps the same state as the server (LiveState), applies the event stream and redraws at most
// every MIN_FRAME_MS. Every piece of data goes through textContent or canvas text: never innerHTML.
(() => {
  const READINGS_PER_TRAIN = 600;
  const READINGS_PER_METER = 200;
  const MIN_FRAME_MS = 250;
  /** Above this many meters the chart shows their sum instead of one line each. */
  const MAX_METER_LINES = 8;
  /** The table lists this many meters; the total row still counts them all. */
  const MAX_METER_ROWS = 40;
  const SENSOR_COLOURS = ["#1565c0", "#ef6c00", "#6a1b9a", "#00838f", "#5d4037"];
  const METER_COLOURS = ["#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#ad1457", "#5d4037", "#827717"];
  const UNITS = { TP2: "bar", TP3: "bar", H1: "bar", DV_pressure: "bar", Reservoirs: "bar", Oil_temperature: "°C", Motor_current: "A" };
  const STAT_ORDER = ["readingsPublished", "readingsScored", "anomaliesDetected", "shadowDeliveries", "supplierFilesAccepted"];

  let state = emptyState();
  let connected = false;
  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs, text) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  };

  function emptyState() {
    return { hello: null, trains: new Map(), meters: new Map(), stats: {}, finished: false, report: null, early: new Map() };
  }

  function fromSnapshot(s) {
    const next = emptyState();
    next.hello = s.hello;
    for (const t of s.trains) next.trains.set(t.trainId, t);
    for (const m of s.meters) next.meters.set(m.clientId, m);
    next.stats = s.stats;
    next.finished = s.finished;
    next.report = s.report;
    return next;
  }

  function train(id) {
    let t = state.trains.get(id);
    if (!t) state.trains.set(id, t = { trainId: id, online: null, onlineChangedAt: null, readings: [], alerts: [], faults: [] });
    return t;
  }

  function meter(id) {
    let m = state.meters.get(id);
    if (!m) state.meters.set(id, m = { clientId: id, readings: [], totalKwh: 0, count: 0 });
    return m;
  }

  function apply(e) {
    switch (e.type) {
      case "hello":
        state.hello = e;
        state.finished = false;
        e.trains.forEach(train);
        e.meters.forEach(meter);
        break;
      case "readings":
        for (const r of e.items) {
          const kept = train(r.trainId).readings;
          kept.push({ t: r.t, values: r.values, score: r.score });
          if (kept.length > READINGS_PER_TRAIN) kept.splice(0, kept.length - READINGS_PER_TRAIN);
        }
        break;
      case "alert": {
        const alerts = train(e.trainId).alerts;
        const a = alerts.find((x) => x.episodeId === e.episodeId);
        if (a) Object.assign(a, { state: e.state, lastAt: e.t, message: e.message, sensors: e.sensors, clearedAt: e.state === "cleared" ? e.t : a.clearedAt });
        else {
          const key = e.trainId + "\n" + e.episodeId;
          alerts.push({ episodeId: e.episodeId, state: e.state, openedAt: e.t, lastAt: e.t, clearedAt: e.state === "cleared" ? e.t : null,
            message: e.message, sensors: e.sensors, delivery: state.early.get(key) || null });
          state.early.delete(key);
        }
        break;
      }
      case "delivered": {
        const d = { latencyMs: e.latencyMs, offlineDelivery: e.offlineDelivery };
        const a = train(e.trainId).alerts.find((x) => x.episodeId === e.episodeId);
        if (a) a.delivery = d; else state.early.set(e.trainId + "\n" + e.episodeId, d);
        break;
      }
      case "train": Object.assign(train(e.trainId), { online: e.online, onlineChangedAt: e.t }); break;
      case "fault": train(e.trainId).faults.push({ kind: e.kind, startedAt: e.startedAt, endsAt: e.endsAt }); break;
      case "meter":
        for (const r of e.items) {
          const m = meter(r.clientId);
          m.readings.push({ t: r.t, kwh: r.kwh });
          if (m.readings.length > READINGS_PER_METER) m.readings.splice(0, m.readings.length - READINGS_PER_METER);
          if (Number.isFinite(r.kwh)) m.totalKwh += r.kwh;
          m.count += 1;
        }
        break;
      case "stats": state.stats = Object.assign({}, state.stats, e.values); break;
      case "end": state.finished = true; state.report = e.report === undefined ? null : e.report; break;
      default: console.warn("live view: ignoring event of unknown type", e.type);
    }
  }

  // ---- formatting ----
  const clock = (ms) => Number.isFinite(ms) ? new Date(ms).toISOString().slice(11, 19) : "–";
  const words = (name) => name.replace(/_/g, " ").replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  const number = (v) => typeof v !== "number" ? "–" : Number.isInteger(v) ? v.toLocaleString("en-US") : v.toLocaleString("en-US", { maximumFractionDigits: 3 });
  const fixed = (v, digits) => typeof v === "number" && Number.isFinite(v) ? v.toFixed(digits) : "–";

  function sensorsToPlot() {
    if (state.hello && state.hello.sensors.length > 0) return state.hello.sensors;
    for (const t of state.trains.values()) if (t.readings.length > 0) return Object.keys(t.readings[t.readings.length - 1].values).slice(0, 3);
    return [];
  }

  function orderedTrains() {
    const named = state.hello ? state.hello.trains : [];
    const rest = [...state.trains.keys()].filter((id) => !named.includes(id)).sort();
    return [...named, ...rest].map((id) => state.trains.get(id)).filter(Boolean);
  }

  // ---- header ----
  function renderHeader() {
    const run = $("run-state");
    const s = state.finished ? "finished" : state.hello ? "running" : "waiting";
    run.textContent = s;
    run.dataset.state = connected || state.finished ? s : "disconnected";
    run.title = connected ? "" : "not connected to the local stack";
    const h = state.hello;
    $("run-info").textContent = !h ? (connected ? "waiting for the run to start" : "connecting…")
      : `started ${clock(h.startedAt)} UTC` + (h.durationS === null ? "" : ` · ${number(h.durationS)} s run`) +
        ` · ${h.trains.length} trains · ${h.meters.length} meters` + (connected || state.finished ? "" : " · disconnected");
    document.title = `gridrail live · ${s}`;
    const box = $("stats");
    const names = [...STAT_ORDER.filter((k) => k in state.stats), ...Object.keys(state.stats).filter((k) => !STAT_ORDER.includes(k))];
    for (const name of names) {
      let v = box.querySelector(`[data-testid="stat-${CSS.escape(name)}"]`);
      if (!v) {
        const item = el("div", { class: "stat" });
        v = el("span", { class: "v", "data-testid": `stat-${name}` });
        item.append(v, el("span", { class: "k" }, words(name)));
        box.append(item);
      }
      v.textContent = number(state.stats[name]);
    }
  }

  // ---- trains ----
  const cards = new Map();

  function card(t) {
    let c = cards.get(t.trainId);
    if (c) return c;
    const root = el("article", { class: "card", "data-testid": `train-card-${t.trainId}` });
    const head = el("div", { class: "card-head" });
    const online = el("span", { class: "badge", "data-testid": `train-online-${t.trainId}` });
    const alerting = el("span", { class: "badge alerting", "data-testid": `train-alerting-${t.trainId}` }, "anomaly");
    head.append(el("h2", {}, t.trainId), online, alerting);
    const legend = el("div", { class: "legend" });
    const canvas = el("canvas", { class: "train-chart", "data-testid": `train-chart-${t.trainId}` });
    const list = el("ul", { class: "alerts", "data-testid": `train-alerts-${t.trainId}` });
    const none = el("div", { class: "none" }, "no alerts");
    root.append(head, legend, canvas, list, none);
    $("trains").append(root);
    c = { root, online, alerting, legend, canvas, list, none, items: new Map() };
    cards.set(t.trainId, c);
    return c;
  }

  function renderTrain(t, sensors) {
    const c = card(t);
    c.online.textContent = t.online === null ? "status unknown" : t.online ? "online" : "offline";
    c.online.dataset.online = String(t.online);
    c.online.title = t.onlineChangedAt === null ? "" : `since ${clock(t.onlineChangedAt)} UTC`;
    c.root.classList.toggle("offline", t.online === false);
    c.alerting.hidden = !t.alerts.some((a) => a.state !== "cleared");

    const last = t.readings[t.readings.length - 1];
    c.legend.replaceChildren(...sensors.map((name, i) => {
      const item = el("span", {});
      const sw = el("span", { class: "sw" });
      sw.style.background = SENSOR_COLOURS[i % SENSOR_COLOURS.length];
      const unit = UNITS[name] ? ` ${UNITS[name]}` : "";
      item.append(sw, `${name} `, el("b", {}, last ? fixed(last.values[name], 2) + unit : "–"));
      return item;
    }), (() => {
      const item = el("span", {});
      const sw = el("span", { class: "sw" });
      sw.style.background = "#c62828";
      item.append(sw, "score ", el("b", {}, last && last.score !== null ? fixed(last.score, 2) : "warming up"));
      return item;
    })());

    for (const a of t.alerts) {
      let li = c.items.get(a.episodeId);
      if (!li) {
        li = { root: el("li", { "data-testid": `alert-${a.episodeId}` }), when: el("span", { class: "when" }), sev: el("span", { class: "sev" }),
          msg: el("span", { class: "msg", "data-testid": `alert-message-${a.episodeId}` }), dlv: el("span", { class: "dlv", "data-testid": `delivery-${a.episodeId}` }) };
        li.root.append(li.when, li.sev, li.msg, li.dlv);
        c.list.prepend(li.root);
        c.items.set(a.episodeId, li);
      }
      li.root.dataset.state = a.state;
      li.when.textContent = clock(a.openedAt);
      li.sev.textContent = a.state + (a.state === "cleared" ? ` ${clock(a.clearedAt)}` : "");
      li.msg.textContent = a.message + (a.sensors.length ? ` (${a.sensors.join(", ")})` : "");
      const d = a.delivery;
      li.dlv.dataset.delivered = String(d !== null);
      li.dlv.textContent = d === null ? "not yet confirmed by the train"
        : (d.offlineDelivery ? "delivered after the train reconnected" : "delivered to the train") + (d.latencyMs === null ? "" : ` in ${number(Math.round(d.latencyMs))} ms`);
    }
    c.none.hidden = t.alerts.length > 0;
    drawTrain(c.canvas, t, sensors);
  }

  // ---- charts ----
  /** [min, max] by a loop: Math.min(...values) overflows the stack for a few hundred thousand values. */
  function extent(values) {
    let lo = Infinity, hi = -Infinity;
    for (const v of values) { if (v < lo) lo = v; if (v > hi) hi = v; }
    return [lo, hi];
  }

  function surface(canvas) {
    const ratio = window.devicePixelRatio || 1;
    const w = canvas.clientWidth, h = canvas.clientHeight;
    if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
      canvas.width = Math.round(w * ratio);
      canvas.height = Math.round(h * ratio);
    }
    const g = canvas.getContext("2d");
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, w, h);
    g.font = "11px system-ui, sans-serif";
    return { g, w, h };
  }

  /** Draws a polyline through the points, lifting the pen over nulls and over gaps much longer than usual. */
  function line(g, points, x, y, maxGap) {
    g.beginPath();
    let pen = false, prev = null;
    for (const p of points) {
      if (p.v === null || !Number.isFinite(p.v)) { pen = false; continue; }
      if (pen && prev !== null && p.t - prev > maxGap) pen = false;
      if (pen) g.lineTo(x(p.t), y(p.v)); else g.moveTo(x(p.t), y(p.v));
      pen = true;
      prev = p.t;
    }
    g.stroke();
  }

  function drawTrain(canvas, t, sensors) {
    const { g, w, h } = surface(canvas);
    const left = 4, right = w - 4, top = 4, scoreH = 34, axisH = 14, plotBottom = h - axisH - scoreH - 6;
    const scoreTop = plotBottom + 6, scoreBottom = h - axisH;
    g.strokeStyle = "#dde3ea";
    g.strokeRect(left + 0.5, top + 0.5, right - left - 1, plotBottom - top);
    g.strokeRect(left + 0.5, scoreTop + 0.5, right - left - 1, scoreBottom - scoreTop);
    const rs = t.readings;
    if (rs.length < 2) {
      g.fillStyle = "#667385";
      g.fillText(rs.length ? "one reading so far" : "no readings yet", left + 8, top + 18);
      return;
    }
    const t0 = rs[0].t, t1 = rs[rs.length - 1].t, span = Math.max(t1 - t0, 1);
    const maxGap = Math.max((span / (rs.length - 1)) * 10, 1);
    const x = (ms) => left + ((ms - t0) / span) * (right - left);
    const faultLabels = [];
    for (const f of t.faults) {
      if (f.endsAt < t0 || f.startedAt > t1) continue;
      const a = x(Math.max(f.startedAt, t0)), b = x(Math.min(f.endsAt, t1));
      g.fillStyle = "rgba(239, 108, 0, 0.16)";
      g.fillRect(a, top, Math.max(b - a, 2), scoreBottom - top);
      faultLabels.push([`fault: ${f.kind}`, (a + b) / 2]);
    }
    sensors.forEach((name, i) => {
      const vals = rs.map((r) => r.values[name]).filter((v) => typeof v === "number" && Number.isFinite(v));
      if (vals.length === 0) return;
      let [lo, hi] = extent(vals);
      if (hi - lo < 1e-9) { lo -= 1; hi += 1; }
      const y = (v) => plotBottom - 3 - ((v - lo) / (hi - lo)) * (plotBottom - top - 18);
      g.strokeStyle = SENSOR_COLOURS[i % SENSOR_COLOURS.length];
      g.lineWidth = 1.3;
      line(g, rs.map((r) => ({ t: r.t, v: typeof r.values[name] === "number" ? r.values[name] : null })), x, y, maxGap);
    });
    const ys = (v) => scoreBottom - 2 - v * (scoreBottom - scoreTop - 4);
    g.strokeStyle = "#c62828";
    g.lineWidth = 1.3;
    line(g, rs.map((r) => ({ t: r.t, v: r.score })), x, ys, maxGap);
    g.fillStyle = "#667385";
    g.fillText("score", left + 4, scoreTop + 11);
    for (const a of t.alerts) {
      for (const [ms, colour] of [[a.openedAt, "#c62828"], [a.clearedAt, "#2e7d32"]]) {
        if (ms === null || ms < t0 || ms > t1) continue;
        const ax = Math.round(x(ms)) + 0.5;
        g.strokeStyle = colour;
        g.lineWidth = 1;
        g.setLineDash([3, 3]);
        g.beginPath(); g.moveTo(ax, top); g.lineTo(ax, scoreBottom); g.stroke();
        g.setLineDash([]);
        g.fillStyle = colour;
        g.beginPath(); g.moveTo(ax - 5, top); g.lineTo(ax + 5, top); g.lineTo(ax, top + 7); g.fill();
      }
    }
    g.lineWidth = 1;
    g.fillStyle = "#667385";
    g.fillText(`${clock(t0)} UTC`, left, h - 2);
    const end = clock(t1);
    g.fillText(end, right - g.measureText(end).width, h - 2);
    // fault names go in the time-axis row, under their span, clear of the start and end times
    g.fillStyle = "#b85300";
    for (const [text, mid] of faultLabels) {
      const width = g.measureText(text).width;
      g.fillText(text, Math.max(left + 80, Math.min(mid - width / 2, right - 60 - width)), h - 2);
    }
  }

  function drawMeters(canvas, meters) {
    const { g, w, h } = surface(canvas);
    const left = 40, right = w - 6, top = 8, bottom = h - 16;
    let series = meters.map((m, i) => ({ name: m.clientId, colour: METER_COLOURS[i % METER_COLOURS.length], points: m.readings }));
    if (meters.length > MAX_METER_LINES) {
      const sum = new Map();
      for (const m of meters) for (const r of m.readings) sum.set(r.t, (sum.get(r.t) || 0) + (Number.isFinite(r.kwh) ? r.kwh : 0));
      series = [{ name: "all meters", colour: METER_COLOURS[0], points: [...sum].sort((a, b) => a[0] - b[0]).map(([t, kwh]) => ({ t, kwh })) }];
    }
    const all = series.flatMap((s) => s.points);
    g.strokeStyle = "#dde3ea";
    g.strokeRect(left + 0.5, top + 0.5, right - left - 1, bottom - top);
    if (all.length === 0) {
      g.fillStyle = "#667385";
      g.fillText("no meter readings yet", left + 8, top + 18);
      return series;
    }
    const [t0, t1] = extent(all.map((p) => p.t)), span = Math.max(t1 - t0, 1);
    const hi = Math.max(extent(all.map((p) => (Number.isFinite(p.kwh) ? p.kwh : 0)))[1], 0.001);
    const x = (ms) => left + ((ms - t0) / span) * (right - left);
    const y = (v) => bottom - (v / hi) * (bottom - top - 6);
    g.fillStyle = "#667385";
    g.fillText(`${fixed(hi, 2)}`, 4, top + 10);
    g.fillText("kWh", 4, top + 24);
    g.fillText("0", 4, bottom);
    g.fillText(`${clock(t0)} UTC`, left, h - 2);
    const end = clock(t1);
    g.fillText(end, right - g.measureText(end).width, h - 2);
    for (const s of series) {
      const pts = s.points.slice().sort((a, b) => a.t - b.t);
      const gap = pts.length > 1 ? ((pts[pts.length - 1].t - pts[0].t) / (pts.length - 1)) * 10 : 1;
      g.strokeStyle = s.colour;
      g.lineWidth = 1.3;
      line(g, pts.map((p) => ({ t: p.t, v: p.kwh })), x, y, Math.max(gap, 1));
    }
    return series;
  }

  function renderMeters() {
    const named = state.hello ? state.hello.meters : [];
    const meters = [...named, ...[...state.meters.keys()].filter((id) => !named.includes(id)).sort()].map((id) => state.meters.get(id)).filter(Boolean);
    const series = drawMeters($("meters-chart"), meters);
    $("meters-legend").replaceChildren(...series.map((s) => {
      const item = el("span", {});
      const sw = el("span", { class: "sw" });
      sw.style.background = s.colour;
      item.append(sw, s.name);
      return item;
    }));
    const rows = meters.slice(0, MAX_METER_ROWS).map((m, i) => {
      const tr = el("tr", { "data-testid": `meter-${m.clientId}` });
      const name = el("td", {});
      const sw = el("span", { class: "sw" });
      sw.style.cssText = "display:inline-block;width:10px;height:3px;margin-right:6px;vertical-align:middle";
      sw.style.background = meters.length > MAX_METER_LINES ? "#dde3ea" : METER_COLOURS[i % METER_COLOURS.length];
      name.append(sw, m.clientId);
      tr.append(name, el("td", {}, number(m.count)), el("td", { "data-testid": `meter-total-${m.clientId}` }, fixed(m.totalKwh, 2)));
      return tr;
    });
    const total = meters.reduce((s, m) => s + m.totalKwh, 0);
    const foot = el("tr", {});
    foot.append(el("th", {}, "all meters"), el("th", {}, number(meters.reduce((s, m) => s + m.count, 0))), el("th", { "data-testid": "meter-total-all" }, fixed(total, 2)));
    if (meters.length > MAX_METER_ROWS) {
      const more = el("tr", { "data-testid": "meter-more" });
      more.append(el("td", { colspan: "3", class: "none" }, `and ${meters.length - MAX_METER_ROWS} more meters`));
      rows.push(more);
    }
    $("meter-rows").replaceChildren(...rows, foot);
  }

  // ---- report ----
  let reportShown;
  function renderReport() {
    const panel = $("report");
    panel.hidden = !state.finished;
    if (!state.finished || reportShown === state.report) return;
    reportShown = state.report;
    const pairs = [];
    const walk = (value, path, depth) => {
      if (value === null || typeof value !== "object" || Array.isArray(value)) return;
      for (const [k, v] of Object.entries(value)) {
        const key = path ? `${path}.${k}` : k;
        if (typeof v === "number" || typeof v === "boolean" || (typeof v === "string" && v.length <= 40)) pairs.push([key, v]);
        else if (depth < 1) walk(v, key, depth + 1);
      }
    };
    walk(state.report, "", 0);
    $("report-numbers").replaceChildren(...pairs.slice(0, 24).map(([k, v]) => {
      const div = el("div", { "data-testid": `report-${k}` });
      div.append(el("dt", {}, k.split(".").map(words).join(" · ")), el("dd", {}, typeof v === "number" ? number(v) : String(v)));
      return div;
    }));
    $("report-json").textContent = JSON.stringify(state.report, null, 2);
  }

  // ---- frame scheduling ----
  let lastFrame = 0, scheduled = false;
  function render() {
    renderHeader();
    const sensors = sensorsToPlot();
    for (const t of orderedTrains()) renderTrain(t, sensors);
    renderMeters();
    renderReport();
    document.body.dataset.frames = String(Number(document.body.dataset.frames || 0) + 1);
  }
  function schedule() {
    if (scheduled) return;
    scheduled = true;
    const frame = (now) => {
      if (now - lastFrame < MIN_FRAME_MS) return void setTimeout(() => requestAnimationFrame(frame), MIN_FRAME_MS - (now - lastFrame));
      scheduled = false;
      lastFrame = now;
      render();
    };
    requestAnimationFrame(frame);
  }

  const events = new EventSource("/events");
  let received = 0;
  events.onopen = () => { connected = true; schedule(); };
  events.onerror = () => { connected = false; schedule(); };
  events.onmessage = (message) => {
    const e = JSON.parse(message.data);
    if (e.type === "snapshot") state = fromSnapshot(e); else apply(e);
    received += 1;
    document.body.dataset.events = String(received);
    schedule();
  };
  window.addEventListener("resize", schedule);
  schedule();
})();
