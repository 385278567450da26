/**
 * The real embedding model for tests: KTEST_MODELS_DIR, default `<repo>/../shared/models` (USE-lite,
 * 512-dim; see that folder's README). Missing, the tests that need it fail — they never skip.
 */
import { resolve } from "node:path";
import { Embedder } from "../../src/embeddings/embedder.ts";

export const MODELS_DIR = process.env.KTEST_MODELS_DIR ?? resolve(import.meta.dir, "../../../shared/models");
export const TEST_MODEL = "konstruct/use-lite-en";

export function testEmbedder(model = TEST_MODEL): Embedder {
  return new Embedder({ modelsDir: MODELS_DIR, model, dims: 0, allowRemote: false, batchSize: 32 });
}

/** Config fragment pointing an app at the test model. */
export const EMBEDDINGS_CONFIG = { embeddings: { models_dir: MODELS_DIR, model: TEST_MODEL } };
