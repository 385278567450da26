/**
 * Where onnxruntime's native library comes from. From source, onnxruntime-node finds its own files in
 * node_modules and this does nothing. (The compiled binary's hook is set up by scripts/build.ts.)
 */
export async function loadOnnxRuntime(): Promise<void> {}
