/**
 * A TCP relay on loopback that delays every chunk by a fixed time in each direction, so that a
 * local PostgreSQL is reached as DSQL is: across a network, where each round trip costs time.
 *
 * Bytes pass unchanged and in order. Bounded: at most `maxConnections` at once, and a side stops
 * reading while more than `maxQueuedBytes` of its data wait for their delay (TCP back-pressure).
 * Run it as a program (`ts-node bench/relay.ts <target-port> <delay-ms>`) to keep it off the
 * measured process's event loop: it prints its port on stdout.
 */
import * as net from 'net';

export interface RelayOptions {
  /** Port of the server on 127.0.0.1 to forward to. */
  readonly targetPort: number;
  /** Delay added to each direction, in milliseconds. */
  readonly delayMs: number;
  /** @default 64 */
  readonly maxConnections?: number;
  /** @default 4 MiB */
  readonly maxQueuedBytes?: number;
}

export interface Relay {
  readonly port: number;
  close(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';

/** Forwards `from` to `to`, each chunk `delayMs` after it arrived. */
function delayedPipe(from: net.Socket, to: net.Socket, delayMs: number, maxQueuedBytes: number): void {
  let queued = 0;
  let ended = false;
  let pending = 0; // chunks still waiting for their timer
  from.on('data', (chunk: Buffer) => {
    queued += chunk.length;
    pending++;
    if (queued > maxQueuedBytes) from.pause();
    // Timers of the same duration fire in the order they were set: chunks keep their order.
    setTimeout(() => {
      pending--;
      queued -= chunk.length;
      if (!to.destroyed) to.write(chunk);
      if (from.isPaused() && queued <= maxQueuedBytes) from.resume();
      if (ended && pending === 0) to.end();
    }, delayMs);
  });
  from.on('end', () => {
    ended = true;
    if (pending === 0) to.end();
  });
}

export function startRelay(options: RelayOptions): Promise<Relay> {
  const maxQueuedBytes = options.maxQueuedBytes ?? 4 * 1024 * 1024;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: LOOPBACK, port: options.targetPort });
    for (const s of [client, upstream]) {
      s.setNoDelay(true);
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      // Either side failing or closing ends both: a relay never keeps a half-dead pair.
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    delayedPipe(client, upstream, options.delayMs, maxQueuedBytes);
    delayedPipe(upstream, client, options.delayMs, maxQueuedBytes);
  });
  server.maxConnections = options.maxConnections ?? 64;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      resolve({
        port: (server.address() as net.AddressInfo).port,
        close: () => new Promise<void>((done) => {
          for (const s of sockets) s.destroy();
          server.close(() => done());
        }),
      });
    });
  });
}

if (require.main === module) {
  const [targetPort, delayMs] = process.argv.slice(2).map(Number);
  if (!Number.isInteger(targetPort) || !(delayMs >= 0)) {
    console.error('usage: relay.ts <target-port> <delay-ms>');
    process.exit(2);
  }
  startRelay({ targetPort, delayMs }).then((relay) => {
    console.log(relay.port);
    // Ends with its parent: the bench closes stdin (or dies) and the relay goes with it.
    process.stdin.resume();
    process.stdin.on('end', () => relay.close().then(() => process.exit(0)));
  }).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
