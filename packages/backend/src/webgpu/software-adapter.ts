/** What a WebGPU adapter says about itself (GPUAdapterInfo), plus the feature level it was asked with. */
export interface AdapterRecord {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** `core`, or `compatibility` (WebGPU on OpenGL/GLES, e.g. Mesa's llvmpipe). */
  featureLevel: 'core' | 'compatibility';
  /** dawn.node's options the adapter came from, e.g. `backend=opengl`; empty for Dawn's default. */
  dawn: string[];
  /** A CPU renderer (llvmpipe, lavapipe, SwiftShader, WARP, ...), whatever `isFallbackAdapter` says. */
  software: boolean;
}

// Mesa's llvmpipe reports isFallbackAdapter false, so software renderers are recognised by name.
const SOFTWARE = /llvmpipe|lavapipe|softpipe|swrast|swiftshader|warp|microsoft basic render|null-backend|software/;

export function isSoftwareAdapter(info: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean }): boolean {
  if (info.isFallbackAdapter) return true;
  const text = [info.vendor, info.architecture, info.device, info.description].map((s) => s ?? '').join(' ').toLowerCase();
  return SOFTWARE.test(text);
}

/** e.g. `llvmpipe-llvm-15-0-6-256-bits- (OpenGL version 4.5 (Core Profile) Mesa 22.3.6), compatibility`. */
export function adapterLine(a: AdapterRecord): string {
  const name = [a.vendor, a.architecture, a.device].filter((s) => s).join(' ') || 'unnamed adapter';
  return `${name}${a.description ? ` (${a.description})` : ''}, ${a.featureLevel}`;
}
