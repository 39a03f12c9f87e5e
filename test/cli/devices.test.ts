import { expect } from "chai";
import { execFile } from "child_process";
import { chmodSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "fs";
import { join } from "path";
import { tmpdir } from "os";
import { InputError } from "../../anomaly/errors";
import { allowListOf, outFolderProblem, registerRequest, runRegister } from "../../cli/devices";
import { RegistrationUnansweredError } from "../../devices/provisioning/claimFlow";
import { ParsedArgs } from "../../cli/args";
import { MemoryAllowList } from "../../functions/provisioningHook/decide";
import { LoopbackBroker, startBroker } from "../../local/iot/broker";
import { ProvisioningStandIn, attachProvisioning } from "../../local/iot/provisioning";
import { localTemplates } from "../../local/iot/provisionFleet";
import { tempDir } from "../helpers/tempDir";

const ROOT = join(__dirname, "..", "..");
const TSX = join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");

/** `npm run --silent devices -- args`, without blocking this process's event loop (the broker runs here). */
function devices(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [TSX, join(ROOT, "cli", "devices.ts"), ...args], { cwd: ROOT, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ status: err ? Number((err as { code?: number }).code ?? -1) : 0, stdout, stderr }),
    );
  });
}

describe("gridrail devices register: flags", () => {
  const cases: [string, ParsedArgs, string][] = [
    ["no kind", { serial: "train-0001", out: "d" }, "--kind is required (meter or train)"],
    ["an unknown kind", { kind: "bus", serial: "train-0001", out: "d" }, '--kind: kind "bus" is not a device kind (one of meter, train)'],
    ["no serial", { kind: "train", out: "d" }, "--serial is required"],
    [
      "a meter serial for a train",
      { kind: "train", serial: "NMI6100000001", out: "d" },
      '--serial: serial "NMI6100000001" is not a train serial: train- followed by 4 to 8 digits, e.g. train-0001',
    ],
    ["no folder", { kind: "train", serial: "train-0001" }, "--out is required (the folder for the certificate and key)"],
    [
      "an http endpoint",
      { kind: "train", serial: "train-0001", out: "d", endpoint: "http://x" },
      '--endpoint "http://x" must be mqtt://host:port or mqtts://host:port',
    ],
    [
      "mqtts without a claim certificate",
      { kind: "train", serial: "train-0001", out: "d", endpoint: "mqtts://a-ats.iot.eu-west-1.amazonaws.com:8883" },
      "an mqtts endpoint needs --claim-cert and --claim-key",
    ],
    [
      "a claim certificate without its key",
      { kind: "train", serial: "train-0001", out: "d", "claim-cert": "c.pem" },
      "--claim-cert and --claim-key go together",
    ],
    [
      "a port past 65535",
      { kind: "train", serial: "train-0001", out: "d", endpoint: "mqtt://127.0.0.1:99999" },
      '--endpoint "mqtt://127.0.0.1:99999": port 99999 is not in [1, 65535]',
    ],
    [
      "port 0",
      { kind: "train", serial: "train-0001", out: "d", endpoint: "mqtt://127.0.0.1:0" },
      '--endpoint "mqtt://127.0.0.1:0": port 0 is not in [1, 65535]',
    ],
    [
      "a CA without the claim credentials it serves",
      { kind: "train", serial: "train-0001", out: "d", ca: "/nope" },
      "--ca goes with --claim-cert and --claim-key (it verifies the TLS endpoint they connect to)",
    ],
    [
      "a stack that cannot name a template",
      { kind: "train", serial: "train-0001", out: "d", stack: "Prod" },
      '--stack: stack "Prod" must be 1-21 lowercase letters, digits or -, starting with a letter',
    ],
  ];
  for (const [title, args, message] of cases) {
    it(`refuses ${title}`, () => {
      expect(() => registerRequest(args)).to.throw(message);
    });
  }

  it("names a claim file it cannot read as bad input (exit 1), not a bad command line", () => {
    const tls = { kind: "train", serial: "train-0001", out: "d", endpoint: "mqtts://a-ats.iot.eu-west-1.amazonaws.com:8883" };
    const missing = join(tmpdir(), "gridrail-no-such-claim.pem");
    expect(() => registerRequest({ ...tls, "claim-cert": missing, "claim-key": missing })).to.throw(InputError, `--claim-cert ${missing}: no such file`);
    expect(() => registerRequest({ ...tls, "claim-cert": tmpdir(), "claim-key": missing })).to.throw(
      InputError,
      `--claim-cert ${tmpdir()}: a folder, not a file`,
    );
  });

  it("defaults to the local stand-in and the dev stack's template", () => {
    expect(registerRequest({ kind: "meter", serial: "NMI6100000001", out: "d" })).to.deep.equal({
      kind: "meter",
      serial: "NMI6100000001",
      out: "d",
      endpoint: "mqtt://127.0.0.1:1883",
      templateName: "gridrail-dev-meters",
      force: false,
      tls: undefined,
    });
  });

  it("reads each --allow serial's kind from its format", () => {
    expect(allowListOf(["NMI6100000001", "train-0001"])).to.deep.equal({ meter: ["NMI6100000001"], train: ["train-0001"] });
    expect(() => allowListOf(["bus-1"])).to.throw(
      '--allow: "bus-1" is neither a meter serial (NMI followed by 10 digits) nor a train serial (train- followed by 4 to 8 digits)',
    );
  });
});

describe("gridrail devices register against the local stand-in", function () {
  this.timeout(120_000);
  let broker: LoopbackBroker;
  let standIn: ProvisioningStandIn;
  let dir: string;
  const allowList = new MemoryAllowList({ train: ["train-0007"], meter: ["NMI6100000001"] });

  before(async () => {
    broker = await startBroker();
    standIn = attachProvisioning(broker, { templates: localTemplates("dev"), allowList });
    dir = tempDir("gridrail-devices-");
  });
  after(async () => {
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes the certificate, a 0600 key and the thing's JSON, then refuses to overwrite them without --force", async () => {
    const out = join(dir, "creds");
    const first = await devices(["register", "--kind", "train", "--serial", "train-0007", "--out", out, "--endpoint", broker.url]);
    expect(first.stderr).to.equal("");
    expect(first.stdout).to.equal(
      `train train-0007 provisioned with template gridrail-dev-trains: ${out}/train-0007.cert.pem, ${out}/train-0007.private.key, ${out}/train-0007.json\n`,
    );
    expect(statSync(join(out, "train-0007.private.key")).mode & 0o777).to.equal(0o600);
    const meta = JSON.parse(readFileSync(join(out, "train-0007.json"), "utf8"));
    expect(meta).to.deep.equal({ thingName: "train-0007", endpoint: broker.url, certificateId: standIn.things.get("train-0007")!.certificateIds[0] });
    expect(standIn.authority.verify(readFileSync(join(out, "train-0007.cert.pem"), "utf8"))?.certificateId).to.equal(meta.certificateId);

    const again = await devices(["register", "--kind", "train", "--serial", "train-0007", "--out", out, "--endpoint", broker.url]);
    expect([again.status, again.stderr]).to.deep.equal([
      1,
      `error: ${out}/train-0007.cert.pem, ${out}/train-0007.private.key, ${out}/train-0007.json already exist; --force overwrites them\n`,
    ]);
    expect(standIn.things.get("train-0007")!.certificateIds).to.have.length(1);

    writeFileSync(join(out, "train-0007.private.key"), "old", { mode: 0o644 });
    chmodSync(join(out, "train-0007.private.key"), 0o644);
    // a serial joins once: the hook refuses it again until an operator deletes its provisioned mark
    const refused = await devices(["register", "--kind", "train", "--serial", "train-0007", "--out", out, "--endpoint", broker.url, "--force"]);
    expect([refused.status, readFileSync(join(out, "train-0007.private.key"), "utf8")]).to.deep.equal([1, "old"]);
    expect(refused.stderr).to.match(
      /^error: RegisterThing with template gridrail-dev-trains rejected \(403 AccessDenied\): the pre-provisioning hook refused: serial "train-0007" was provisioned at \S+ with certificate \S+; to provision it again, delete the allow-list item "provisioned#train-0007"\n$/,
    );
    allowList.forget("train", "train-0007");
    const forced = await devices(["register", "--kind", "train", "--serial", "train-0007", "--out", out, "--endpoint", broker.url, "--force"]);
    expect(forced.status).to.equal(0);
    expect(readFileSync(join(out, "train-0007.private.key"), "utf8")).to.match(/^-----BEGIN PRIVATE KEY-----/);
    expect(statSync(join(out, "train-0007.private.key")).mode & 0o777).to.equal(0o600);
    expect(standIn.things.get("train-0007")!.certificateIds).to.have.length(2);
  });

  it("prints the hook's reason when the serial is not allowed, and writes nothing", async () => {
    const r = await devices(["register", "--kind", "meter", "--serial", "NMI6100000002", "--out", join(dir, "refused"), "--endpoint", broker.url]);
    expect([r.status, r.stdout, r.stderr]).to.deep.equal([
      1,
      "",
      'error: RegisterThing with template gridrail-dev-meters rejected (403 AccessDenied): the pre-provisioning hook refused: serial "NMI6100000002" is not on the meter allow-list\n',
    ]);
    expect(statSync(join(dir, "refused"), { throwIfNoEntry: false })).to.equal(undefined);
  });

  it("says which endpoint it cannot reach", async () => {
    const closed = await startBroker();
    const url = closed.url;
    await closed.close();
    const r = await devices(["register", "--kind", "meter", "--serial", "NMI6100000001", "--out", join(dir, "x"), "--endpoint", url]);
    expect([r.status, r.stderr]).to.deep.equal([
      1,
      `error: cannot connect to ${url} as claim-NMI6100000001: connect ECONNREFUSED ${url.slice("mqtt://".length)}\n`,
    ]);
  });

  it("refuses an --out that is a file before provisioning anything (exit 1, as any output the file system refuses)", async () => {
    const file = join(dir, "a-file");
    writeFileSync(file, "");
    const r = await devices(["register", "--kind", "meter", "--serial", "NMI6100000001", "--out", file, "--endpoint", broker.url]);
    expect([r.status, r.stdout, r.stderr]).to.deep.equal([1, "", `error: --out ${file}: ${file} is a file, not a folder\n`]);
    expect(standIn.things.has("NMI6100000001")).to.equal(false);
  });

  it("names --port when serve cannot listen on it", async () => {
    const port = new URL(broker.url).port;
    const r = await devices(["serve", "--port", port]);
    expect([r.status, r.stderr]).to.deep.equal([1, `error: --port ${port}: cannot listen (EADDRINUSE)\n`]);
  });

  it("refuses another subcommand's flags (exit 2)", async () => {
    const register = await devices(["register", "--kind", "meter", "--serial", "NMI6100000001", "--out", join(dir, "z"), "--port", "5"]);
    const serve = await devices(["serve", "--kind", "meter", "--out", join(dir, "z")]);
    expect([register.status, register.stderr, serve.status, serve.stderr]).to.deep.equal([
      2,
      "error: --port is a flag of serve, not of register\n",
      2,
      "error: --kind, --out are flags of register, not of serve\n",
    ]);
  });

  it("refuses a bad serial before connecting (exit 2)", async () => {
    const r = await devices(["register", "--kind", "meter", "--serial", "meter04", "--out", join(dir, "y"), "--endpoint", broker.url]);
    expect([r.status, r.stderr]).to.deep.equal([2, 'error: --serial: serial "meter04" is not a meter serial: NMI followed by 10 digits, e.g. NMI6100000001\n']);
  });
});

describe("gridrail devices register when RegisterThing's answer is lost", () => {
  it("keeps the certificate and 0600 key it made and says how to find out whether the thing is registered", async () => {
    const dir = join(tempDir("gridrail-devices-lost-"), "creds");
    const device = { thingName: "train-0009", certificateId: "cert-9", certificatePem: "PEM", privateKey: "KEY" };
    const lost = async () => Promise.reject(new RegistrationUnansweredError("RegisterThing with template gridrail-dev-trains: no answer", device));
    const args = { subcommand: "register", kind: "train", serial: "train-0009", out: dir } as ParsedArgs;
    const message = await runRegister(args, process.stdout, lost).then(
      () => "",
      (e: Error) => `${e.name}: ${e.message}`,
    );
    expect(message).to.equal(
      "ProvisioningError: RegisterThing with template gridrail-dev-trains: no answer; IoT Core may have registered train-0009 with certificate cert-9 all the same: " +
        `its files are kept (${dir}/train-0009.cert.pem, ${dir}/train-0009.private.key, ${dir}/train-0009.json); connect with them, and if IoT Core refuses ` +
        'the connection, have the operator delete the allow-list item "provisioned#train-0009" and register again with --force',
    );
    expect([readFileSync(join(dir, "train-0009.private.key"), "utf8"), statSync(join(dir, "train-0009.private.key")).mode & 0o777]).to.deep.equal([
      "KEY",
      0o600,
    ]);
  });
});

describe("gridrail devices register: the --out folder", () => {
  let dir: string;
  before(() => {
    dir = tempDir("gridrail-out-");
    writeFileSync(join(dir, "file"), "");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const cases: [string, (d: string) => string, (d: string) => string | undefined][] = [
    ["an existing folder", (d) => d, () => undefined],
    ["a folder to create under one", (d) => join(d, "new", "deeper"), () => undefined],
    ["a file", (d) => join(d, "file"), (d) => `${join(d, "file")} is a file, not a folder`],
    ["a path through a file", (d) => join(d, "file", "creds"), (d) => `${join(d, "file")} is a file, not a folder`],
  ];
  for (const [title, path, problem] of cases) {
    it(`${title}: ${problem(":dir") ?? "accepted"}`, () => {
      expect(outFolderProblem(path(dir))).to.equal(problem(dir));
    });
  }

  it("a folder it may not write to (as a user without root's override)", function () {
    if (process.getuid?.() === 0) this.skip();
    const locked = join(dir, "locked");
    mkdirSync(locked, { mode: 0o500 });
    expect(outFolderProblem(join(locked, "creds"))).to.equal(`${locked} is not writable`);
  });
});
