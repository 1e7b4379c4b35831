// The engine's Trainer on the fast paths (wasm and cpu with this package's kernels); the engine runs the same
// checks on the stock cpu backend. The checks are the engine's test code, imported by path.
import { trainerChecks } from '../../engine/src/train/test-utils/trainer-checks';
import { selectBackend } from './backend';

for (const backend of ['cpu', 'wasm'] as const) trainerChecks(backend, () => selectBackend(backend), () => selectBackend('cpu'));
