import { gzipSync } from 'node:zlib';
import type { RawFiles } from './mnist-like-fixture';

export interface FakeServerOptions {
  /** Answer 200 with the whole body even to Range requests, like servers without range support. */
  ignoreRange?: boolean;
  /** Drop the connection after this many body bytes, on the first request only. */
  dropAfter?: number;
  /** HTTP status for every request (e.g. 404), instead of serving files. */
  status?: number;
}

export interface FakeServer {
  fetch: typeof fetch;
  requests: { url: string; range: string | null }[];
  /** Body bytes sent so far, over all requests. */
  sent: number;
  gz: Record<string, Uint8Array>;
}

/** A stand-in for `fetch` serving `<base><file>.gz` for every base URL, with Range support. */
export function fakeServer(files: RawFiles, opts: FakeServerOptions = {}): FakeServer {
  const gz = Object.fromEntries(Object.entries(files).map(([k, v]) => [`${k}.gz`, new Uint8Array(gzipSync(v))]));
  let dropAfter = opts.dropAfter;
  const server: FakeServer = {
    requests: [],
    sent: 0,
    gz,
    fetch: async (input, init) => {
      const url = String(input);
      const range = new Headers(init?.headers).get('range');
      server.requests.push({ url, range });
      const body = gz[url.slice(url.lastIndexOf('/') + 1)];
      if (opts.status) return new Response(null, { status: opts.status });
      if (!body) return new Response(null, { status: 404, statusText: 'Not Found' });
      const start = range && !opts.ignoreRange ? Number(/bytes=(\d+)-/.exec(range)?.[1]) : 0;
      if (start >= body.length) return new Response(null, { status: 416 });
      const part = body.subarray(start);
      const drop = dropAfter;
      dropAfter = undefined;
      // Pull-based so the chunk before a drop is delivered before the error, as on a real socket.
      let pulled = false;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (pulled) return controller.error(new Error('socket hang up'));
          pulled = true;
          const chunk = drop === undefined ? part : part.subarray(0, drop);
          controller.enqueue(chunk);
          server.sent += chunk.length;
          if (drop === undefined) controller.close();
        },
      });
      const headers: Record<string, string> = { 'content-length': String(body.length - start) };
      if (start > 0) headers['content-range'] = `bytes ${start}-${body.length - 1}/${body.length}`;
      return new Response(stream, { status: start > 0 ? 206 : 200, headers });
    },
  };
  return server;
}
