/** A stand-in for `fetch` serving raw files by the last path segment of the URL, with Range support. */
export interface FakeFileServer {
  fetch: typeof fetch;
  requests: { url: string; range: string | null }[];
  sent: number;
}

export function fakeFileServer(files: Record<string, Uint8Array>, opts: { dropAfter?: number; status?: number } = {}): FakeFileServer {
  let dropAfter = opts.dropAfter;
  const server: FakeFileServer = {
    requests: [],
    sent: 0,
    fetch: async (input, init) => {
      const url = String(input);
      const range = new Headers(init?.headers).get('range');
      server.requests.push({ url, range });
      if (opts.status) return new Response(null, { status: opts.status });
      const body = files[url.slice(url.lastIndexOf('/') + 1)];
      if (!body) return new Response(null, { status: 404, statusText: 'Not Found' });
      const start = range ? Number(/bytes=(\d+)-/.exec(range)?.[1]) : 0;
      if (start >= body.length) return new Response(null, { status: 416 });
      const drop = dropAfter;
      dropAfter = undefined;
      const part = body.subarray(start, drop === undefined ? undefined : start + drop);
      let pulled = false;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (pulled) return controller.error(new Error('socket hang up'));
          pulled = true;
          controller.enqueue(part.slice());
          server.sent += part.length;
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
