import { randomBytes } from 'crypto';
import * as net from 'net';
import { startRelay } from '../../bench/relay';

/** An echo server on loopback: what the relay forwards to. */
async function echoServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.pipe(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

/** Sends `payload` in `chunks` writes through a relay to the echo server and returns what comes back. */
async function roundTrip(relayOptions: { delayMs: number; maxQueuedBytes?: number }, payload: Buffer, chunks: number): Promise<Buffer> {
  const echo = await echoServer();
  const relay = await startRelay({ targetPort: echo.port, ...relayOptions });
  try {
    const client = net.connect({ host: '127.0.0.1', port: relay.port });
    const received: Buffer[] = [];
    let length = 0;
    const done = new Promise<void>((resolve, reject) => {
      client.on('data', (d: Buffer) => {
        received.push(d);
        length += d.length;
        if (length >= payload.length) resolve();
      });
      client.on('error', reject);
    });
    const size = Math.ceil(payload.length / chunks);
    for (let offset = 0; offset < payload.length; offset += size) client.write(payload.subarray(offset, offset + size));
    await done;
    client.destroy();
    return Buffer.concat(received);
  } finally {
    await relay.close();
    await echo.close();
  }
}

describe('bench TCP relay', () => {
  test('passes bytes unchanged and in order, both ways', async () => {
    const payload = randomBytes(256 * 1024);
    expect((await roundTrip({ delayMs: 1 }, payload, 64)).equals(payload)).toBe(true);
  });

  test('passes bytes unchanged when its queue is full and it stops reading', async () => {
    const payload = randomBytes(512 * 1024);
    expect((await roundTrip({ delayMs: 2, maxQueuedBytes: 16 * 1024 }, payload, 128)).equals(payload)).toBe(true);
  });

  test('listens on loopback only', async () => {
    const echo = await echoServer();
    const relay = await startRelay({ targetPort: echo.port, delayMs: 0 });
    try {
      const address = await new Promise<string>((resolve, reject) => {
        const s = net.connect({ host: '127.0.0.1', port: relay.port }, () => {
          resolve(s.remoteAddress ?? '');
          s.destroy();
        });
        s.on('error', reject);
      });
      expect(address).toBe('127.0.0.1');
    } finally {
      await relay.close();
      await echo.close();
    }
  });
});
