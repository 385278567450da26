/**
 * The compiled binary's built-in embedding model (scripts/build.ts puts this module in place of
 * builtin-model.ts): the quantized USE-lite files from models/konstruct/use-lite-en, embedded as
 * files and copied out on first use — transformers.js reads models through node fs, which cannot
 * read $bunfs. Only the embedding worker imports this, and only when the built-in model is the one
 * in use: idle memory never holds the model.
 */
import { join } from "node:path";
import { copyOut } from "./copy-out.ts";
// @ts-ignore -- Bun yields the embedded file's path.
import config from "../../models/konstruct/use-lite-en/config.json" with { type: "file" };
// @ts-ignore
import tokenizer from "../../models/konstruct/use-lite-en/tokenizer.json" with { type: "file" };
// @ts-ignore
import tokenizerConfig from "../../models/konstruct/use-lite-en/tokenizer_config.json" with { type: "file" };
// @ts-ignore
import weights from "../../models/konstruct/use-lite-en/onnx/model_quantized.onnx" with { type: "file" };
// @ts-ignore
import license from "../../models/konstruct/use-lite-en/LICENSE" with { type: "file" };
// @ts-ignore
import provenance from "../../models/konstruct/use-lite-en/PROVENANCE.md" with { type: "file" };

// TypeScript types a .json import as its content whatever the import attribute; Bun yields the path.
const path = (imported: unknown) => imported as string;
const FILES: Record<string, string> = {
  "config.json": path(config),
  "tokenizer.json": path(tokenizer),
  "tokenizer_config.json": path(tokenizerConfig),
  "onnx/model_quantized.onnx": weights,
  LICENSE: license,
  "PROVENANCE.md": provenance,
};

export async function extractBuiltinModel(modelsDir: string): Promise<void> {
  const dir = join(modelsDir, "konstruct/use-lite-en");
  for (const [name, from] of Object.entries(FILES)) copyOut(from, join(dir, name));
}
