/** doctor's embedding and vector-store checks: present, built in, missing (with what to do), broken; HNSW vs exact scan. */
import { expect, test } from "bun:test";
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { validate } from "../config/load.ts";
import { MODELS_DIR, TEST_MODEL } from "../../test/support/models.ts";
import { openTestDatabase, tempDir } from "../../test/support/db.ts";
import { embeddingsCheck, vectorStoreCheck } from "./embeddings.ts";

test("the configured model present: ok, with its dimension", async () => {
  const c = await embeddingsCheck(validate({ embeddings: { models_dir: MODELS_DIR } }));
  expect(c.status).toBe("ok");
  expect(c.detail).toContain(`${TEST_MODEL} from ${MODELS_DIR}: 512 dims`);
});

test("nothing configured: the built-in model loads", async () => {
  const dir = tempDir();
  try {
    const c = await embeddingsCheck(validate({ data_dir: dir.path }));
    expect(c.status).toBe("ok");
    expect(c.detail).toStartWith(`${TEST_MODEL} (built in): 512 dims`);
  } finally {
    dir.remove();
  }
});

test("missing: a warning that says where it looked and what to do", async () => {
  const dir = tempDir();
  try {
    const c = await embeddingsCheck(validate({ data_dir: dir.path, embeddings: { model: "Xenova/all-MiniLM-L6-v2" } }));
    expect(c.status).toBe("warn");
    expect(c.detail).toContain(`not found in ${join(dir.path, "models")}`);
    expect(c.detail).toContain("konstruct models pull Xenova/all-MiniLM-L6-v2");
  } finally {
    dir.remove();
  }
});

test("broken (a corrupt model file): fail, naming the folder", async () => {
  const dir = tempDir();
  try {
    const target = join(dir.path, TEST_MODEL);
    mkdirSync(join(target, "onnx"), { recursive: true });
    for (const f of ["config.json", "tokenizer.json", "tokenizer_config.json"]) cpSync(join(MODELS_DIR, TEST_MODEL, f), join(target, f));
    writeFileSync(join(target, "onnx/model_quantized.onnx"), "not an onnx model");
    const c = await embeddingsCheck(validate({ embeddings: { models_dir: dir.path } }));
    expect(c.status).toBe("fail");
    expect(c.detail).toContain(`model ${TEST_MODEL} in ${dir.path} is broken`);
  } finally {
    dir.remove();
  }
});

test("vector store: HNSW on PGlite, the exact-scan fallback on Postgres without pgvector", async () => {
  for (const [kind, status, text] of [["embedded", "ok", "pgvector with HNSW"], ["external", "warn", "exact scan"]] as const) {
    const t = await openTestDatabase(kind);
    try {
      const c = await vectorStoreCheck(t.db.driver.raw, TEST_MODEL);
      expect({ kind, status: c.status, has: c.detail.includes(text) }).toEqual({ kind, status, has: true });
    } finally {
      await t.cleanup();
    }
  }
});
