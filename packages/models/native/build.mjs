#!/usr/bin/env node
// Builds bytelab's optional native CPU kernels (an N-API addon on OpenBLAS / Accelerate): `npm run build:native`.
// Not part of `npm install`: without a C compiler and a BLAS the project still installs and trains on the wasm
// kernels. Exit 0 built (or nothing to do with --if-possible), 1 a prerequisite is missing or the build failed.
//   --if-possible   exit 0 with a note when a prerequisite is missing (CI and scripts that want "best effort")
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const ifPossible = process.argv.includes("--if-possible");

function fail(message) {
  console.error(`build:native: ${message}`);
  process.exit(ifPossible ? 0 : 1);
}

function has(command, args = ["--version"]) {
  return spawnSync(command, args, { stdio: "ignore" }).status === 0;
}

const isMac = process.platform === "darwin";
const compiler = [process.env.CC, "cc", "gcc", "clang"].find((c) => c && has(c));
if (!compiler || !has("make")) {
  fail(
    isMac
      ? "no C compiler / make: install the Xcode command line tools (xcode-select --install)"
      : "no C compiler / make: install them (Debian/Ubuntu: apt-get install -y build-essential)",
  );
}

// The BLAS: Accelerate ships with macOS; elsewhere a cblas.h and libopenblas.
if (!isMac) {
  const headerDirs = [
    "/usr/include",
    "/usr/include/x86_64-linux-gnu",
    "/usr/include/aarch64-linux-gnu",
    "/usr/include/openblas",
    "/usr/local/include",
    "/opt/homebrew/include",
  ];
  const header = headerDirs.find((d) => existsSync(join(d, "cblas.h")));
  const probe = spawnSync(compiler, ["-x", "c", "-", "-lopenblas", "-o", "/dev/null"], {
    input:
      "#include <cblas.h>\nint main(void){float a=1,b=1,c=0;cblas_sgemm(CblasRowMajor,CblasNoTrans,CblasNoTrans,1,1,1,1.f,&a,1,&b,1,0.f,&c,1);return 0;}\n",
    encoding: "utf8",
  });
  if (!header || probe.status !== 0) {
    fail(
      "OpenBLAS not found (cblas.h + libopenblas): install it (Debian/Ubuntu: apt-get install -y libopenblas-dev; Fedora: dnf install openblas-devel; Alpine: apk add openblas-dev), then run `npm run build:native` again",
    );
  }
}

// node-gyp: npm's own copy (npm run sets npm_config_node_gyp), else the one next to this node's npm.
const gyp = [
  process.env.npm_config_node_gyp,
  resolve(dirname(process.execPath), "../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js"),
  resolve(dirname(process.execPath), "node_modules/npm/node_modules/node-gyp/bin/node-gyp.js"),
].find((p) => p && existsSync(p));
if (!gyp) fail("node-gyp not found (it ships with npm; reinstall npm, or `npm install -g node-gyp`)");

// Node's C headers: npm's nodedir setting, else the headers installed with this node (offline), else node-gyp
// downloads them.
const args = [gyp, "rebuild", "--directory", here];
const prefix = resolve(dirname(process.execPath), "..");
if (!process.env.npm_config_nodedir && existsSync(join(prefix, "include/node/node_api.h"))) {
  args.push(`--nodedir=${prefix}`);
}
console.log(`build:native: ${compiler}, ${isMac ? "Accelerate" : "OpenBLAS"}, node-gyp ${gyp}`);
const built = spawnSync(process.execPath, args, { stdio: "inherit" });
if (built.status !== 0) fail("node-gyp failed (output above)");

// Load it once: a library that is missing at run time shows up here rather than in the first training run.
const check = spawnSync(
  process.execPath,
  [
    "-e",
    `const a=require(${JSON.stringify(join(here, "build/Release/bytelab_native.node"))});const i=a.info();console.log("build:native: ok, " + (i.config||i.blas))`,
  ],
  { stdio: "inherit" },
);
if (check.status !== 0) fail("the addon was built but does not load (output above)");
