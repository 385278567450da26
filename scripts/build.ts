// Builds the single `konstruct` executable.
//   bun scripts/build.ts [--entry src/cli/main.ts] [--outfile dist/konstruct]
// The overrides exist so the build can be checked against a throwaway entry point.
import type { BunPlugin } from "bun";
import { mkdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    entry: { type: "string", default: "src/cli/main.ts" },
    outfile: { type: "string", default: "dist/konstruct" },
  },
});
const entry = values.entry!;
const outfile = values.outfile!;

const started = performance.now();
// A fresh data dir in the binary is restored from this dump rather than running initdb at first boot.
const template = join(dirname(outfile), ".pg-template.tar.gz");
mkdirSync(dirname(outfile), { recursive: true });
const made = Bun.spawnSync(["bun", "scripts/make-pg-template.ts", template], { stdout: "inherit", stderr: "inherit" });
if (made.exitCode !== 0) {
  console.error("build: could not create the PGlite data dir template");
  process.exit(1);
}
const embedTemplate: BunPlugin = {
  name: "embed-pg-template",
  setup(build) {
    build.onLoad({ filter: /src\/db\/pg-template\.ts$/ }, () => ({
      loader: "ts",
      contents: `import path from ${JSON.stringify(resolve(template))} with { type: "file" };
export function pgTemplate(): Blob | null { return Bun.file(path); }`,
    }));
  },
};

try {
  // Bun.build throws (AggregateError) on resolve/parse errors instead of returning success: false.
  await Bun.build({
    entrypoints: [entry],
    compile: { outfile },
    plugins: [embedTemplate],
    minify: true,
    // Embedded in the binary so stack traces from a deployed server still point at src/.
    sourcemap: "linked",
  });
} catch (err) {
  const errors = err instanceof AggregateError ? err.errors : [err];
  for (const e of errors) console.error(String(e));
  process.exit(1);
}

const mb = (statSync(outfile).size / 1024 / 1024).toFixed(1);
console.log(`built ${outfile} (${mb} MB) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
