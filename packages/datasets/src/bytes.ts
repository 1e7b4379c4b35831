/**
 * Returns a plain Uint8Array over the same memory. Node Buffers are Uint8Array subclasses whose
 * `slice` is a view rather than a copy, a trap for consumers, so loaders hand out plain arrays.
 */
export function asPlainBytes(bytes: Uint8Array): Uint8Array {
  if (Object.getPrototypeOf(bytes) === Uint8Array.prototype) return bytes;
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
