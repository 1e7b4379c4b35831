import * as tf from '@tensorflow/tfjs-core';
import { dirname } from 'node:path';
import { fileSystemModel } from './file-io';

let registered = false;

/**
 * Lets `model.save('file://DIR')` and `tf.loadLayersModel('file://DIR/model.json')` work in Node without
 * @tensorflow/tfjs-node, which is what registers `file://` otherwise. Does nothing when a `file://` handler is
 * registered already (tfjs-node's), since tfjs refuses a URL that two routers claim.
 */
export function registerFileSystemRouter(): void {
  if (registered || tf.io.getSaveHandlers('file:///probe').length > 0) return;
  registered = true;
  tf.io.registerSaveRouter((url) => (typeof url === 'string' && url.startsWith('file://') ? fileSystemModel(pathOf(url)) : (null as unknown as tf.io.IOHandler)));
  tf.io.registerLoadRouter((url) => {
    if (typeof url !== 'string' || !url.startsWith('file://')) return null as unknown as tf.io.IOHandler;
    const path = pathOf(url);
    // `file://DIR/model.json` or `file://DIR`.
    return fileSystemModel(path.endsWith('.json') ? dirname(path) : path);
  });
}

// As tfjs-node reads them: `file://` followed by a path, absolute (`file:///tmp/m`) or relative (`file://./m`).
function pathOf(url: string): string {
  return decodeURIComponent(url.slice('file://'.length));
}
