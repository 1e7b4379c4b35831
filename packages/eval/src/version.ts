// The bundler inlines this one field at build time, so the version printed is the one that was packed.
import { version } from '../package.json';

/** The version of @floatjs/eval that is running (`float --version`, provenance records). */
export const EVAL_VERSION: string = version;
