#!/usr/bin/env node
// The `bytelab` command. The project is TypeScript without a build step: tsx compiles on the fly.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/main.ts");
process.exitCode = await main(process.argv);
