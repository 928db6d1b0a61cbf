import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { persistenceWarning } from '../src/redis/redis-persistence';
import { PrivateRedis, startPrivateRedis } from './helpers/private-redis';
import { startTestApp } from './helpers/test-app';

jest.setTimeout(60_000);

/**
 * Issue 10, "Redis restarted without persistence": every cart is gone. The README requires AOF
 * (appendfsync everysec); at start the service warns when the Redis it uses would lose carts.
 * Private redis-servers with each configuration; CONFIG renamed away as managed services do.
 */
describe('Redis persistence check at start (private redis-servers)', () => {
  const servers: PrivateRedis[] = [];
  const check = async (args: string[]) => {
    const server = await startPrivateRedis(args);
    servers.push(server);
    const client = new Redis(server.url);
    try {
      return await persistenceWarning(client, server.url);
    } finally {
      client.disconnect();
    }
  };

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  it.each<[string, string[], RegExp | null]>([
    ['no AOF, no snapshots', [], /has no append-only file and no RDB snapshots: carts written since the last save are lost/],
    ['snapshots only', ['--save', '60 1'], /has no append-only file; only periodic RDB snapshots/],
    ['AOF, appendfsync everysec', ['--appendonly', 'yes', '--appendfsync', 'everysec'], null],
    ['AOF, appendfsync no', ['--appendonly', 'yes', '--appendfsync', 'no'], /has appendfsync no/],
    ['CONFIG disabled, no AOF (read from INFO)', ['--rename-command', 'CONFIG', ''], /has no append-only file: carts/],
    ['CONFIG disabled, AOF on (read from INFO)', ['--rename-command', 'CONFIG', '', '--appendonly', 'yes'], null],
  ])('%s', async (_name, args, warning) => {
    const said = await check(args);
    if (warning) expect(said).toMatch(warning);
    else expect(said).toBeNull();
  });

  it('the app logs the warning once at start, naming the server without credentials', async () => {
    const server = await startPrivateRedis(['--requirepass', 'sesame-0123']);
    servers.push(server);
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const t = await startTestApp('persistence', { REDIS_URL: `redis://:sesame-0123@127.0.0.1:${server.port}`, LOG_LEVEL: 'silent' });
    try {
      const said = warn.mock.calls.map((c) => String(c[0])).filter((m) => m.includes('append-only'));
      expect(said).toEqual([expect.stringMatching(new RegExp(`^Redis at redis://127\\.0\\.0\\.1:${server.port} has no append-only file`))]);
    } finally {
      warn.mockRestore();
      await t.close();
    }
  });
});
