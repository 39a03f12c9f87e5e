#!/usr/bin/env node
// The `gridrail` executable (package.json "bin"): registers tsx's require hook, then runs the TypeScript
// command table. tsx is installed by `npm ci` in a clone (a devDependency), so no build step is needed.
"use strict";
require("tsx/cjs");
require("./commands.ts").main();
