import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { arch, cpus, totalmem } from "node:os";
import { join } from "node:path";
import { type BenchSuite, formatTable } from "./lib";

const suitesDir = join(import.meta.dirname, "suites");
const resultsDir = join(import.meta.dirname, "results");

async function main() {
  const wanted = process.argv.slice(2);
  const files = readdirSync(suitesDir)
    .filter((f) => f.endsWith(".bench.ts"))
    .sort();
  const suites: BenchSuite[] = [];
  for (const f of files) suites.push((await import(join(suitesDir, f))).default as BenchSuite);
  const selected = wanted.length ? suites.filter((s) => wanted.includes(s.name)) : suites;
  if (wanted.length && selected.length !== wanted.length) {
    const known = suites.map((s) => s.name).join(", ");
    throw new Error(
      `unknown benchmark(s) ${wanted.filter((w) => !suites.some((s) => s.name === w)).join(", ")}; known: ${known}`,
    );
  }
  mkdirSync(resultsDir, { recursive: true });
  const machine = {
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    memGiB: Math.round(totalmem() / 2 ** 30),
    arch: arch(),
    node: process.version,
  };
  for (const suite of selected) {
    console.log(`\n== ${suite.name}: ${suite.description}`);
    const started = Date.now();
    const report = await suite.run();
    console.log(`\n${report.title}\n${formatTable(report.columns, report.rows)}`);
    for (const s of report.summary) console.log(`  * ${s}`);
    const file = join(resultsDir, `${suite.name}.json`);
    writeFileSync(
      file,
      `${JSON.stringify({ suite: suite.name, date: new Date().toISOString(), machine, seconds: (Date.now() - started) / 1000, ...report }, null, 2)}\n`,
    );
    console.log(`  -> ${file}`);
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
