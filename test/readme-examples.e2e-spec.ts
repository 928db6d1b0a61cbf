import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startAppProcess } from './helpers/app-process';
import { Example, examplesOf, fencedBlocks, runnableBlocks, scriptFor, unquotedGlobs } from './helpers/readme-examples';

jest.setTimeout(180_000);

const README = readFileSync(path.resolve(__dirname, '../README.md'), 'utf8');

describe('README examples: the format', () => {
  it('every shell block that calls curl declares each status or is marked no-run; no unquoted globs', () => {
    const examples = runnableBlocks(README).flatMap(examplesOf);
    expect(examples.length).toBeGreaterThanOrEqual(20);
    const running = new Set(runnableBlocks(README).map((b) => b.line));
    for (const block of fencedBlocks(README)) {
      const [lang, ...flags] = block.info.split(/\s+/);
      if (lang !== 'sh' || flags.includes('no-run')) continue;
      const calls = block.body.filter((l) => /(^|[\s($])curl\s/.test(l) && !l.trim().startsWith('#'));
      if (calls.length > 0) expect({ block: block.line, runs: running.has(block.line) }).toEqual({ block: block.line, runs: true });
    }
    const globbing = examples.filter((e) => unquotedGlobs(e.command).length > 0).map((e) => `line ${e.line}: ${unquotedGlobs(e.command).join(' ')}`);
    expect(globbing).toEqual([]);
  });

  it('parses the format: trailing and next-line statuses, continuations, no-run blocks', () => {
    const md = [
      '## A',
      '```sh',
      'X=1',
      'curl -X POST $B/a \\',
      "  -d 'x=1'",
      '# => 201 created',
      'curl "$B/b?c=1"   # => 404 not there',
      '```',
      '```sh no-run',
      'curl $B/never',
      '```',
      '```sh',
      'npm start',
      '```',
    ].join('\n');
    const blocks = runnableBlocks(md);
    expect(blocks).toHaveLength(1);
    expect(examplesOf(blocks[0])).toEqual([
      { command: 'X=1', status: undefined, line: 3, section: 'A' },
      { command: "curl -X POST $B/a  -d 'x=1'", status: 201, line: 4, section: 'A' },
      { command: 'curl "$B/b?c=1"   # => 404 not there', status: 404, line: 7, section: 'A' },
    ]);
    expect(() => examplesOf({ line: 1, section: 'x', info: 'sh', body: ['curl $B/x', 'curl $B/y  # => 200'] })).toThrow(/without "# => <status>"/);
    expect(unquotedGlobs('curl $B/api/products?limit=10')).toEqual(['$B/api/products?limit=10']);
    expect(unquotedGlobs(`curl "$B/api/products?limit=10" -d '{"a": "?"}'   # what?`)).toEqual([]);
  });
});

/**
 * As a new user would: the embedded default started as a process on a fresh DATA_DIR, without
 * ADMIN_API_KEY (the key is the one it logs), then every example in README order in one shell.
 */
describe('README examples: run in order against the embedded default', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cartwheel-readme-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('each example answers the status the README states', async () => {
    const examples: Example[] = runnableBlocks(README).flatMap(examplesOf);
    const app = await startAppProcess({
      DATABASE_URL: undefined,
      DATABASE_SCHEMA: undefined,
      REDIS_URL: undefined,
      ADMIN_API_KEY: undefined,
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      LOG_FORMAT: 'json',
    });
    let result: ReturnType<typeof spawnSync>;
    const results = path.join(dataDir, 'results.txt');
    try {
      const key = /generated one for this run: (\S+?)"/.exec(app.output())?.[1];
      expect(key).toBeDefined();
      const script = path.join(dataDir, 'examples.sh');
      writeFileSync(script, scriptFor(examples, { headers: path.join(dataDir, 'headers.txt'), results }));
      result = spawnSync('bash', [script], { env: { PATH: process.env.PATH, HOME: dataDir, B: app.url, KEY: key }, encoding: 'utf8', timeout: 120_000 });

      // the Dockerfile's HEALTHCHECK against the same process
      const port = new URL(app.url).port;
      const health = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/healthcheck.ts'], {
        cwd: path.resolve(__dirname, '..'),
        env: { ...process.env, PORT: port, HOST: '127.0.0.1' },
      });
      expect(health.status).toBe(0);
    } finally {
      await app.stop();
    }
    const stdout = String(result.stdout);
    const outputs = stdout.split(/\n@@step \d+\n/);
    const got = readFileSync(results, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(' '));
    const report = examples.map((e, i) => {
      const [, rc, status] = got.find(([index]) => Number(index) === i) ?? [String(i), 'not run', '-'];
      return { line: e.line, command: e.command, expected: e.status ?? null, got: e.status === undefined ? null : Number(status), exit: rc };
    });
    const wrong = report.filter((r) => r.exit !== '0' || r.got !== r.expected);
    if (wrong.length > 0) {
      const details = wrong.map((r) => `README line ${r.line}: expected ${r.expected}, got ${r.got} (exit ${r.exit})\n  ${r.command}\n  -> ${(outputs[report.indexOf(r)] ?? '').trim().slice(0, 500)}`);
      throw new Error(`${wrong.length} README example(s) did not answer as written:\n${details.join('\n')}\nstderr: ${String(result.stderr).slice(0, 2000)}`);
    }
    expect(report.length).toBe(examples.length);
  });
});
