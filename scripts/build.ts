// Builds the single `konstruct` executable.
//   bun scripts/build.ts [--entry src/cli/main.ts] [--outfile dist/konstruct]
// The overrides exist so the build can be checked against a throwaway entry point.
import { statSync } from "node:fs";
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
try {
  // Bun.build throws (AggregateError) on resolve/parse errors instead of returning success: false.
  await Bun.build({
    entrypoints: [entry],
    compile: { outfile },
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
