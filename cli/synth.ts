/**
 * Offline synth: runs the Pulumi program under mocks with a stack's config and prints the resource inventory.
 *   npm run --silent synth -- --stack dev|prod [--json] [--diagram FILE.md]
 */
import * as fs from "fs";
import { ConfigError } from "../infra/config";
import { renderDiagramDocument } from "../infra/synth/diagram";
import { toInventory, toTable } from "../infra/synth/inventory";
import { synthStack } from "../infra/synth/synthStack";

interface Options {
    stack: string;
    json: boolean;
    diagram?: string;
}

const USAGE = "usage: npm run --silent synth -- --stack <dev|prod> [--json] [--diagram FILE.md]";

export function parseArgs(argv: readonly string[]): Options {
    let stack: string | undefined;
    let json = false;
    let diagram: string | undefined;
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--stack") stack = argv[++i];
        else if (arg.startsWith("--stack=")) stack = arg.slice("--stack=".length);
        else if (arg === "--json") json = true;
        else if (arg === "--diagram") diagram = argv[++i];
        else if (arg.startsWith("--diagram=")) diagram = arg.slice("--diagram=".length);
        else throw new Error(`unknown argument "${arg}"\n${USAGE}`);
    }
    if (!stack) throw new Error(`--stack is required\n${USAGE}`);
    if (diagram === "") throw new Error(`--diagram needs a file name\n${USAGE}`);
    return { stack, json, diagram };
}

async function main(): Promise<void> {
    const options = parseArgs(process.argv.slice(2));
    const synthesis = await synthStack(options.stack);
    if (options.diagram) fs.writeFileSync(options.diagram, renderDiagramDocument(synthesis));
    if (options.json) process.stdout.write(`${JSON.stringify(await toInventory(synthesis), null, 2)}\n`);
    else if (!options.diagram) process.stdout.write(`${toTable(synthesis)}\n`);
    else process.stderr.write(`wrote ${options.diagram} (stack ${options.stack}, ${synthesis.resources.length} resources)\n`);
}

if (require.main === module) {
    // `synth --json | head` closes the pipe early; that is the reader's choice, not a failure.
    process.stdout.on("error", (err: NodeJS.ErrnoException) => {
        if (err.code === "EPIPE") process.exit(0);
        throw err;
    });
    main().catch((err: unknown) => {
        process.stderr.write(`${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
    });
}
