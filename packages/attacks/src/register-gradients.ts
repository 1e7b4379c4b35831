// `import '@floatjs/attacks/register-gradients'`: registers tfjs-core's gradient functions, which the attacks
// need for ∇x, when nothing else has (the engine does, as does the @tensorflow/tfjs union package). The file
// that registers them is ESM-only inside tfjs-core's CommonJS package, so Node cannot import it directly; the
// build bundles it here, and tfjs keeps its registry on globalThis, so the installed tfjs-core sees the gradients.
// tfjs-core itself loads first: the first copy to load creates the shared engine.
import '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
