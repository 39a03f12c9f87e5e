/**
 * Self-contained SVG line charts (no scripts, no external assets) for the HTML reports: several series on
 * a shared time axis, optional markers, downsampled by min/max buckets so a million points stay readable.
 */
export interface ChartSeries {
  readonly label: string;
  readonly values: readonly number[];
  readonly color: string;
}

export interface ChartOptions {
  readonly width?: number;
  readonly height?: number;
  readonly title: string;
  /** x positions (e.g. epoch ms), one per value. */
  readonly x: readonly number[];
  readonly series: readonly ChartSeries[];
  /** Indexes to mark with a red dot on the first series. */
  readonly markers?: readonly number[];
  /** Formats x for the axis labels. */
  readonly formatX?: (x: number) => string;
  /** Optional fixed y range. */
  readonly yRange?: readonly [number, number];
}

const MAX_BUCKETS = 1500;

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** Indexes to draw: every point, or per bucket its first, min, max and last (keeps spikes visible). */
export function downsample(values: readonly number[], buckets = MAX_BUCKETS): number[] {
  const n = values.length;
  if (n <= buckets * 4) return Array.from({ length: n }, (_, i) => i);
  const keep: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor((b * n) / buckets);
    const hi = Math.floor(((b + 1) * n) / buckets);
    let mn = lo;
    let mx = lo;
    for (let i = lo; i < hi; i++) {
      if (values[i] < values[mn]) mn = i;
      if (values[i] > values[mx]) mx = i;
    }
    keep.push(...[lo, mn, mx, hi - 1].filter((v, k, a) => a.indexOf(v) === k).sort((a, b) => a - b));
  }
  return keep;
}

/** The smallest and largest finite value of the series ([Infinity, -Infinity] when none), without spreading them. */
export function finiteRange(series: readonly ChartSeries[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    for (const v of s.values) {
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return [lo, hi];
}

export function lineChart(o: ChartOptions): string {
  const width = o.width ?? 960;
  const height = o.height ?? 220;
  const pad = { left: 60, right: 12, top: 24, bottom: 28 };
  let [y0, y1] = o.yRange ?? finiteRange(o.series);
  if (!Number.isFinite(y0) || !Number.isFinite(y1)) [y0, y1] = [0, 1];
  if (y0 === y1) [y0, y1] = [y0 - 1, y1 + 1];
  const xs = o.x;
  const x0 = xs[0] ?? 0;
  const x1 = xs[xs.length - 1] ?? 1;
  const px = (x: number): number => pad.left + ((x - x0) / (x1 - x0 || 1)) * (width - pad.left - pad.right);
  const py = (y: number): number => pad.top + (1 - (y - y0) / (y1 - y0)) * (height - pad.top - pad.bottom);
  const fmt = o.formatX ?? ((x: number) => String(x));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(o.title)}">`,
    `<text x="${pad.left}" y="16" font-size="13" font-family="sans-serif">${escapeXml(o.title)}</text>`,
    `<rect x="${pad.left}" y="${pad.top}" width="${width - pad.left - pad.right}" height="${height - pad.top - pad.bottom}" fill="none" stroke="#ccc"/>`,
    `<text x="4" y="${pad.top + 10}" font-size="11" font-family="sans-serif">${escapeXml(y1.toPrecision(4))}</text>`,
    `<text x="4" y="${height - pad.bottom}" font-size="11" font-family="sans-serif">${escapeXml(y0.toPrecision(4))}</text>`,
    `<text x="${pad.left}" y="${height - 8}" font-size="11" font-family="sans-serif">${escapeXml(fmt(x0))}</text>`,
    `<text x="${width - pad.right}" y="${height - 8}" font-size="11" font-family="sans-serif" text-anchor="end">${escapeXml(fmt(x1))}</text>`,
  ];
  o.series.forEach((s, k) => {
    const idx = downsample(s.values).filter((i) => Number.isFinite(s.values[i]));
    const pts = idx.map((i) => `${px(xs[i]).toFixed(1)},${py(s.values[i]).toFixed(1)}`).join(" ");
    parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="1" points="${pts}"><title>${escapeXml(s.label)}</title></polyline>`);
    parts.push(
      `<text x="${pad.left + 8 + k * 140}" y="${pad.top + 14}" font-size="11" font-family="sans-serif" fill="${s.color}">${escapeXml(s.label)}</text>`,
    );
  });
  const first = o.series[0];
  // one dot per place on the chart: a long run of flagged points draws as a line of dots, not one per point
  const drawn = new Set<string>();
  for (const i of o.markers ?? []) {
    if (first && Number.isFinite(first.values[i])) {
      const at = `cx="${px(xs[i]).toFixed(0)}" cy="${py(first.values[i]).toFixed(0)}"`;
      if (drawn.has(at)) continue;
      drawn.add(at);
      parts.push(`<circle ${at} r="3" fill="#d62728"/>`);
    }
  }
  parts.push("</svg>");
  return parts.join("\n");
}

/** A complete HTML page around charts and a small table of facts. */
export function htmlPage(title: string, facts: readonly [string, string][], body: readonly string[]): string {
  const rows = facts.map(([k, v]) => `<tr><th>${escapeXml(k)}</th><td>${escapeXml(v)}</td></tr>`).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(title)}</title>
<style>body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin-bottom:16px}th,td{text-align:left;padding:2px 12px 2px 0;font-size:13px}th{color:#555}</style>
</head><body>
<h1>${escapeXml(title)}</h1>
<table>${rows}</table>
${body.join("\n")}
</body></html>
`;
}
