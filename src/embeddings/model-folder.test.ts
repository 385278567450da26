/**
 * Where the embedding model comes from: a models_dir folder overrides the built-in model, the built-in
 * one is the repository's models/ from source and the data dir's cache in the binary (whose copy-out
 * is exercised here from source: Bun yields the same file paths either way), weights by dtype.
 */
import { afterAll, expect, test } from "bun:test";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { validate } from "../config/load.ts";
import { tempDir } from "../../test/support/db.ts";
import { extractBuiltinModel } from "./builtin-model-binary.ts";
import { Embedder } from "./embedder.ts";
import { embedderFor, missingModelFiles, modelFolder, requiredFiles } from "./model-folder.ts";

const REPO_MODELS = resolve(import.meta.dir, "../../models");
const BUILTIN = "konstruct/use-lite-en";
const dir = tempDir("konstruct-model-folder-");
afterAll(() => dir.remove());

test("nothing in models_dir: the built-in model, from the repository (source) or the data dir's cache (binary)", () => {
  const config = validate({ data_dir: join(dir.path, "fresh") });
  expect(modelFolder(config, BUILTIN, false)).toEqual({ dir: REPO_MODELS, builtin: true, missing: [] });
  expect(modelFolder(config, BUILTIN, true)).toEqual({ dir: join(dir.path, "fresh/.konstruct-cache/models"), builtin: true, missing: [] });
});

test("a model that is not built in is looked for in models_dir only, and what is missing is named", () => {
  const config = validate({ data_dir: join(dir.path, "fresh") });
  expect(modelFolder(config, "Xenova/all-MiniLM-L6-v2", false)).toEqual({
    dir: join(dir.path, "fresh/models"),
    builtin: false,
    missing: ["config.json", "tokenizer.json", "onnx/model.onnx"],
  });
});

test("the weights file follows config.json's transformers.js dtype (q8 → model_quantized.onnx, none → model.onnx)", () => {
  expect(requiredFiles(REPO_MODELS, BUILTIN)).toEqual(["config.json", "tokenizer.json", "onnx/model_quantized.onnx"]);
  expect(missingModelFiles(REPO_MODELS, BUILTIN)).toEqual([]);
  const fp32 = join(dir.path, "fp32");
  cpSync(join(REPO_MODELS, BUILTIN), join(fp32, "acme/m"), { recursive: true });
  writeFileSync(join(fp32, "acme/m/config.json"), JSON.stringify({ model_type: "bert" }));
  expect(missingModelFiles(fp32, "acme/m")).toEqual(["onnx/model.onnx"]);
});

test("a folder in models_dir overrides the built-in model: it is the one loaded", async () => {
  const models = join(dir.path, "override");
  cpSync(join(REPO_MODELS, BUILTIN), join(models, BUILTIN), { recursive: true });
  const config = validate({ data_dir: join(dir.path, "fresh"), embeddings: { models_dir: models } });
  expect(modelFolder(config)).toEqual({ dir: models, builtin: false, missing: [] });
  // Proof that the override is what gets read: corrupt its weights and loading fails.
  writeFileSync(join(models, BUILTIN, "onnx/model_quantized.onnx"), "not an onnx model");
  const e = embedderFor(config);
  try {
    await expect(e.dims()).rejects.toThrow(/konstruct\/use-lite-en/);
  } finally {
    await e.close();
  }
});

test("the binary's copy-out writes the built-in files unchanged, they load, and a second run keeps them", async () => {
  const cache = join(dir.path, "cache/models");
  await extractBuiltinModel(cache);
  for (const f of ["config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model_quantized.onnx", "LICENSE", "PROVENANCE.md"])
    expect({ f, same: readFileSync(join(cache, BUILTIN, f)).equals(readFileSync(join(REPO_MODELS, BUILTIN, f))) }).toEqual({ f, same: true });
  await extractBuiltinModel(cache);
  const e = new Embedder({ modelsDir: cache, model: BUILTIN, dims: 0, allowRemote: false, batchSize: 8 });
  try {
    expect(await e.dims()).toBe(512);
  } finally {
    await e.close();
  }
});
