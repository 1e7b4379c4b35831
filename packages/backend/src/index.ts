export { selectBackend, BACKEND_NAMES, NO_GPU_DETAIL, type BackendChoice, type BackendLoaders, type BackendName } from './backend';
export { MAX_THREADS, MAX_WASM_THREADS, wasmThreadsFromEnv } from './wasm-threads';
export { registerTrainingKernels, type TrainingKernelOptions } from './kernels/register-training-kernels';
export { nativeKernelsFor } from './kernels/native-registry';
