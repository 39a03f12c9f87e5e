import { expect } from "chai";
import { Writable } from "stream";
import { InputError } from "../../anomaly/errors";
import { Command, columnNames, commaList, debugStack, executeCommand, parseArgs, seedsFlag, UsageError } from "../../cli/args";
import { ConfigError } from "../../infra/config";

class Sink extends Writable {
  text = "";
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** Runs a command whose work is `work`, capturing what it prints. */
async function run(work: () => Promise<number | void>, argv: string[] = [], debug = false): Promise<[number, string, string]> {
  const out = new Sink();
  const err = new Sink();
  const command: Command = { name: "t", usage: "usage: gridrail t [--n N]", flags: { n: "string" }, run: work };
  const code = await executeCommand(command, argv, { out, err, debug });
  return [code, out.text, err.text];
}

function failing(e: Error): () => Promise<void> {
  return async () => {
    throw e;
  };
}

describe("the command runner", () => {
  const cases: [string, () => Promise<number | void>, string[], [number, string, string]][] = [
    ["--help prints the usage, exit 0", async () => 5, ["--help"], [0, "usage: gridrail t [--n N]\n", ""]],
    ["-h is --help", async () => 5, ["-h"], [0, "usage: gridrail t [--n N]\n", ""]],
    ["a command's own code is its exit", async () => 3, [], [3, "", ""]],
    ["nothing returned is 0", async () => undefined, ["--n", "1"], [0, "", ""]],
    ["an unknown flag is usage, exit 2", async () => 0, ["--m"], [2, "", "error: unknown flag --m; known: --n\n"]],
    ["a missing value is usage, exit 2", async () => 0, ["--n"], [2, "", "error: --n needs a value\n"]],
    ["a positional argument is usage, exit 2", async () => 0, ["x"], [2, "", 'error: unexpected argument "x"\n']],
    ["a UsageError from the work exits 2", failing(new UsageError("--n must be 1")), [], [2, "", "error: --n must be 1\n"]],
    ["an input error exits 1 with its message", failing(new InputError("a.csv:3: bad")), [], [1, "", "error: a.csv:3: bad\n"]],
    [
      "a stack config's problems share one line",
      failing(new ConfigError(["a: bad", "b: worse"])),
      [],
      [1, "", "error: invalid stack config: a: bad; b: worse\n"],
    ],
    ["a library's multi-line dump keeps its first line", failing(new Error("IO Error: no\nbyte dump\nmore")), [], [1, "", "error: Error: IO Error: no\n"]],
    ["a bug is named, without a stack", failing(new TypeError("x is undefined")), [], [1, "", "error: TypeError: x is undefined\n"]],
  ];
  for (const [what, work, argv, expected] of cases) {
    it(what, async () => {
      expect(await run(work, argv)).to.deep.equal(expected);
    });
  }

  it("adds the stack with GRIDRAIL_DEBUG=1", async () => {
    const e = new TypeError("x is undefined");
    const [code, , err] = await run(failing(e), [], true);
    expect([code, err]).to.deep.equal([1, `error: TypeError: x is undefined\n${e.stack}\n`]);
  });

  it("parses into an object without a prototype, so __proto__ is an unknown flag", () => {
    expect(() => parseArgs(["--__proto__", "1"], { n: "string" })).to.throw(UsageError, "unknown flag --__proto__; known: --n");
    expect(Object.getPrototypeOf(parseArgs(["--n=1"], { n: "string" }))).to.equal(null);
  });
});

describe("a command with subcommands", () => {
  const cases: [string[], [number, string, string]][] = [
    [
      ["open", "--n", "2"],
      [0, "open 2\n", ""],
    ],
    [["close"], [0, "close undefined\n", ""]],
    [["--help"], [0, "usage: gridrail v open|close\n", ""]],
    [[], [2, "", "error: a subcommand is required; known: open, close\n"]],
    [
      ["--n", "2"],
      [2, "", "error: a subcommand is required; known: open, close\n"],
    ],
    [["lock"], [2, "", 'error: unknown subcommand "lock"; known: open, close\n']],
    [
      ["open", "close"],
      [2, "", 'error: unexpected argument "close"\n'],
    ],
  ];
  for (const [argv, expected] of cases) {
    it(`${JSON.stringify(argv)} -> exit ${expected[0]}`, async () => {
      const out = new Sink();
      const err = new Sink();
      const command: Command = {
        name: "v",
        usage: "usage: gridrail v open|close",
        flags: { n: "string" },
        subcommands: ["open", "close"],
        run: async (args) => {
          out.write(`${String(args.subcommand)} ${String(args.n)}\n`);
        },
      };
      const code = await executeCommand(command, argv, { out, err, debug: false });
      expect([code, out.text, err.text]).to.deep.equal(expected);
    });
  }
});

describe("the --seeds flag", () => {
  const fifty = Array.from({ length: 50 }, (_, i) => i);
  const accepted: [string | undefined, number[]][] = [
    [undefined, [9, 8]],
    ["42", [42]],
    ["42, 1 ,2", [42, 1, 2]],
    ["0,4294967295", [0, 4294967295]],
    [fifty.join(","), fifty],
  ];
  for (const [raw, seeds] of accepted) {
    it(`${JSON.stringify(raw)} -> ${JSON.stringify(seeds).slice(0, 40)}`, () => {
      expect(seedsFlag({ seeds: raw }, [9, 8])).to.deep.equal(seeds);
    });
  }

  const refused: [string, string][] = [
    ["42,x", '--seeds 42,x: "x" is not an integer seed in [0, 4294967295]'],
    ["1.5", '--seeds 1.5: "1.5" is not an integer seed in [0, 4294967295]'],
    ["-1", '--seeds -1: "-1" is not an integer seed in [0, 4294967295]'],
    ["1e3", '--seeds 1e3: "1e3" is not an integer seed in [0, 4294967295]'],
    ["4294967296", '--seeds 4294967296: "4294967296" is not an integer seed in [0, 4294967295]'],
    ["1,,2", '--seeds 1,,2: "" is not an integer seed in [0, 4294967295]'],
    ["7,7", "--seeds 7,7: seed 7 is given twice"],
    [[...fifty, 50].join(","), `--seeds ${[...fifty, 50].join(",")}: 51 seeds; at most 50`],
  ];
  for (const [raw, message] of refused) {
    it(`refuses ${raw.slice(0, 20)}`, () => {
      expect(() => seedsFlag({ seeds: raw }, [1]))
        .to.throw(UsageError)
        .with.property("message", message);
    });
  }

  it("returns a copy of the fallback, not the fallback itself", () => {
    const fallback = [1, 2, 3];
    const seeds = seedsFlag({}, fallback);
    seeds.push(4);
    expect(fallback).to.deep.equal([1, 2, 3]);
  });
});

describe("comma-separated flag values", () => {
  const cases: [string | undefined, string[] | undefined, string[] | undefined][] = [
    [undefined, undefined, undefined],
    ["a, b", ["a", "b"], ["a", "b"]],
    ["", [], [""]],
    ["a,", ["a"], ["a", ""]],
    [",value", ["value"], ["", "value"]],
  ];
  for (const [raw, list, names] of cases) {
    it(`${JSON.stringify(raw)}: a list ${JSON.stringify(list)}, column names ${JSON.stringify(names)}`, () => {
      expect([commaList(raw), columnNames(raw)]).to.deep.equal([list, names]);
    });
  }
});

describe("an unknown flag", () => {
  it("lists the flags the command knows, or says it takes none", () => {
    expect(() => parseArgs(["--x"], { json: "boolean", help: "boolean" })).to.throw(UsageError, "unknown flag --x; known: --json");
    expect(() => parseArgs(["--x"], { help: "boolean" })).to.throw(UsageError, "unknown flag --x; the command takes none");
  });
});

describe("a flag given twice", () => {
  const spec = { json: "boolean", n: "string", option: "list" } as const;
  const cases: [string[], string | Record<string, unknown>][] = [
    [["--json", "--json"], "--json given twice"],
    [["--n", "1", "--n=2"], "--n given twice"],
    [["--option", "a=1", "--option", "b=2"], { option: ["a=1", "b=2"] }],
    [["--json", "--n", "1"], { json: true, n: "1" }],
  ];
  for (const [argv, expected] of cases) {
    it(`${argv.join(" ")}: ${typeof expected === "string" ? expected : "accepted"}`, () => {
      if (typeof expected === "string") expect(() => parseArgs(argv, spec)).to.throw(UsageError, expected);
      else expect({ ...parseArgs(argv, spec) }).to.deep.equal(expected);
    });
  }
});

describe("an empty value", () => {
  const spec = { n: "string", option: "list", exclude: "names" } as const;
  const cases: [string[], string | Record<string, unknown>][] = [
    [["--n="], "--n needs a value, got an empty one"],
    [["--n", ""], "--n needs a value, got an empty one"],
    [["--option", "a=1", "--option="], "--option needs a value, got an empty one"],
    [["--exclude="], { exclude: "" }],
    [["--exclude", ""], { exclude: "" }],
    [["--n", " "], { n: " " }],
  ];
  for (const [argv, expected] of cases) {
    it(`${JSON.stringify(argv)}: ${typeof expected === "string" ? expected : "accepted"}`, () => {
      if (typeof expected === "string") expect(() => parseArgs(argv, spec)).to.throw(UsageError, expected);
      else expect({ ...parseArgs(argv, spec) }).to.deep.equal(expected);
    });
  }
});

describe("the stack with GRIDRAIL_DEBUG=1, for commands that print their own error lines", () => {
  it("is the error's stack when debugging, else nothing", () => {
    const e = new Error("refused");
    expect([debugStack(e, true), debugStack(e, false), debugStack("a string", true)]).to.deep.equal([`${e.stack}\n`, "", ""]);
  });
});
