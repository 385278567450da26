/**
 * Puts the built-in model's files where the embedder reads them. From source they already are (the
 * repository's models/ folder, model-folder.ts); the compiled binary uses builtin-model-binary.ts
 * instead (swapped in by scripts/build.ts), which copies them out of the binary.
 */
export async function extractBuiltinModel(_modelsDir: string): Promise<void> {}
