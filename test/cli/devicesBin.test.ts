import { expect } from "chai";
import { ChildProcess, execFile, spawn } from "child_process";
import { readFileSync, rmSync, statSync } from "fs";
import { createServer } from "net";
import { join } from "path";
import { tempDir } from "../helpers/tempDir";

const ROOT = join(__dirname, "..", "..");
const BIN = join(ROOT, "cli", "gridrail.js");

/** A port free on loopback now (the broker binds it a moment later). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Resolves with the first stdout line of `child`, or rejects with its stderr if it exits first. */
function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stdout!.on("data", (c) => {
      out += c;
      if (out.includes("\n")) resolve(out.split("\n")[0]);
    });
    child.stderr!.on("data", (c) => (err += c));
    child.once("exit", (code) => reject(new Error(`exited ${code} before its first line: ${err}`)));
  });
}

function run(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ status: err ? Number((err as { code?: number }).code ?? -1) : 0, stdout, stderr }),
    );
  });
}

describe("gridrail devices serve and register, through the gridrail executable", function () {
  this.timeout(120_000);
  let serve: ChildProcess | undefined;
  let dir: string;

  before(() => {
    dir = tempDir("gridrail-devices-bin-");
  });
  after(() => {
    if (serve && serve.exitCode === null) serve.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves the stand-in, provisions an allowed train and refuses an unlisted one, then stops on SIGINT", async () => {
    const port = await freePort();
    serve = spawn(process.execPath, [BIN, "devices", "serve", "--port", String(port), "--allow", "train-0003"], { cwd: ROOT });
    const banner = await firstLine(serve);
    expect(banner).to.equal(
      `provisioning stand-in on mqtt://127.0.0.1:${port} (templates gridrail-dev-meters, gridrail-dev-trains, gridrail-local-meters, gridrail-local-trains); allowed: train-0003`,
    );

    const endpoint = `mqtt://127.0.0.1:${port}`;
    const ok = await run(["devices", "register", "--kind", "train", "--serial", "train-0003", "--out", dir, "--endpoint", endpoint]);
    expect([ok.status, ok.stderr]).to.deep.equal([0, ""]);
    expect(ok.stdout).to.equal(
      `train train-0003 provisioned with template gridrail-dev-trains: ${dir}/train-0003.cert.pem, ${dir}/train-0003.private.key, ${dir}/train-0003.json\n`,
    );
    expect(statSync(join(dir, "train-0003.private.key")).mode & 0o777).to.equal(0o600);
    expect(JSON.parse(readFileSync(join(dir, "train-0003.json"), "utf8"))).to.include({ thingName: "train-0003", endpoint });

    const refused = await run(["devices", "register", "--kind", "train", "--serial", "train-0004", "--out", dir, "--endpoint", endpoint]);
    expect(refused.status).to.equal(1);
    expect(refused.stderr).to.equal(
      'error: RegisterThing with template gridrail-dev-trains rejected (403 AccessDenied): the pre-provisioning hook refused: serial "train-0004" is not on the train allow-list\n',
    );
    expect(() => statSync(join(dir, "train-0004.json"))).to.throw(/ENOENT/);

    const exited = new Promise<number | null>((resolve) => serve!.once("exit", resolve));
    serve.kill("SIGINT");
    expect(await exited).to.equal(0);
  });
});
