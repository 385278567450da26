/**
 * The compiled binary's onnxruntime (scripts/build.ts puts this module in place of onnx-native.ts).
 * onnxruntime-node finds its native addon with a computed require() the bundler cannot follow, so
 * the addon and the runtime library it links ($ORIGIN) are embedded as files, copied out of the
 * binary into the cache dir (a native library cannot be loaded from $bunfs), loaded with
 * process.dlopen, and handed to onnxruntime-node's binding module (rewritten at build time to read
 * `globalThis.__konstructOrtBinding`).
 */
import { join } from "node:path";
import { copyOut } from "./copy-out.ts";
// @ts-ignore -- Bun yields the embedded file's path.
import libPath from "../../node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1" with { type: "file" };
// @ts-ignore
import addonPath from "../../node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node" with { type: "file" };

const g = globalThis as { __konstructOrtBinding?: unknown };

export async function loadOnnxRuntime(cacheDir = join(process.cwd(), ".konstruct-cache")): Promise<void> {
  if (g.__konstructOrtBinding) return;
  // Both in one versioned folder: the addon finds the library next to itself by its real name.
  const dir = join(cacheDir, `onnxruntime-${Bun.file(libPath).size}-${Bun.file(addonPath).size}`);
  copyOut(libPath, join(dir, "libonnxruntime.so.1"));
  const addon = join(dir, "onnxruntime_binding.node");
  copyOut(addonPath, addon);
  const mod = { exports: {} as unknown };
  process.dlopen(mod, addon);
  g.__konstructOrtBinding = mod.exports;
}
