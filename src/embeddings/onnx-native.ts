/**
 * Where onnxruntime's native library comes from. From source, onnxruntime-node finds its own files in
 * node_modules and this does nothing; the compiled binary uses onnx-native-binary.ts instead
 * (swapped in by scripts/build.ts).
 */
export async function loadOnnxRuntime(_cacheDir?: string): Promise<void> {}
