/**
 * The real embedding model for tests: the repository's own models/ folder (the built-in quantized
 * USE-lite, 512-dim; see models/konstruct/use-lite-en/PROVENANCE.md), or KTEST_MODELS_DIR to try
 * another folder holding `konstruct/use-lite-en/`. Nothing outside the repository is read.
 */
import { resolve } from "node:path";
import { Embedder } from "../../src/embeddings/embedder.ts";

export const MODELS_DIR = process.env.KTEST_MODELS_DIR ?? resolve(import.meta.dir, "../../models");
export const TEST_MODEL = "konstruct/use-lite-en";

export function testEmbedder(model = TEST_MODEL): Embedder {
  return new Embedder({ modelsDir: MODELS_DIR, model, dims: 0, allowRemote: false, batchSize: 8 });
}

/** Config fragment pointing an app at the test model. */
export const EMBEDDINGS_CONFIG = { embeddings: { models_dir: MODELS_DIR, model: TEST_MODEL } };
