import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer, Socket } from 'node:net';
import { INestApplication, Logger } from '@nestjs/common';

export interface ShutdownOptions {
  /** SHUTDOWN_TIMEOUT_MS: the longest from the signal to exit; then what is left is cut and the exit status is 1. */
  timeoutMs: number;
  /** Runs at once on the signal (readiness turns 503). */
  onDrain?: () => void;
  /**
   * Once the listener is closed, a kept-alive connection with no request running is closed when it
   * has been idle this long (default 500 ms): a client that used it a moment ago may be sending its
   * next request on it right now, and that request is better answered (with `Connection: close`)
   * than cut.
   */
  idleMs?: number;
}

/** The listener closes once no connection has arrived for QUIET_MS, or ACCEPT_WINDOW_MS after the signal at the latest. */
const QUIET_MS = 100;
const ACCEPT_WINDOW_MS = 1000;
/** A connection that has not sent its first request yet gets this long to send it. */
const FIRST_REQUEST_GRACE_MS = 1000;

interface Connection {
  requests: number;
  served: number;
  idleSince: number;
}

/**
 * SIGTERM/SIGINT, in two steps, all within `timeoutMs` (else what is left is cut and the exit
 * status is 1):
 * 1. Readiness says 503 at once. The listener keeps accepting until no connection has arrived for
 *    QUIET_MS (at most ACCEPT_WINDOW_MS), so a request sent just before the signal is answered,
 *    not refused. Kept-alive connections go on as before: their clients are not sent to reconnect
 *    while the listener is open, so nobody is connecting when it closes, and closing it resets
 *    nothing queued.
 * 2. The listener closed, every response says `Connection: close` (a client that honours it gets
 *    "connection refused" when it comes back: its cue to go elsewhere) and idle connections are
 *    closed. When the requests in flight have been answered, the app closes (pools, Redis, the
 *    embedded database) and the process exits 0.
 * Behind a load balancer that notices readiness late, delay the signal (README, "Failure behaviour").
 */
export function shutDownGracefully(app: INestApplication, opts: ShutdownOptions): void {
  const server = app.getHttpServer() as Server;
  const logger = new Logger('Shutdown');
  const idleMs = opts.idleMs ?? 500;
  const connections = new Map<Socket, Connection>();
  const responses = new Set<ServerResponse>();
  let stopping = false;
  let listening = true;
  let lastAccepted = 0;

  server.on('connection', (socket: Socket) => {
    lastAccepted = Date.now();
    connections.set(socket, { requests: 0, served: 0, idleSince: lastAccepted });
    socket.once('close', () => connections.delete(socket));
  });
  // first, so the header is set before any handler can answer
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const connection = connections.get(req.socket);
    if (connection) {
      connection.requests += 1;
      connection.served += 1;
    }
    responses.add(res);
    if (!listening) res.setHeader('Connection', 'close');
    res.once('close', () => {
      responses.delete(res);
      if (!connection) return;
      connection.requests -= 1;
      connection.idleSince = Date.now();
    });
  });

  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const started = Date.now();
    setTimeout(() => {
      logger.error(`${signal}: not drained within ${opts.timeoutMs} ms (${responses.size} request(s) still running); exiting`);
      for (const socket of connections.keys()) socket.destroy();
      process.exit(1);
    }, opts.timeoutMs).unref();
    opts.onDrain?.();
    logger.log(`${signal}: draining ${responses.size} request(s) in flight and ${connections.size} connection(s)`);
    while (listening || connections.size > 0) {
      await new Promise((r) => setTimeout(r, 10)); // first: lets the event loop accept what is queued
      const now = Date.now();
      if (listening && (now - lastAccepted >= QUIET_MS || now - started >= ACCEPT_WINDOW_MS)) {
        // net.Server's close: http.Server's would also cut the connections between two requests
        NetServer.prototype.close.call(server);
        listening = false;
        for (const res of responses) if (!res.headersSent) res.setHeader('Connection', 'close');
      }
      if (listening) continue;
      for (const [socket, c] of connections) {
        if (c.requests === 0 && now - c.idleSince >= (c.served === 0 ? FIRST_REQUEST_GRACE_MS : idleMs)) socket.destroy();
      }
    }
    try {
      await app.close();
      logger.log(`stopped in ${Date.now() - started} ms`);
      process.exit(0);
    } catch (err) {
      logger.error(err instanceof Error ? err.message : String(err));
      process.exit(1);
    }
  };
  process.once('SIGTERM', (s) => void stop(s));
  process.once('SIGINT', (s) => void stop(s));
}
