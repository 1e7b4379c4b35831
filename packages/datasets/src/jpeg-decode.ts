import jpeg from 'jpeg-js';
import { jpegFrameSize } from './jpeg-header';

/** A decoded image: height·width·3 bytes, row-major RGB. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface DecodeJpegOptions {
  /** Refuse images with more megapixels than this (checked from the SOF header, before decoding). Default 40. */
  maxResolutionInMP?: number;
  /** Refuse images whose decoding would need more memory than this. Default 512. */
  maxMemoryUsageInMB?: number;
}

/** Decodes image bytes to RGB; `source` names the file in errors. */
export type ImageDecoder = (bytes: Uint8Array, source: string) => RgbImage;

/** ImageNet's largest photos are about 20 MP; a training image beyond this is far more likely hostile. */
const DEFAULT_MAX_MP = 40;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Decodes a baseline or progressive JPEG to RGB with jpeg-js (pure JS, so every backend and CI can
 * use it). Grayscale becomes three equal channels; Adobe CMYK/YCCK is converted to RGB by jpeg-js;
 * a 4-component JPEG without the Adobe marker, and PNG bytes behind a .JPEG name (ImageNet has one,
 * n02105855_2933.JPEG), are rejected with an error naming the file. Chroma is upsampled by nearest
 * neighbour, so pixels differ slightly from PIL/libjpeg-turbo.
 */
export function decodeJpeg(bytes: Uint8Array, source: string, opts: DecodeJpegOptions = {}): RgbImage {
  if (PNG_SIGNATURE.every((b, i) => bytes[i] === b)) {
    throw new Error(
      `${source}: is a PNG file, not a JPEG (ImageNet's n02105855_2933.JPEG is one); ` +
        'convert it to JPEG, or pass a decodeImage option that reads PNG',
    );
  }
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) {
    throw new Error(`${source}: not a JPEG file (no SOI marker FF D8 at the start; ${bytes.length} bytes)`);
  }
  // Checked before decoding: jpeg-js allocates for the declared size first, so a tiny file claiming 100 MP
  // would cost a gigabyte before it fails.
  const maxMP = opts.maxResolutionInMP ?? DEFAULT_MAX_MP;
  const frame = jpegFrameSize(bytes);
  if (frame && frame.width * frame.height > maxMP * 1e6) {
    throw new Error(`${source}: JPEG declares ${frame.width}×${frame.height} pixels (${((frame.width * frame.height) / 1e6).toFixed(1)} MP), more than the ${maxMP} MP limit (raise maxResolutionInMP if the image is genuine)`);
  }
  let img: { width: number; height: number; data: Uint8Array };
  try {
    img = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      maxResolutionInMP: maxMP,
      maxMemoryUsageInMB: opts.maxMemoryUsageInMB ?? 512,
    });
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const hint = /4 components/.test(msg)
      ? ' (a CMYK JPEG without the Adobe APP14 marker; convert it to RGB first)'
      : /limit exceeded/.test(msg)
        ? ' (raise maxResolutionInMP / maxMemoryUsageInMB if the image is genuine)'
        : '';
    throw new Error(`${source}: JPEG decode failed: ${msg}${hint}`, { cause: err });
  }
  if (!(img.width > 0 && img.height > 0) || img.data.length !== img.width * img.height * 3) {
    throw new Error(`${source}: JPEG decode gave an unusable ${img.width}×${img.height} image`);
  }
  return { width: img.width, height: img.height, data: img.data };
}
