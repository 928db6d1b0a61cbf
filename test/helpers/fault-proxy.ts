import { createServer, Server, Socket } from 'node:net';

export type ProxyMode = 'pass' | 'stall' | 'refuse' | 'reply';

export interface FaultProxy {
  port: number;
  /** `redis://127.0.0.1:<port>` or `postgres://...`: the target's URL with the proxy's port. */
  url(targetUrl: string): string;
  /** Forwards both ways (the default; ends a stall, delivering what was held back). */
  pass(): Promise<void>;
  /** Holds every byte both ways, on open and new connections, until `pass()`: a stalled server or network. */
  stall(): Promise<void>;
  /** Closes every open connection at once; new ones still come through. */
  cut(): void;
  /** Stops listening and closes every open connection: the server is down (connections are refused). */
  refuse(): Promise<void>;
  /** New connections get `bytes` and are closed, without reaching the target (e.g. Postgres's "too many clients"). */
  reply(bytes: Buffer): Promise<void>;
  /**
   * The next time a client sends bytes containing `text`: runs `then` just before they are
   * forwarded (so `then` can hold them with `stallNow`) or, with `after`, just after.
   */
  whenClientSends(text: string | Buffer, then: () => void, opts?: { after?: boolean }): void;
  /** `stall()` at once, for `whenClientSends`: the bytes being forwarded are held too. */
  stallNow(): void;
  /** Open client connections. */
  connections(): number;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  server: Socket;
  held: { toServer: Buffer[]; toClient: Buffer[] };
}

/**
 * A TCP proxy in front of Redis or Postgres that makes the faults of issue 10 on demand, without
 * touching the shared servers: refuse, stall, cut, or answer in the server's place. A client
 * closing its side closes the other side too (as when a process dies).
 */
export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  let mode: ProxyMode = 'pass';
  let replyBytes: Buffer = Buffer.alloc(0);
  const pairs = new Set<Pair>();
  let server: Server | null = null;
  let port = 0;
  let trigger: { text: Buffer; then: () => void; after: boolean } | null = null;

  const toServer = (pair: Pair, chunk: Buffer) => {
    const fired = trigger && chunk.includes(trigger.text) ? trigger : null;
    if (fired) trigger = null;
    if (fired && !fired.after) fired.then();
    if (mode === 'stall') pair.held.toServer.push(chunk);
    else pair.server.write(chunk);
    if (fired?.after) fired.then();
  };

  const flush = (pair: Pair) => {
    for (const chunk of pair.held.toServer.splice(0)) pair.server.write(chunk);
    for (const chunk of pair.held.toClient.splice(0)) pair.client.write(chunk);
  };

  const onConnection = (client: Socket) => {
    if (mode === 'reply') {
      client.on('error', () => undefined);
      client.once('data', () => client.end(replyBytes));
      return;
    }
    const upstream = new Socket();
    const pair: Pair = { client, server: upstream, held: { toServer: [], toClient: [] } };
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => toServer(pair, chunk));
    upstream.on('data', (chunk: Buffer) => (mode === 'stall' ? pair.held.toClient.push(chunk) : client.write(chunk)));
    for (const s of [client, upstream]) {
      s.on('error', end);
      s.on('close', end);
    }
    upstream.connect(target.port, target.host);
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer(onConnection);
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as { port: number }).port;
        server = s;
        resolve();
      });
    });

  const stopListening = () =>
    new Promise<void>((resolve) => {
      if (!server) return resolve();
      server.close(() => resolve());
      server = null;
    });

  // destroy(), not resetAndDestroy(): sockets reset that way can keep Node from exiting (it spins in its exit cleanup)
  const cut = () => {
    for (const pair of [...pairs]) {
      pairs.delete(pair);
      pair.client.destroy();
      pair.server.destroy();
    }
  };

  await listen();
  return {
    port,
    url: (targetUrl) => {
      const u = new URL(targetUrl);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    async pass() {
      mode = 'pass';
      for (const pair of pairs) flush(pair);
      if (!server) await listen();
    },
    async stall() {
      mode = 'stall';
      if (!server) await listen();
    },
    cut,
    async refuse() {
      mode = 'refuse';
      cut();
      await stopListening();
    },
    async reply(bytes) {
      mode = 'reply';
      replyBytes = bytes;
      if (!server) await listen();
    },
    whenClientSends(text, then, opts = {}) {
      trigger = { text: Buffer.from(text), then, after: opts.after ?? false };
    },
    stallNow() {
      mode = 'stall';
    },
    connections: () => pairs.size,
    async close() {
      cut();
      await stopListening();
    },
  };
}

/** A Postgres ErrorResponse (FATAL) as the server sends it to a connection it turns away. */
export function postgresError(code: string, message: string): Buffer {
  const fields = Buffer.concat([
    ...[['S', 'FATAL'], ['V', 'FATAL'], ['C', code], ['M', message]].map(([k, v]) => Buffer.from(`${k}${v}\0`)),
    Buffer.from([0]),
  ]);
  const header = Buffer.alloc(5);
  header.write('E', 0);
  header.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([header, fields]);
}
