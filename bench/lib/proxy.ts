/**
 * A loopback TCP proxy that counts HTTP requests (round trips) passing to a server, for checking
 * how many round trips a store call costs against sqld. It reads request lines only.
 */
import * as net from 'node:net';

export interface CountingProxy {
  url: string;
  /** HTTP requests seen since start (or the last reset). */
  requests(): number;
  reset(): void;
  close(): Promise<void>;
}

const REQUEST_LINE = /(?:^|\r\n\r\n|\n)(?:GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS) \S+ HTTP\/1\.[01]\r\n/g;

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const t = new URL(target);
  let count = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(t.port), t.hostname);
    sockets.add(client).add(upstream);
    client.on('data', (d: Buffer) => {
      count += (d.toString('latin1').match(REQUEST_LINE) ?? []).length;
      upstream.write(d);
    });
    upstream.on('data', (d) => client.write(d));
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => count,
    reset: () => void (count = 0),
    close: () =>
      new Promise<void>((res) => {
        for (const s of sockets) s.destroy();
        server.close(() => res());
      }),
  };
}
