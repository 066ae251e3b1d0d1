import { readFileSync } from "node:fs";

/** The CLI's version: the `version` of packages/cli/package.json (`bytelab --version`, User-Agent). */
export const CLI_VERSION: string = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
).version;
