import { expect } from "chai";
import { AnomalyEntry } from "../../devices/trainAgent/anomalyInbox";
import { EdgeEpisode, reconcileEpisodes } from "../../devices/trainAgent/reconcile";

const T = Date.UTC(2020, 1, 1, 5, 0, 0);
const S = 10_000;
const iso = (ms: number) => new Date(ms).toISOString();

function edge(startedAt: number, clearedAt?: number, sensors = ["Oil_temperature"], group = "apu"): EdgeEpisode {
  return {
    id: `${group}-${startedAt}`,
    group,
    status: clearedAt === undefined ? "ongoing" : "cleared",
    startedAt,
    ...(clearedAt === undefined ? {} : { clearedAt }),
    sensors,
    raisedOffline: true,
    message: "edge",
  };
}

function cloud(startedAt: number | string, clearedAt?: number | string, sensors = ["Oil_temperature"], group = "apu"): AnomalyEntry {
  const time = (t: number | string) => (typeof t === "number" ? iso(t) : t);
  return {
    group,
    status: clearedAt === undefined ? "ongoing" : "cleared",
    startedAt: time(startedAt),
    updatedAt: time(clearedAt ?? startedAt),
    ...(clearedAt === undefined ? {} : { clearedAt: time(clearedAt), clearedBy: "normal" }),
    sensors: sensors.map((name) => ({ name, direction: "high", value: 60, expected: 52, unit: "°C" })),
    message: "cloud",
  };
}

/** The cloud's entry of a sensor outside its bounds (TP2 at 99 bar). */
function fault(startedAt: number): AnomalyEntry {
  return {
    ...cloud(startedAt, undefined, []),
    sensors: [{ name: "TP2", direction: "high", value: 99, expected: 20, unit: "bar" }],
    fault: { min: -1, max: 20 },
  };
}

/** [case, edge episodes, cloud entries, expected "kind cloudId edgeIds" lines]. */
const CASES: [string, EdgeEpisode[], Record<string, AnomalyEntry>, string[]][] = [
  ["same start, same sensor", [edge(T, T + 60 * S)], { c: cloud(T, T + 60 * S) }, [`confirmed by cloud c apu-${T}`]],
  ["edge starts later inside the cloud's", [edge(T + 5 * S, T + 20 * S)], { c: cloud(T, T + 60 * S) }, [`confirmed by cloud c apu-${T + 5 * S}`]],
  ["partly overlapping", [edge(T - 5 * S, T + 2 * S)], { c: cloud(T, T + 60 * S) }, [`confirmed by cloud c apu-${T - 5 * S}`]],
  [
    "touching: the edge's clears the instant the cloud's starts",
    [edge(T - 10 * S, T)],
    { c: cloud(T, T + 60 * S) },
    [`confirmed by cloud c apu-${T - 10 * S}`],
  ],
  ["adjacent: a reading apart", [edge(T - 10 * S, T - S)], { c: cloud(T, T + 60 * S) }, [`edge only - apu-${T - 10 * S}`, "cloud only c -"]],
  ["disjoint", [edge(T + 100 * S, T + 110 * S)], { c: cloud(T, T + 60 * S) }, ["cloud only c -", `edge only - apu-${T + 100 * S}`]],
  [
    "different sensor at the same time",
    [edge(T, T + 60 * S, ["Motor_current"])],
    { c: cloud(T, T + 60 * S, ["Oil_temperature"]) },
    [`edge only - apu-${T}`, "cloud only c -"],
  ],
  [
    "one driving sensor in common",
    [edge(T, T + 60 * S, ["TP2", "Reservoirs"])],
    { c: cloud(T, T + 60 * S, ["Reservoirs"]) },
    [`confirmed by cloud c apu-${T}`],
  ],
  ["no driving sensor named: time alone decides", [edge(T, T + 60 * S, [])], { c: cloud(T, T + 60 * S) }, [`confirmed by cloud c apu-${T}`]],
  ["another group", [edge(T, T + 60 * S, ["Oil_temperature"], "oil")], { c: cloud(T, T + 60 * S) }, ["cloud only c -", `edge only - oil-${T}`]],
  ["an ongoing edge episode runs on", [edge(T - 100 * S)], { c: cloud(T, T + 60 * S) }, [`confirmed by cloud c apu-${T - 100 * S}`]],
  ["an ongoing cloud episode runs on", [edge(T + 500 * S, T + 510 * S)], { c: cloud(T) }, [`confirmed by cloud c apu-${T + 500 * S}`]],
  [
    "an edge episode that started after the cloud's cleared",
    [edge(T + 61 * S)],
    { c: cloud(T, T + 60 * S) },
    ["cloud only c -", `edge only - apu-${T + 61 * S}`],
  ],
  [
    "the cloud's time in another offset, same instant",
    [edge(T, T + 60 * S)],
    { c: cloud("2020-02-01T06:00:00+01:00", "2020-02-01T06:10:00+01:00") },
    [`confirmed by cloud c apu-${T}`],
  ],
  ["an unreadable cloud time never matches", [edge(T, T + 60 * S)], { c: cloud("yesterday", "today") }, ["cloud only c -", `edge only - apu-${T}`]],
  [
    "two edge episodes for one cloud episode",
    [edge(T, T + 10 * S), edge(T + 20 * S, T + 30 * S)],
    { c: cloud(T, T + 60 * S) },
    [`confirmed by cloud c apu-${T},apu-${T + 20 * S}`],
  ],
  ["nothing on either side", [], {}, []],
  [
    "the same sensor fault on both sides",
    [{ ...edge(T, undefined, ["TP2"]), id: `apu-TP2-${T}`, fault: true }],
    { c: fault(T) },
    [`confirmed by cloud c apu-TP2-${T}`],
  ],
  ["a sensor fault is not an anomaly of the same sensor", [edge(T, T + 60 * S, ["TP2"])], { c: fault(T) }, [`edge only - apu-${T}`, "cloud only c -"]],
  [
    "an anomaly is not a sensor fault of the same sensor",
    [{ ...edge(T, undefined, ["TP2"]), fault: true }],
    { c: cloud(T, T + 60 * S, ["TP2"]) },
    [`edge only - apu-${T}`, "cloud only c -"],
  ],
];

describe("reconciling edge and cloud episodes", () => {
  for (const [what, edgeEpisodes, entries, expected] of CASES) {
    it(`pairs them: ${what}`, () => {
      const r = reconcileEpisodes(edgeEpisodes, entries);
      expect(r.episodes.map((e) => `${e.kind} ${e.cloudId ?? "-"} ${e.edgeIds.join(",") || "-"}`)).to.deep.equal(expected);
    });
  }

  it("counts each kind once per episode", () => {
    const r = reconcileEpisodes([edge(T, T + 60 * S), edge(T + 1000 * S, T + 1010 * S)], { a: cloud(T + S, T + 50 * S), b: cloud(T + 3000 * S) });
    expect([r.confirmed, r.edgeOnly, r.cloudOnly]).to.deep.equal([1, 1, 1]);
  });
});
