import net from 'node:net';

/**
 * A loopback TCP proxy that kills the connection carrying a matching HTTP request line,
 * `kills` times, to test what a dropped part does to an upload.
 */
export async function startFlakyProxy(upstreamPort: number, pattern: RegExp, kills: number) {
  let remaining = kills;
  let killed = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    const upstream = net.connect(upstreamPort, '127.0.0.1');
    client.on('close', () => {
      sockets.delete(client);
      upstream.destroy();
    });
    client.on('data', (chunk: Buffer) => {
      if (remaining > 0 && pattern.test(chunk.subarray(0, 512).toString('latin1'))) {
        remaining--;
        killed++;
        client.resetAndDestroy();
        upstream.destroy();
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    upstream.on('end', () => client.end());
    client.on('end', () => upstream.end());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    killed: () => killed,
    // The client's keep-alive connections would hold server.close() until s3rver's idle
    // timeout ends them, about 5 s of nothing per test: the upload is over, so end them now.
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A loopback TCP proxy that counts the HTTP requests whose request line matches `count`, and
 * never answers those matching `hang` (the connection stays open, as on a dead link), to stop
 * an upload after some parts and to see what a resumed upload sends.
 */
export async function startObservingProxy(
  upstreamPort: number,
  options: { count?: RegExp; hang?: RegExp },
) {
  const counted: string[] = [];
  // Each open connection and the last request line it carried, for a test's failure message.
  const sockets = new Map<net.Socket, { last: string; hung: boolean }>();
  const server = net.createServer((client) => {
    const seen = { last: '', hung: false };
    sockets.set(client, seen);
    const upstream = net.connect(upstreamPort, '127.0.0.1');
    client.on('data', (chunk: Buffer) => {
      const head = chunk.subarray(0, 512).toString('latin1');
      const requestLine = /^[A-Z]+ \S+ HTTP\/1\.1/.test(head) ? head.split('\r\n')[0]! : '';
      if (requestLine) seen.last = requestLine;
      if (requestLine && options.count?.test(requestLine)) counted.push(requestLine);
      if (requestLine && options.hang?.test(requestLine)) seen.hung = true;
      if (!seen.hung) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    upstream.on('end', () => client.end());
    client.on('end', () => upstream.end());
    client.on('close', () => sockets.delete(client));
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    counted: () => [...counted],
    /** The connections still open: the last request line of each, and whether it hangs. */
    open: () =>
      [...sockets.values()].map(({ last, hung }) => `${hung ? 'hung' : 'open'}: ${last || '-'}`),
    close: () => {
      for (const socket of sockets.keys()) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
