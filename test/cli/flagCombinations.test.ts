import { expect } from "chai";
import { runCli } from "../helpers/runCli";

/** Flag values and combinations refused before any work, as usage errors (exit 2) naming the flag. */
describe("flags refused before any work", () => {
  const cases: [string, string[], string][] = [
    ["demo", ["--no-report", "--out", "somewhere"], "error: --out is the reports' folder; --no-report writes none\n"],
    [
      "bench",
      ["--only="],
      "error: --only needs a name; known: 50 trees, 1-d, shingle 1; 100 trees, 1-d, shingle 1; 100 trees, 1-d, shingle 8; 100 trees, 5-d, shingle 4\n",
    ],
    ["benchLambda", ["--records", "10"], "error: --records 10 is below --trains 50: each batch gives every train at least one reading\n"],
    ["diagram", ["--x"], "error: unknown flag --x; the command takes none\n"],
    // `-` is standard output only where a command says so (detect --output, summary --csv), never a file named -
    ["demo", ["--out", "-"], 'error: --out needs a folder, got "-"\n'],
    ["openapi", ["--out", "-"], "error: --out needs a file path: - (standard output) is not supported for it\n"],
    ["start", ["--out", "-"], 'error: --out needs a folder, got "-"\n'],
    ["devices", ["register", "--kind", "train", "--serial", "train-0001", "--out", "-"], 'error: --out needs a folder, got "-"\n'],
    ["eval", ["--protocol", "--results", "-"], "error: --results needs a file path: - (standard output) is not supported for it\n"],
    ["trainAgent", ["--broker", "mqtt://127.0.0.1:1", "--train", "train-0042", "--outbox", "-"], 'error: --outbox needs a folder, got "-"\n'],
    // a flag given twice, with or without a value
    ["synth", ["--stack", "dev", "--json", "--json"], "error: --json given twice\n"],
    ["detect", ["--input", "x.csv", "--no-time", "--no-time"], "error: --no-time given twice\n"],
    // an empty value is refused wherever a value is required, named as empty (column names may be empty)
    ["detect", ["--input="], "error: --input needs a value, got an empty one\n"],
    ["bench", ["--baseline="], "error: --baseline needs a value, got an empty one\n"],
    ["eval", ["--nab", ""], "error: --nab needs a value, got an empty one\n"],
    ["synth", ["--stack="], "error: --stack needs a value, got an empty one\n"],
    ["detect", ["--input", "x.csv", "--option="], "error: --option needs a value, got an empty one\n"],
  ];
  for (const [command, args, stderr] of cases) {
    it(`${command} ${args.join(" ")}`, () => {
      const r = runCli(command, args);
      expect([r.status, r.stdout, r.stderr]).to.deep.equal([2, "", stderr]);
    });
  }
});
