/**
 * Devices join by fleet provisioning by claim.
 *   gridrail devices register --kind meter|train --serial S --out DIR [--endpoint URL] [--stack dev] [--force]
 *                             [--claim-cert FILE --claim-key FILE [--ca FILE]]
 *   gridrail devices serve [--port 1883] [--allow SERIAL,...]
 * `register` runs CreateKeysAndCertificate then RegisterThing over MQTT as client id S and writes
 * `<S>.cert.pem`, `<S>.private.key` (0600) and `<S>.json` (thing name, endpoint) under DIR. `serve` runs the
 * local stand-in (a loopback broker that provisions allow-listed serials) until interrupted.
 */
import { accessSync, chmodSync, constants, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "fs";
import { dirname, join, resolve } from "path";
import { Command, ParsedArgs, UsageError, commaList, debugStack, errorLine, integerFlag, runCommand } from "./args";
import { checkOutputFolder } from "./outputPaths";
import { MemoryAllowList } from "../functions/provisioningHook/decide";
import {
  DEVICE_KINDS,
  DeviceKind,
  SERIAL_FORMATS,
  isDeviceKind,
  kindProblem,
  provisioningTemplateName,
  serialProblem,
} from "../functions/provisioningHook/serials";
import { ProvisionedDevice, ProvisioningError, RegistrationUnansweredError, provisionByClaim } from "../devices/provisioning/claimFlow";
import { InputError } from "../anomaly/errors";

export const DEFAULT_ENDPOINT = "mqtt://127.0.0.1:1883";

const USAGE = [
  "usage: gridrail devices register --kind meter|train --serial S --out DIR [--endpoint URL] [--stack dev] [--force]",
  "                                 [--claim-cert FILE --claim-key FILE [--ca FILE]]",
  "       gridrail devices serve [--port 1883] [--allow SERIAL,...]",
  "  register     provision one device by claim and write DIR/<S>.cert.pem, DIR/<S>.private.key (0600), DIR/<S>.json",
  `  --kind       ${DEVICE_KINDS.join(" or ")}; --serial: ${DEVICE_KINDS.map((k) => `${k} ${SERIAL_FORMATS[k].example}`).join(", ")}`,
  `  --endpoint   mqtt://host:port (the local stand-in, default ${DEFAULT_ENDPOINT}) or mqtts://<prefix>-ats.iot.<region>.amazonaws.com:8883`,
  "  --stack      the stack whose template to use, gridrail-<stack>-<kind>s (default dev; the local stand-in serves dev and local)",
  "  --claim-cert, --claim-key, --ca   the claim certificate, its key and Amazon's root CA (PEM files), for mqtts",
  "  --force      overwrite the device's files in DIR",
  "  serve        a loopback broker with the provisioning stand-in for the listed serials (kind from the format)",
].join("\n");

/** The three files `register` writes for `serial` under `dir`. */
export function deviceFiles(dir: string, serial: string): { cert: string; key: string; json: string } {
  return { cert: join(dir, `${serial}.cert.pem`), key: join(dir, `${serial}.private.key`), json: join(dir, `${serial}.json`) };
}

export interface RegisterRequest {
  readonly kind: DeviceKind;
  readonly serial: string;
  readonly out: string;
  readonly endpoint: string;
  readonly templateName: string;
  readonly force: boolean;
  readonly tls?: { cert: string; key: string; ca?: string };
}

/** Validates the flags: a UsageError naming the flag and the value, an InputError for a file that cannot be read. */
export function registerRequest(args: ParsedArgs): RegisterRequest {
  const kind = args.kind as string | undefined;
  const serial = args.serial as string | undefined;
  const out = args.out as string | undefined;
  if (kind === undefined) throw new UsageError(`--kind is required (${DEVICE_KINDS.join(" or ")})`);
  if (!isDeviceKind(kind)) throw new UsageError(`--kind: ${kindProblem(kind)}`);
  if (serial === undefined) throw new UsageError("--serial is required");
  const bad = serialProblem(kind, serial);
  if (bad) throw new UsageError(`--serial: ${bad}`);
  if (out === undefined) throw new UsageError("--out is required (the folder for the certificate and key)");
  checkOutputFolder("--out", out);
  const endpoint = (args.endpoint as string | undefined) ?? DEFAULT_ENDPOINT;
  if (!/^mqtts?:\/\/[^/\s]+$/.test(endpoint)) throw new UsageError(`--endpoint ${JSON.stringify(endpoint)} must be mqtt://host:port or mqtts://host:port`);
  const port = /:(\d+)$/.exec(endpoint)?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535))
    throw new UsageError(`--endpoint ${JSON.stringify(endpoint)}: port ${port} is not in [1, 65535]`);
  const stack = (args.stack as string | undefined) ?? "dev";
  let templateName: string;
  try {
    templateName = provisioningTemplateName(stack, kind);
  } catch (e) {
    throw new UsageError(`--stack: ${(e as Error).message}`);
  }
  const [certFile, keyFile, caFile] = [args["claim-cert"], args["claim-key"], args.ca] as (string | undefined)[];
  if ((certFile === undefined) !== (keyFile === undefined)) throw new UsageError("--claim-cert and --claim-key go together");
  if (caFile !== undefined && certFile === undefined)
    throw new UsageError("--ca goes with --claim-cert and --claim-key (it verifies the TLS endpoint they connect to)");
  if (endpoint.startsWith("mqtts:") && certFile === undefined) throw new UsageError("an mqtts endpoint needs --claim-cert and --claim-key");
  const read = (flag: string, file: string) => {
    try {
      return readFileSync(file, "utf8");
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new InputError(
        `--${flag} ${file}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "a folder, not a file" : (code ?? (e as Error).message)}`,
      );
    }
  };
  const tls =
    certFile && keyFile ? { cert: read("claim-cert", certFile), key: read("claim-key", keyFile), ca: caFile ? read("ca", caFile) : undefined } : undefined;
  return { kind, serial, out, endpoint, templateName, force: args.force === true, tls };
}

/** Writes the device's files; the key is 0600 whatever the umask, and nothing is overwritten without `force`. */
export function writeDeviceFiles(dir: string, device: ProvisionedDevice, endpoint: string, force: boolean): string[] {
  const files = deviceFiles(dir, device.thingName);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const flag = force ? "w" : "wx";
  writeFileSync(files.key, device.privateKey, { mode: 0o600, flag });
  chmodSync(files.key, 0o600);
  writeFileSync(files.cert, device.certificatePem, { mode: 0o644, flag });
  writeFileSync(files.json, `${JSON.stringify({ thingName: device.thingName, endpoint, certificateId: device.certificateId }, null, 2)}\n`, { flag });
  return [files.cert, files.key, files.json];
}

/**
 * Why `dir` cannot take the device's files, or undefined: it must be a writable folder, or a path whose
 * nearest existing parent is one. Checked before provisioning: a certificate made for a folder that then
 * refuses its key would be active with the key lost.
 */
export function outFolderProblem(dir: string): string | undefined {
  let at = resolve(dir);
  for (;;) {
    const stat = statSync(at, { throwIfNoEntry: false });
    if (stat) {
      if (!stat.isDirectory()) return `${at} is a file, not a folder`;
      try {
        accessSync(at, constants.W_OK | constants.X_OK);
      } catch {
        return `${at} is not writable`;
      }
      return undefined;
    }
    const parent = dirname(at);
    if (parent === at) return `${at} does not exist`;
    at = parent;
  }
}

/** `provision`: the claim flow (a test passes one that fails as the network can). */
export async function runRegister(args: ParsedArgs, out: NodeJS.WritableStream, provision = provisionByClaim): Promise<void> {
  const request = registerRequest(args);
  const problem = outFolderProblem(request.out);
  if (problem) throw new InputError(`--out ${request.out}: ${problem}`);
  const files = deviceFiles(request.out, request.serial);
  const present = Object.values(files).filter((f) => existsSync(f));
  if (present.length > 0 && !request.force) throw new InputError(`${present.join(", ")} already exist; --force overwrites them`);
  let device: ProvisionedDevice;
  try {
    device = await provision({ endpoint: request.endpoint, templateName: request.templateName, serial: request.serial, tls: request.tls });
  } catch (e) {
    if (!(e instanceof RegistrationUnansweredError)) throw e;
    // the thing may be registered with this certificate: keep its key, and say how to find out
    const kept = writeDeviceFiles(request.out, e.device, request.endpoint, request.force);
    throw new ProvisioningError(
      `${e.message}; IoT Core may have registered ${request.serial} with certificate ${e.device.certificateId} all the same: ` +
        `its files are kept (${kept.join(", ")}); connect with them, and if IoT Core refuses the connection, ` +
        `have the operator delete the allow-list item "provisioned#${request.serial}" and register again with --force`,
    );
  }
  if (device.thingName !== request.serial) throw new ProvisioningError(`provisioned thing ${device.thingName}, expected ${request.serial}`);
  let written: string[];
  try {
    written = writeDeviceFiles(request.out, device, request.endpoint, request.force);
  } catch (e) {
    throw new ProvisioningError(
      `${device.thingName} was provisioned (certificate ${device.certificateId}) but --out ${request.out} could not take its files: ${(e as Error).message}; ` +
        "the certificate is active and its key is lost: revoke it, then register again",
    );
  }
  out.write(`${request.kind} ${device.thingName} provisioned with template ${request.templateName}: ${written.join(", ")}\n`);
}

/** `--allow` serials by kind, the kind read from each serial's format. */
export function allowListOf(serials: readonly string[]): Record<DeviceKind, string[]> {
  const out: Record<DeviceKind, string[]> = { meter: [], train: [] };
  for (const s of serials) {
    const kind = DEVICE_KINDS.find((k) => serialProblem(k, s) === undefined);
    if (!kind)
      throw new UsageError(
        `--allow: ${JSON.stringify(s)} is neither a meter serial (${SERIAL_FORMATS.meter.description}) nor a train serial (${SERIAL_FORMATS.train.description})`,
      );
    out[kind].push(s);
  }
  return out;
}

async function runServe(args: ParsedArgs, out: NodeJS.WritableStream): Promise<void> {
  const port = integerFlag(args, "port", 1883, 1, 65535);
  const allowed = allowListOf(commaList(args.allow as string | undefined) ?? []);
  // loaded only here: registering a device needs none of the local stand-in
  const { startBroker } = require("../local/iot/broker") as typeof import("../local/iot/broker");
  const { attachProvisioning } = require("../local/iot/provisioning") as typeof import("../local/iot/provisioning");
  const { localTemplates } = require("../local/iot/provisionFleet") as typeof import("../local/iot/provisionFleet");
  const broker = await startBroker(port).catch((e: NodeJS.ErrnoException) => {
    throw e.code === "EADDRINUSE" || e.code === "EACCES" ? new InputError(`--port ${port}: cannot listen (${e.code})`) : e;
  });
  const templates = { ...localTemplates("dev"), ...localTemplates() };
  attachProvisioning(broker, { templates, allowList: new MemoryAllowList(allowed) });
  out.write(
    `provisioning stand-in on ${broker.url} (templates ${Object.keys(templates).join(", ")}); allowed: ${[...allowed.meter, ...allowed.train].join(", ") || "none"}\n`,
  );
  await new Promise<void>((resolve) => process.once("SIGINT", resolve));
  await broker.close();
}

/** The flags of `serve`; every other flag is `register`'s. */
const SERVE_FLAGS = ["port", "allow"];

export const command: Command = {
  name: "devices",
  usage: USAGE,
  flags: {
    kind: "string",
    serial: "string",
    out: "string",
    endpoint: "string",
    stack: "string",
    force: "boolean",
    "claim-cert": "string",
    "claim-key": "string",
    ca: "string",
    port: "string",
    allow: "string",
  },
  subcommands: ["register", "serve"],
  run: async (args) => {
    const ofServe = (f: string) => SERVE_FLAGS.includes(f);
    const others = Object.keys(command.flags).filter((f) => args[f] !== undefined && ofServe(f) !== (args.subcommand === "serve"));
    if (others.length > 0) {
      const names = others.map((f) => `--${f}`).join(", ");
      const of = args.subcommand === "serve" ? "register" : "serve";
      throw new UsageError(`${names} ${others.length === 1 ? "is a flag" : "are flags"} of ${of}, not of ${args.subcommand}`);
    }
    try {
      await (args.subcommand === "serve" ? runServe(args, process.stdout) : runRegister(args, process.stdout));
      return 0;
    } catch (e) {
      if (!(e instanceof ProvisioningError)) throw e;
      process.stderr.write(`${errorLine(e, true)}\n${debugStack(e)}`);
      return 1;
    }
  },
};

if (require.main === module) runCommand(command);
