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

// Local embeddings (transformers.js + onnxruntime-node) in a binary: transformers.js imports `sharp`
// (images only) at load and refuses to start without it, so it gets a stub that only fails when called; onnxruntime-node requires its native addon through a
// computed path, so the addon is loaded by src/embeddings/onnx-native-binary.ts and handed over; the
// built-in model's files are embedded by src/embeddings/builtin-model-binary.ts.
const embeddings: BunPlugin = {
  name: "embeddings-native",
  setup(build) {
    build.onResolve({ filter: /^sharp$/ }, () => ({ path: "sharp-stub", namespace: "konstruct-stub" }));
    build.onLoad({ filter: /.*/, namespace: "konstruct-stub" }, () => ({ loader: "js", contents: 'export default function sharp() { throw new Error("image input is not supported in this build"); }' }));
    build.onLoad({ filter: /onnxruntime-node[\\/]dist[\\/]binding\.js$/ }, async (args) => {
      const text = await Bun.file(args.path).text();
      const computed = /require\(`\.\.\/bin\/napi-v6\/\$\{process\.platform\}\/\$\{process\.arch\}\/onnxruntime_binding\.node`\)/;
      if (!computed.test(text)) throw new Error("build: onnxruntime-node's binding.js changed; update scripts/build.ts");
      return { loader: "js", contents: text.replace(computed, "globalThis.__konstructOrtBinding") };
    });
    // transformers.js loads onnxruntime-node through createRequire(), which the bundler does not follow.
    build.onLoad({ filter: /@huggingface[\\/]transformers[\\/]dist[\\/]transformers\.node\.mjs$/ }, async (args) => {
      const text = await Bun.file(args.path).text();
      const required = 'var onnx_node_default = requireFromHere("onnxruntime-node");';
      if (!text.includes(required)) throw new Error("build: transformers.js no longer loads onnxruntime-node as expected; update scripts/build.ts");
      return { loader: "js", contents: text.replace(required, 'import * as konstructOrtNode from "onnxruntime-node";\nvar onnx_node_default = konstructOrtNode;') };
    });
    build.onLoad({ filter: /src\/embeddings\/onnx-native\.ts$/ }, () => ({
      loader: "ts",
      contents: `export { loadOnnxRuntime } from ${JSON.stringify(resolve("src/embeddings/onnx-native-binary.ts"))};`,
    }));
    // The built-in model (models/konstruct/use-lite-en) is embedded as files and copied out at first use.
    build.onLoad({ filter: /src\/embeddings\/builtin-model\.ts$/ }, () => ({
      loader: "ts",
      contents: `export { extractBuiltinModel } from ${JSON.stringify(resolve("src/embeddings/builtin-model-binary.ts"))};`,
    }));
  },
};

try {
  // Bun.build throws (AggregateError) on resolve/parse errors instead of returning success: false.
  await Bun.build({
    // Workers are entry points of their own inside the binary, stored under the entries' common root
    // (src/): /$bunfs/root/embeddings/worker.js, /$bunfs/root/admin/accounts/password-worker.js.
    entrypoints: [entry, "src/embeddings/worker.ts", "src/admin/accounts/password-worker.ts"],
    compile: { outfile },
    plugins: [embedTemplate, embeddings],
    minify: true,
    // Embedded in the binary so stack traces from a deployed server still point at src/.
    sourcemap: "linked",
    // Parsed and compiled to bytecode at build time: a warm start spent ~25% of its CPU parsing.
    bytecode: true,
    format: "esm",
    // Modules reached only through import() get chunks of their own, and a chunk's bytecode is read
    // from the binary when it is first imported. As one bundle, serve's start touched the pages of
    // every module's bytecode (admin pages, pdf.js, transformers.js…): ~12 MB of idle RSS.
    splitting: true,
  });
} catch (err) {
  const errors = err instanceof AggregateError ? err.errors : [err];
  for (const e of errors) console.error(String(e));
  process.exit(1);
}

const mb = (statSync(outfile).size / 1024 / 1024).toFixed(1);
console.log(`built ${outfile} (${mb} MB) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
