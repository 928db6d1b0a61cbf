import { createServer, Server } from 'node:net';
import { freePort, runAppProcessToExit } from './helpers/app-process';
import { figures } from './helpers/figures';
import { ADMIN_KEY, TEST_DATABASE_URL, TEST_REDIS_URL, uniqueName } from './helpers/test-app';

jest.setTimeout(120_000);

/** Issue 10, start-up: a bad setting or an unreachable server is one line naming it, no stack, exit status 1. */
describe('Faults: start-up failures (own processes, e2e)', () => {
  const base = { ADMIN_API_KEY: ADMIN_KEY, LOG_LEVEL: 'warn', DATABASE_SCHEMA: uniqueName('fault_start'), RATE_LIMIT_PER_MINUTE: '0' };
  let closedPort: number;

  beforeAll(async () => {
    closedPort = await freePort(); // nothing listens there
  });

  const expectOneLine = (output: string, pattern: RegExp) => {
    const lines = output.trim().split('\n');
    expect(lines).toEqual([expect.stringMatching(pattern)]);
  };

  it.each([
    ['Postgres unreachable', { DATABASE_URL: `postgres://app:secret@127.0.0.1:${0}/shop`, REDIS_URL: TEST_REDIS_URL }, /^cartwheel cannot start: Postgres at postgres:\/\/127\.0\.0\.1:\d+\/shop \(DATABASE_URL\) is unreachable or refused the connection: connect ECONNREFUSED/],
    ['Redis unreachable', { DATABASE_URL: TEST_DATABASE_URL, REDIS_URL: `redis://:secret@127.0.0.1:${0}` }, /^cartwheel cannot start: Redis at redis:\/\/127\.0\.0\.1:\d+ \(REDIS_URL\) is unreachable or refused the connection: connect ECONNREFUSED/],
    ['a bad setting', { DATABASE_URL: TEST_DATABASE_URL, REDIS_COMMAND_TIMEOUT_MS: 'soon' }, /^(Invalid configuration:|  REDIS_COMMAND_TIMEOUT_MS: )/],
  ])('%s: one line naming it (no credentials, no stack), exit 1', async (name, env, pattern) => {
    const resolved = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replace(':0', `:${closedPort}`)]));
    const { code, output, ms } = await runAppProcessToExit({ ...base, ...resolved });
    expect(code).toBe(1);
    if (name === 'a bad setting') expect(output.trim().split('\n')).toEqual(['Invalid configuration:', expect.stringMatching(/^ {2}REDIS_COMMAND_TIMEOUT_MS: /)]);
    else expectOneLine(output, pattern);
    expect(output).not.toMatch(/secret|\n\s+at |ExceptionHandler/);
    figures(`Start-up: ${name}`, { 'exit code': String(code), 'exited after ms (process start included)': ms, output: output.trim().split('\n').join(' / ') });
  });

  it('the port taken: one line naming PORT, exit 1', async () => {
    const port = await freePort();
    const taken: Server = createServer();
    await new Promise<void>((r) => taken.listen(port, r));
    try {
      // (LOG_LEVEL=error: the shared test Redis has no persistence, which start-up would warn about)
      const { code, output } = await runAppProcessToExit({ ...base, LOG_LEVEL: 'error', DATABASE_URL: TEST_DATABASE_URL, REDIS_URL: TEST_REDIS_URL, PORT: String(port) });
      expect(code).toBe(1);
      expect(output.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^cartwheel cannot start: cannot listen on PORT ${port}: .*EADDRINUSE`))]);
    } finally {
      taken.close();
    }
  });
});
