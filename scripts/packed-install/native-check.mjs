// Prints what the installed engine's backend record says of the native kernels, and checks it against the
// expectation given as the argument: `prebuilt` (on, from the prebuilt binary) or `off` (with a reason).
import { selectBackend } from '@floatjs/backend';

const expected = process.argv[2];
const backend = await selectBackend('wasm');
const native = backend.native ?? null;
const off = backend.skipped.find((s) => s.name === 'native-kernels')?.error ?? null;
console.log(JSON.stringify({ check: 'native', expected, backend: backend.name, native, nativeOff: off }));
const ok = expected === 'prebuilt' ? native?.source === 'prebuilt' : native === null && typeof off === 'string' && off.length > 0;
if (!ok) {
  console.error(`packed-install: expected the native kernels ${expected === 'prebuilt' ? 'on from the prebuilt binary' : 'off with a reason'}`);
  process.exit(1);
}
