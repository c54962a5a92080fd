import net from 'node:net';

/**
 * A loopback TCP proxy that kills the connection carrying a matching HTTP request line,
 * `kills` times, to test what a dropped part does to an upload.
 */
export async function startFlakyProxy(upstreamPort: number, pattern: RegExp, kills: number) {
  let remaining = kills;
  let killed = 0;
  const server = net.createServer((client) => {
    const upstream = net.connect(upstreamPort, '127.0.0.1');
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
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
