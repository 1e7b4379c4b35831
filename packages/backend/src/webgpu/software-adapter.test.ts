import { describe, expect, it } from 'vitest';
import { adapterLine, isSoftwareAdapter } from './software-adapter';

describe('isSoftwareAdapter', () => {
  it("recognises CPU renderers by name, since llvmpipe's isFallbackAdapter is false", () => {
    // As Dawn's OpenGL backend reports Mesa's llvmpipe (measured on this project's machines).
    expect(isSoftwareAdapter({ vendor: '', architecture: '', device: 'llvmpipe-llvm-15-0-6-256-bits-', description: 'OpenGL version 4.5 (Core Profile) Mesa 22.3.6', isFallbackAdapter: false })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'google', architecture: 'swiftshader', device: 'SwiftShader Device (Subzero)' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'mesa', device: 'lavapipe' })).toBe(true);
    expect(isSoftwareAdapter({ description: 'Microsoft Basic Render Driver' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'nvidia', architecture: 'hopper', device: 'NVIDIA H200', isFallbackAdapter: true })).toBe(true);
  });

  it('takes real GPUs for GPUs', () => {
    expect(isSoftwareAdapter({ vendor: 'nvidia', architecture: 'hopper', device: 'NVIDIA H200', description: 'NVIDIA: 560.35.03' })).toBe(false);
    expect(isSoftwareAdapter({ vendor: 'apple', architecture: 'metal-3', device: '', description: 'Apple M2' })).toBe(false);
    expect(isSoftwareAdapter({ vendor: 'amd', architecture: 'rdna-3', device: 'AMD Radeon RX 7900 XTX' })).toBe(false);
  });
});

describe('adapterLine', () => {
  it('names the adapter, its description and feature level', () => {
    const line = adapterLine({ vendor: '', architecture: '', device: 'llvmpipe', description: 'Mesa 22.3.6', featureLevel: 'compatibility', dawn: ['backend=opengl'], software: true });
    expect(line).toBe('llvmpipe (Mesa 22.3.6), compatibility');
    expect(adapterLine({ vendor: 'nvidia', architecture: 'hopper', device: '', description: '', featureLevel: 'core', dawn: [], software: false })).toBe('nvidia hopper, core');
  });
});
