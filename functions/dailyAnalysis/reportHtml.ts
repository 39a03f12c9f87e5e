import { escapeXml, htmlPage, lineChart } from "../../report/svgChart";
import { ClientReport } from "./clientReport";

/** The customer's self-contained page: facts, the half-hourly chart with unusual half-hours marked, a table. */
export function reportHtml(r: ClientReport): string {
  const hhmm = (iso: string) => iso.slice(11, 16);
  const kwh = (x: number | null) => (x === null ? "–" : x.toFixed(3));
  const facts: [string, string][] = [
    ["Meter", r.clientId],
    ["Day (UTC)", r.date],
    ["Total", `${kwh(r.totalKwh)} kWh over ${r.halfHoursCovered} of 48 half-hours`],
    ["Peak", r.peak ? `${kwh(r.peak.kwh)} kWh at ${hhmm(r.peak.start)} UTC` : "no data"],
    [
      "Recent days",
      (r.comparison.averageKwh === null
        ? r.comparison.partialDays > 0
          ? "no earlier full day"
          : "no earlier reports"
        : `average ${kwh(r.comparison.averageKwh)} kWh over ${r.comparison.days} full day(s)` +
          (r.comparison.changePercent === null ? "" : `, this day ${r.comparison.changePercent >= 0 ? "+" : ""}${r.comparison.changePercent}%`)) +
        (r.comparison.partialDays > 0 ? ` (${r.comparison.partialDays} day(s) with missing half-hours left out)` : "") +
        // reports written before households were known have no `since`
        (r.comparison.since ? `; days before ${r.comparison.since}, your household's first day, are not compared` : ""),
    ],
    ["Same day last week", kwh(r.comparison.sameWeekdayLastWeekKwh) + (r.comparison.sameWeekdayLastWeekKwh === null ? "" : " kWh")],
    [
      "Unusual half-hours",
      r.detector.ready ? String(r.unusual.length) : `not assessed yet (needs more history, has ${r.detector.historyHalfHours} half-hours)`,
    ],
  ];
  if (r.sources.rejectedLines > 0) facts.push(["Readings refused", String(r.sources.rejectedLines)]);
  // reports written before late partitions were recorded have none
  const late = r.sources.latePartitions ?? [];
  if (late.length > 0) facts.push(["Revised", `with readings that arrived late, on ${late.join(", ")}`]);
  const x = r.halfHourly.map((h) => Date.parse(h.start));
  const chart = lineChart({
    title: "kWh per half-hour (UTC)",
    x,
    series: [{ label: "kWh", values: r.halfHourly.map((h) => (h.kwh === null ? NaN : h.kwh)), color: "#1f77b4" }],
    markers: r.halfHourly.flatMap((h, i) => (h.unusual ? [i] : [])),
    formatX: (t) => new Date(t).toISOString().slice(11, 16),
  });
  const rows = r.unusual.map(
    (u) => `<tr><td>${escapeXml(hhmm(u.start))}</td><td>${kwh(u.kwh)}</td><td>${kwh(u.expectedKwh)}</td><td>${u.score.toFixed(2)}</td></tr>`,
  );
  const table = rows.length
    ? `<h2>Unusual half-hours</h2><table><tr><th>from (UTC)</th><th>kWh</th><th>usual</th><th>score</th></tr>${rows.join("")}</table>`
    : "";
  return htmlPage(`Daily energy report ${r.date}`, facts, [chart, table]);
}
