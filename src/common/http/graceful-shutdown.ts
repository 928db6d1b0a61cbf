import type { Server } from 'node:http';
import { INestApplication, Logger } from '@nestjs/common';

/**
 * SIGTERM/SIGINT: keep answering (every response now says `Connection: close`) until no request has
 * been running for `quietMs` (at most `graceMs`), then close the app: listener, idle connections,
 * pools, the embedded database. Closing the listener at once, as Node's server.close() does, would
 * reset the connections still queued in the kernel's accept backlog; draining first does not.
 */
export function shutDownGracefully(app: INestApplication, opts = { quietMs: 100, graceMs: 10_000 }): void {
  const server = app.getHttpServer() as Server;
  const logger = new Logger('Shutdown');
  let stopping = false;
  let active = 0;
  let lastActivity = Date.now();

  server.on('request', (_req, res) => {
    active += 1;
    lastActivity = Date.now();
    if (stopping) res.setHeader('Connection', 'close');
    res.once('close', () => {
      active -= 1;
      lastActivity = Date.now();
    });
  });

  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: draining requests`);
    const deadline = Date.now() + opts.graceMs;
    while (Date.now() < deadline && (active > 0 || Date.now() - lastActivity < opts.quietMs)) {
      await new Promise((r) => setTimeout(r, 10));
    }
    try {
      await app.close();
      logger.log('stopped');
      process.exit(0);
    } catch (err) {
      logger.error(err instanceof Error ? err.message : String(err));
      process.exit(1);
    }
  };
  process.once('SIGTERM', (s) => void stop(s));
  process.once('SIGINT', (s) => void stop(s));
}
