import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { EXIT, UsageError } from "../exit";
import { epilogue } from "./common";

/**
 * `bytelab golden check DIR...`: conformance of the TF.js ports with the PyTorch references.
 * Prints one JSON line per fixture (contract in shared/DESIGN.md); exit code 0 only if all pass.
 * A DIR without manifest.json is treated as a folder of fixtures.
 */
export function registerGoldenCommands(program: Command): void {
  const golden = program.command("golden").description("check model ports against reference fixtures");
  golden
    .command("check")
    .description("import a fixture's reference weights, run the model and compare logits/routing/loss")
    .argument("<dirs...>", "fixture folder(s) (manifest.json, weights.bin, logits.bin), or a folder of them")
    .option(
      "--backend <name>",
      "TF.js backend: tensorflow-gpu | webgpu | tensorflow | wasm | cpu (default: best available; webgpu runs hourglass, megabyte and transformer fixtures, not H-Net)",
    )
    .option("-v, --verbose", "print failure reasons to stderr", false)
    .addHelpText(
      "after",
      epilogue(
        `
Examples:
  npx bytelab golden check packages/models/test/fixtures/golden
  npx bytelab golden check packages/models/test/fixtures/golden/hnet_1stage_T --verbose

Prints one JSON line per fixture: {"fixture","architecture","maxAbsLogitDiff","routingOk","pass",...}.
Exit 0 only when every fixture passes, 1 when one fails, 2 for a folder without fixtures.`,
        { backend: false },
      ),
    )
    .action(async (dirs: string[], opts: { backend?: string; verbose: boolean }) => {
      const { initBackend, checkGoldenFixture } = await import("@bytelab/models");
      const { readdirSync } = await import("node:fs");
      await initBackend(opts.backend);
      const fixtureDirs = dirs.flatMap((d) => {
        const dir = resolve(d);
        if (existsSync(join(dir, "manifest.json"))) return [dir];
        if (!existsSync(dir)) throw new UsageError(`fixture folder ${dir} does not exist`);
        const children = readdirSync(dir)
          .map((c) => join(dir, c))
          .filter((c) => existsSync(join(c, "manifest.json")));
        if (children.length === 0)
          throw new UsageError(`${dir} has no manifest.json and no fixture subfolders`);
        return children.sort();
      });
      let allPass = true;
      for (const dir of fixtureDirs) {
        try {
          const report = await checkGoldenFixture(dir);
          allPass &&= report.pass;
          const { fixture, architecture, maxAbsLogitDiff, routingOk, pass, ...rest } = report;
          console.log(JSON.stringify({ fixture, architecture, maxAbsLogitDiff, routingOk, pass, ...rest }));
          if (!pass && opts.verbose) for (const f of report.failures) console.error(`  ${fixture}: ${f}`);
        } catch (error) {
          allPass = false;
          const message = (error as Error).message;
          console.log(
            JSON.stringify({
              fixture: dir,
              architecture: null,
              maxAbsLogitDiff: null,
              routingOk: null,
              pass: false,
              error: message,
            }),
          );
          if (opts.verbose) console.error(`  ${dir}: ${message}`);
        }
      }
      process.exitCode = allPass ? EXIT.ok : EXIT.failure;
    });
}
