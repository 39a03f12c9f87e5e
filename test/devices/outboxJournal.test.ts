import { expect } from "chai";
import { appendFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { join } from "path";
import { Outbox } from "../../devices/trainAgent/outbox";
import { OutboxJournal, replayJournal, segmentName } from "../../devices/trainAgent/outboxJournal";
import { tempDir } from "../helpers/tempDir";

const line = (seq: number) => JSON.stringify({ seq, payload: `m${seq}` });
const seg = (first: number, seqs: number[], tail = "") => [segmentName(first), seqs.map(line).join("\n") + "\n" + tail] as const;

describe("outbox journal replay", () => {
  const cases: [string, (readonly [string, string])[], string, { seqs: number[]; nextSeq: number; dropped: number; torn: number }][] = [
    ["an empty folder", [], "", { seqs: [], nextSeq: 0, dropped: 0, torn: 0 }],
    ["nothing settled yet", [seg(0, [0, 1, 2])], "", { seqs: [0, 1, 2], nextSeq: 3, dropped: 0, torn: 0 }],
    [
      "acknowledged ones left out, in any order",
      [seg(0, [0, 1, 2, 3])],
      '{"next":0,"dropped":0}\n{"ack":2}\n{"ack":0}\n',
      { seqs: [1, 3], nextSeq: 4, dropped: 0, torn: 0 },
    ],
    ["segments read in seq order", [seg(3, [3, 4]), seg(0, [0, 1, 2])], "", { seqs: [0, 1, 2, 3, 4], nextSeq: 5, dropped: 0, torn: 0 }],
    [
      "drops listed and in the header counted together",
      [seg(5, [5, 6])],
      '{"next":5,"dropped":4}\n{"drop":5}\n',
      { seqs: [6], nextSeq: 7, dropped: 5, torn: 0 },
    ],
    ["a torn last line skipped and counted", [seg(0, [0, 1], '{"seq":2,"payl')], "", { seqs: [0, 1], nextSeq: 2, dropped: 0, torn: 1 }],
    ["a torn settled line skipped and counted", [seg(0, [0, 1])], '{"ack":0}\n{"ac', { seqs: [1], nextSeq: 2, dropped: 0, torn: 1 }],
    [
      "a line without seq or payload counted as torn",
      [[segmentName(0), '{"seq":"0","payload":"x"}\n{"seq":1}\n']],
      "",
      { seqs: [], nextSeq: 0, dropped: 0, torn: 2 },
    ],
    [
      "lines that are JSON but not an object (null, a number, a list) counted as torn, in segments and the settled log",
      [[segmentName(0), `null\n7\n[1]\n${line(0)}`]],
      'null\n"ack"\n',
      { seqs: [0], nextSeq: 1, dropped: 0, torn: 5 },
    ],
    ["everything settled: the seq carries on from the header", [], '{"next":42,"dropped":3}\n', { seqs: [], nextSeq: 42, dropped: 3, torn: 0 }],
    ["a repeated line kept once", [seg(0, [0, 1]), seg(1, [1])], "", { seqs: [0, 1], nextSeq: 2, dropped: 0, torn: 0 }],
    ["files that are not segments ignored", [["notes.txt", line(9)]], "", { seqs: [], nextSeq: 0, dropped: 0, torn: 0 }],
  ];
  for (const [what, segments, settled, want] of cases) {
    it(`reads ${what}`, () => {
      const s = replayJournal(segments, settled);
      expect({ seqs: s.messages.map((m) => m.seq), nextSeq: s.nextSeq, dropped: s.dropped, torn: s.torn }).to.deep.equal(want);
      expect(s.messages.every((m) => m.payload === `m${m.seq}`)).to.equal(true);
    });
  }
});

describe("durable outbox on disk", () => {
  let dir: string;
  beforeEach(() => (dir = tempDir("outbox-")));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const open = (capacity = 100, segmentLines = 3) => new Outbox(capacity, 0, new OutboxJournal(dir, { segmentLines, fsyncMs: 0 }));
  const add = (o: Outbox, n: number) => Array.from({ length: n }, () => o.add((seq) => `m${seq}`).seq);

  it("gives a restarted outbox what the last one had not acknowledged, in order, and carries the seq on", () => {
    const first = open();
    add(first, 7);
    for (const m of first.take(4)) first.acknowledge(m.seq);
    first.close();
    const second = open();
    expect([second.take(10).map((m) => m.payload), second.restored, second.dropped]).to.deep.equal([["m4", "m5", "m6"], 3, 0]);
    expect(add(second, 1)).to.deep.equal([7]);
  });

  it("starts from a segment holding a line that is JSON but not a message, keeping the messages around it", () => {
    writeFileSync(join(dir, segmentName(0)), `${line(0)}\nnull\n${line(1)}\n`);
    const o = open();
    expect([o.take(10).map((m) => m.payload), o.restored]).to.deep.equal([["m0", "m1"], 2]);
  });

  it("deletes segments whose messages are all settled and keeps the rest", () => {
    const o = open(100, 3);
    add(o, 7);
    for (const m of o.take(4)) o.acknowledge(m.seq);
    expect(readdirSync(dir).sort()).to.deep.equal([segmentName(3), segmentName(6), "settled.jsonl"]);
  });

  it("drops the oldest past its capacity, counts them, and remembers the count across a restart", () => {
    const first = open(3);
    add(first, 5);
    expect(first.dropped).to.equal(2);
    first.close();
    const second = open(3);
    expect([second.take(10).map((m) => m.seq), second.dropped]).to.deep.equal([[2, 3, 4], 2]);
  });

  it("drops the oldest restored messages when it restarts smaller, and counts them", () => {
    const first = open(10);
    add(first, 6);
    first.close();
    const second = open(4);
    expect([second.take(10).map((m) => m.seq), second.dropped, second.restored]).to.deep.equal([[2, 3, 4, 5], 2, 4]);
  });

  it("loses only the line being written when the process died mid-write, and counts it", () => {
    const first = open(100, 10);
    add(first, 3);
    first.close();
    appendFileSync(join(dir, segmentName(0)), '{"seq":3,"payload":"m');
    const second = open();
    expect([second.take(10).map((m) => m.payload), second.torn]).to.deep.equal([["m0", "m1", "m2"], 1]);
    add(second, 1);
    second.close();
    expect(
      open()
        .take(10)
        .map((m) => m.seq),
    ).to.deep.equal([0, 1, 2, 3]);
  });

  it("compacts the settled log on start to what the remaining segments need", () => {
    const first = open(100, 2);
    add(first, 5);
    for (const m of first.take(3)) first.acknowledge(m.seq);
    first.close();
    open(100, 2).close();
    expect(readFileSync(join(dir, "settled.jsonl"), "utf8")).to.equal('{"next":5,"dropped":0}\n{"ack":2}\n');
  });

  it("refuses a capacity below one, naming it", () => {
    expect(() => new Outbox(0)).to.throw(RangeError, "outbox capacity must be an integer >= 1, got 0");
  });

  it("ignores a stray temporary file left by a crash during compaction", () => {
    writeFileSync(join(dir, "settled.jsonl.tmp"), '{"next":99');
    const o = open();
    add(o, 2);
    expect(o.take(5).map((m) => m.seq)).to.deep.equal([0, 1]);
  });
});

describe("outbox fsync interval", () => {
  const fs = require("fs") as { fsyncSync: (fd: number) => void };
  const real = fs.fsyncSync;
  let syncs: number[];
  beforeEach(() => {
    syncs = [];
    fs.fsyncSync = (fd: number) => {
      syncs.push(Date.now());
      real(fd);
    };
  });
  afterEach(() => (fs.fsyncSync = real));

  it("syncs a line written within the interval once the interval is over, though no line follows it", async () => {
    const outbox = new Outbox(100, 0, new OutboxJournal(tempDir("outbox-"), { fsyncMs: 100 }));
    const before = syncs.length;
    outbox.add((seq) => `m${seq}`);
    outbox.add((seq) => `m${seq}`);
    const right = syncs.length - before;
    await new Promise((resolve) => setTimeout(resolve, 250));
    const later = syncs.length - before;
    outbox.close();
    // the first line at once, the second by the timer; nothing more while idle
    expect([right, later]).to.deep.equal([1, 2]);
  });
});
