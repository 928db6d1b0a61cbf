#!/usr/bin/env node
'use strict';
/**
 * `npm run bench`: builds the app, starts it on real Postgres and Redis (a fresh schema and key
 * prefix), starts the bare-Node baseline (bench/baseline.js) next to it (its own schema, migrated
 * with the app's migrations, and a copy of the catalogue), and a second app process of the same
 * build on a Redis Cluster (the app's schema, its own key prefix): the cluster on 127.0.0.1:7000-7005
 * (BENCH_REDIS_CLUSTER_NODES) when it answers `cluster_state:ok`, else a private one (3 masters + 3 replicas on free ports, in a
 * temporary folder). Loads 200 products and drives them with autocannon: add-to-cart (app, baseline,
 * app on the cluster), cart views of 1 and 100 lines (app, baseline, app on the cluster), checkout (app,
 * baseline). Prints tables and writes bench/RESULTS.md. Everything it created (processes, schemas,
 * Redis keys on the node and on the cluster, the private cluster and its folder) is removed at the
 * end, on error and on Ctrl-C.
 *
 * Options:
 *   --no-build            use the existing dist/ (default: npm run build first)
 *   --connections=N       autocannon connections (32)
 *   --warmup=S            warm-up seconds per scenario and target (3)
 *   --duration=S          seconds per measured round (10)
 *   --rounds=N            measured rounds per scenario, at least 2 (3)
 *   --checkout-carts=N    carts checked out per measured checkout round (2000)
 *   --out=PATH            results file (bench/RESULTS.md); --out= (empty) writes none
 *   --only=LIST           run only these scenarios: add,view,checkout (all); the cluster runs add and
 *                         view, so it runs when one of them does
 *   --no-cluster          no app on a Redis Cluster (issue 11): the add-to-cart and view figures only
 *                         for the app on the single Redis node
 *   --keep                leave the schemas and Redis keys in place (processes are still stopped; a
 *                         private cluster is stopped and removed all the same)
 *   --max-other-load=C    refuse a measured round in which processes other than the bench's kept more
 *                         than C cores busy (0.25): it is discarded and run again
 *   --round-retries=N     extra tries per refused round (3); a round still refused after them leaves
 *                         its scenario "not measured (disturbed)"
 *   --cpu-prof            run the app under node --cpu-prof (profile in bench/profiles/, written when
 *                         it stops); summarise with `node bench/profile-summary.js <file>`
 * Environment: DATABASE_URL (postgres://postgres@127.0.0.1:5432/test), REDIS_URL
 * (redis://127.0.0.1:6379), DATABASE_POOL_SIZE (10, for the apps and the baseline alike).
 * BENCH_REDIS_CLUSTER_NODES (127.0.0.1:7000,...,127.0.0.1:7005): the Redis Cluster to use when every
 * node answers cluster_state:ok (its keys under the run's prefix are deleted at the end; it is left
 * running), else a private one is started. Needs redis-cli on the PATH, and redis-server for a
 * private cluster.
 */
const { spawn, spawnSync, execFile, execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const autocannon = require(require.resolve('autocannon', { paths: [ROOT] }));
const { Client: PgClient } = require(require.resolve('pg', { paths: [ROOT] }));
const Redis = require(require.resolve('ioredis', { paths: [ROOT] }));

// ---------------------------------------------------------------------------------------------
// Settings

function parseArgs(argv) {
  const o = { cluster: true, build: true, connections: 32, warmup: 3, duration: 10, rounds: 3, checkoutCarts: 2000, out: path.join(__dirname, 'RESULTS.md'), keep: false, cpuProf: false, only: null, maxOtherLoad: 0.25, roundRetries: 3 };
  for (const a of argv) {
    const [k, v] = a.replace(/^--/, '').split(/=(.*)/s);
    const num = (min = 0, strict = true) => {
      const n = Number(v);
      if (v === undefined || v === '' || !Number.isFinite(n) || n < min || (strict && n <= min)) throw new Error(`--${k} needs a ${strict ? 'positive' : 'non-negative'} number`);
      return n;
    };
    if (k === 'no-build') o.build = false;
    else if (k === 'no-cluster') o.cluster = false;
    else if (k === 'keep') o.keep = true;
    else if (k === 'cpu-prof') o.cpuProf = true;
    else if (k === 'only') {
      o.only = new Set((v || '').split(',').map((x) => x.trim()).filter(Boolean));
      for (const x of o.only) if (!['add', 'view', 'checkout'].includes(x)) throw new Error(`--only: unknown scenario ${x}`);
    }
    else if (k === 'connections') o.connections = Math.floor(num());
    else if (k === 'warmup') o.warmup = num();
    else if (k === 'duration') o.duration = num();
    else if (k === 'rounds') o.rounds = Math.max(2, Math.floor(num()));
    else if (k === 'checkout-carts') o.checkoutCarts = Math.floor(num());
    else if (k === 'out') o.out = v ? path.resolve(v) : null;
    else if (k === 'max-other-load') o.maxOtherLoad = num(0, false);
    else if (k === 'round-retries') o.roundRetries = Math.floor(num(0, false));
    else if (k === 'help' || k === 'h') {
      console.log(fs.readFileSync(__filename, 'utf8').split('*/')[0]);
      process.exit(0);
    } else throw new Error(`unknown option ${a} (try --help)`);
  }
  return o;
}

const OPT = parseArgs(process.argv.slice(2));
const DATABASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const POOL_SIZE = process.env.DATABASE_POOL_SIZE || '10';
const RUN_ID = crypto.randomBytes(4).toString('hex');
const SCHEMA = `bench_${RUN_ID}`;
const BASE_SCHEMA = `bench_${RUN_ID}_base`; // the baseline's own tables (the app's migrations) and its copy of the catalogue
const APP_PREFIX = `bench_${RUN_ID}_app:`;
const BASE_PREFIX = `bench_${RUN_ID}_base:`;
const CLUSTER_PREFIX = `bench_${RUN_ID}_cluster:`;
// a running cluster to use when it answers (.ci/run starts one on 7000-7005), else a private one
const SHARED_CLUSTER = (process.env.BENCH_REDIS_CLUSTER_NODES || [7000, 7001, 7002, 7003, 7004, 7005].map((p) => `127.0.0.1:${p}`).join(',')).split(',').filter(Boolean);
const ADMIN_KEY = crypto.randomBytes(24).toString('hex');
// application_name of every Postgres connection of the bench (its own, the app's, the baseline's: pg
// reads PGAPPNAME), so that the other-load check tells their backends from other clients'
const PG_APP_NAME = `bench_${RUN_ID}`;

const PRODUCTS = 200;
const STOCK = 1_000_000;
const SID_POOL = 10_000;
const VIEW_CARTS = 8; // carts of each size the view scenarios rotate over
const SCARCE_PRODUCTS = 5; // checkout: a few products with little stock, so that checkouts race for it
const SCARCE_STOCK = 25;
const SCARCE_SHARE = 0.1; // share of checkout carts holding one unit of a scarce product
const CHECKOUT_WARMUP_CARTS = 300;
const RETRY_PAUSE_MS = 3000; // before re-running a refused round, so that a burst of other load can pass

// issue 14
const TARGETS = {
  addRps: 0.85, // app/baseline req/s >=, in every round
  addP99: 1.5, // app/baseline p99 <=, in every round
  viewCost: 2, // 1-line req/s / 100-line req/s <=, best rounds
  checkoutOrders: 0.7, // app/baseline orders/s >=, best rounds
  rssMb: 200, // app peak RSS under load <=
};

// ---------------------------------------------------------------------------------------------
// Small helpers

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);

function mulberry32(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rng = mulberry32(20240606);
const pick = (arr, r = rng) => arr[Math.floor(r() * arr.length)];
function sample(arr, k, r = rng) {
  const a = arr.slice();
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(r() * (a.length - i));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, k);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function mapLimit(items, limit, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

async function api(base, method, urlPath, body, headers = {}) {
  const init = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(base + urlPath, init);
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

async function expectStatus(promise, status, what) {
  const r = await promise;
  if (r.status !== status) throw new Error(`${what}: expected ${status}, got ${r.status} ${r.text.slice(0, 300)}`);
  return r.json;
}

const fmt = (n, d = 0) => (n === null || n === undefined || Number.isNaN(n) ? 'n/a' : n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }));

// ---------------------------------------------------------------------------------------------
// Child processes

const children = new Set();

function startChild(name, args, env) {
  if (cleaning) throw new Error(`not starting ${name}: the bench is stopping`);
  // an undefined value unsets an inherited variable
  const fullEnv = Object.fromEntries(Object.entries({ ...process.env, ...env }).filter(([, v]) => v !== undefined));
  const child = spawn(process.execPath, args, { cwd: ROOT, env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const state = { name, child, lines: [], lineCount: 0, exited: false, code: null, signal: null };
  state.exit = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      state.exited = true;
      state.code = code;
      state.signal = signal;
      children.delete(state);
      resolve();
    });
  });
  const onData = (buf) => {
    for (const line of buf.toString().split('\n')) {
      if (!line.trim()) continue;
      state.lineCount++;
      state.lines.push(line);
      if (state.lines.length > 200) state.lines.shift();
      if (state.lineCount <= 20) console.log(`  [${name}] ${line}`);
      else if (state.lineCount === 21) console.log(`  [${name}] (further output kept quiet; the last lines are shown on failure)`);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  children.add(state);
  return state;
}

/** SIGTERM (the app drains and exits), SIGKILL after 12 s. Signals once: the app treats a second SIGTERM as fatal. */
function stopChild(state) {
  if (!state || state.exited) return Promise.resolve();
  if (!state.stopping) {
    state.stopping = (async () => {
      state.child.kill('SIGTERM');
      const timer = setTimeout(() => {
        if (!state.exited) state.child.kill('SIGKILL');
      }, 12_000);
      await state.exit;
      clearTimeout(timer);
      if (state.code !== 0) log(`${state.name} stopped with ${state.signal ? `signal ${state.signal}` : `exit code ${state.code}`}`);
    })();
  }
  return state.stopping;
}

async function waitReady(state, url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (state.exited) break;
    try {
      const res = await fetch(url);
      if (res.status === 200) return;
      last = `${res.status} ${(await res.text()).slice(0, 200)}`;
    } catch (err) {
      last = err.cause?.code || err.message;
    }
    await sleep(200);
  }
  const why = state.exited ? `exited (code ${state.code}, signal ${state.signal})` : `not ready after ${timeoutMs / 1000} s (last: ${last})`;
  throw new Error(`${state.name} ${why}. Its last output:\n${state.lines.slice(-40).map((l) => `    ${l}`).join('\n') || '    (none)'}`);
}

// ---------------------------------------------------------------------------------------------
// RSS of the app, sampled every 200 ms

class RssSampler {
  constructor(pid) {
    this.pid = pid;
    this.peakKb = 0; // whole run
    this.loadPeakKb = 0; // while an autocannon run drives the app
    this.underLoad = false;
    this.roundPeakKb = 0; // during the current autocannon run
    this.timer = setInterval(() => this.sample(), 200);
    this.timer.unref();
    this.sample();
  }
  readKb() {
    try {
      const m = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${this.pid}/status`, 'utf8'));
      if (m) return Number(m[1]);
    } catch {
      /* no procfs: fall back to ps */
    }
    try {
      return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(this.pid)]).toString().trim()) || 0;
    } catch {
      return 0;
    }
  }
  sample() {
    const kb = this.readKb();
    if (kb > this.peakKb) this.peakKb = kb;
    if (this.underLoad && kb > this.loadPeakKb) this.loadPeakKb = kb;
    if (this.underLoad && kb > this.roundPeakKb) this.roundPeakKb = kb;
  }
  stop() {
    clearInterval(this.timer);
  }
}

/** CPU seconds (user + system) a process has used so far, or null without procfs. */
const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();
function cpuSeconds(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / CLK_TCK; // utime, stime (fields 14 and 15)
  } catch {
    return null;
  }
}

/**
 * CPU used on the machine by processes that are not part of the bench: a check that the figures
 * were not disturbed. Ours: this script (autocannon runs in it), the app(s), the baseline; the
 * Postgres server's own processes and the backends of the bench's connections (application_name
 * PG_APP_NAME), not other clients' backends (a test suite's); the redis-server processes listening
 * on the ports the bench uses (a test suite's private ones are other load; a Redis server shared
 * with other clients cannot be split and counts as ours). Null without procfs.
 */
async function cpuSnapshot() {
  let otherBackends = new Set();
  try {
    const { rows } = await pg.query(`SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend' AND application_name IS DISTINCT FROM $1`, [PG_APP_NAME]);
    otherBackends = new Set(rows.map((r) => r.pid));
  } catch {
    /* cannot tell: every postgres process counts as ours */
  }
  try {
    // user nice system idle iowait irq softirq steal guest guest_nice; guest time is already in user/nice
    const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const busy = f[0] + f[1] + f[2] + f[5] + f[6];
    const pids = new Set(benchPids());
    const ports = redisPorts();
    const ours = new Map(); // pid -> CPU ticks
    const others = new Map(); // pid -> {comm, ticks}: to name what disturbed a round
    for (const d of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      let stat;
      try {
        stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      } catch {
        continue;
      }
      const pid = Number(d);
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      let mine = pids.has(pid);
      if (!mine && comm === 'postgres') mine = !otherBackends.has(pid);
      else if (!mine && comm.startsWith('redis-server')) mine = ports.has(redisPortOf(pid));
      const x = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(x[11]) + Number(x[12]);
      if (mine) ours.set(d, ticks);
      else others.set(d, { comm: comm === 'postgres' ? 'postgres (another client)' : comm, ticks });
    }
    return { at: Date.now(), busy, irq: f[5] + f[6], steal: f[7] || 0, ours, others };
  } catch {
    return null;
  }
}
/** The port in a redis-server's process title (`redis-server 127.0.0.1:6379`, `redis-server *:7000 [cluster]`). */
function redisPortOf(pid) {
  try {
    const m = /:(\d+)/.exec(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}
const redisPorts = () => new Set([Number(new URL(REDIS_URL).port || 6379), ...(cluster?.ports || [])]);
const benchPids = () => [process.pid, app?.child.pid, baseline?.child.pid, clusterApp?.child.pid].filter(Boolean);
/**
 * Cores kept busy by other processes between two snapshots, plus the time the hypervisor gave to
 * other machines (steal: this machine's cores were not ours then either). Per process: the growth of
 * a process seen twice, all of a new one; one that ended in between (a pool closing an idle
 * connection) counts 0.
 */
function otherCores(a, b) {
  if (!a || !b || b.at <= a.at) return null;
  let ours = 0;
  for (const [pid, t] of b.ours) ours += t - (a.ours.get(pid) ?? 0);
  return Math.max(0, (b.busy - a.busy - ours) / CLK_TCK / ((b.at - a.at) / 1000)) + Math.max(0, b.steal - a.steal) / CLK_TCK / ((b.at - a.at) / 1000);
}

/** The biggest parts of the other load, as `name cores` (by command name; irq/softirq and processes that ended are their own parts). */
function otherTop(a, b, n = 4) {
  if (!a || !b || b.at <= a.at) return '';
  const secs = (b.at - a.at) / 1000;
  const by = new Map();
  let seen = 0;
  for (const [pid, { comm, ticks }] of b.others) {
    const d = ticks - (a.others.get(pid)?.ticks ?? 0);
    if (d <= 0) continue;
    by.set(comm, (by.get(comm) || 0) + d);
    seen += d;
  }
  let ours = 0;
  for (const [pid, t] of b.ours) ours += t - (a.ours.get(pid) ?? 0);
  const other = Math.max(0, b.busy - a.busy - ours);
  const irq = Math.min(b.irq - a.irq, other); // the counters are read one after the other: keep the parts within the whole
  by.set('irq/softirq', irq);
  by.set('(processes that ended)', Math.max(0, other - seen - irq));
  by.set('steal (the hypervisor)', Math.max(0, b.steal - a.steal));
  return [...by]
    .filter(([, t]) => t / CLK_TCK / secs >= 0.01)
    .sort((x, y) => y[1] - x[1])
    .slice(0, n)
    .map(([name, t]) => `${name} ${(t / CLK_TCK / secs).toFixed(2)}`)
    .join(', ');
}

// ---------------------------------------------------------------------------------------------
// autocannon

const running = new Set();

/**
 * Runs autocannon; resolves {result, seconds}. autocannon notices the end of a run only on its 1 s
 * tick, so its own `duration` overstates a run that ends by `amount`; `seconds` runs from the start
 * to the last response.
 */
function cannon(opts) {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    let last = start;
    const inst = autocannon({ connections: OPT.connections, pipelining: 1, timeout: 10, ...opts }, (err, result) => {
      running.delete(inst);
      if (err) reject(err);
      else resolve({ result, seconds: (last - start) / 1000 });
    });
    inst.on('response', () => {
      last = Date.now();
    });
    running.add(inst);
  });
}

function summarise({ result, seconds }) {
  const codes = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats || {})) codes[code] = Number(count);
  const total = result.requests.total;
  const duration = Math.round(seconds * 100) / 100;
  return {
    duration,
    total,
    rps: seconds > 0 ? total / seconds : 0,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    codes,
  };
}

/**
 * One scenario over one or more targets: a warm-up for each, then the measured rounds, alternating
 * targets within each round so that drift (autovacuum, Redis growth, page cache) hits all alike.
 * A round in which other processes kept more than --max-other-load cores busy (during any target's
 * run) is refused: its remaining targets are not run, and the whole round runs again, with fresh
 * sids or carts (up to --round-retries more times). A round still refused then ends the scenario
 * as disturbed: its targets are not measured. So round i of every target ran back to back.
 * target: {label, url, requests(tag, state) -> autocannon requests, pid() -> server pid,
 *   sampler? (RssSampler of an app), prepare?(tag) -> state, beforeRun?(tag) async, warmupAmount?,
 *   amount?, after?(summary, state) -> extra fields, bestBy? ('rps')}
 * Resolves {targets: {label: {best, rounds}}, refused: [{round, attempt, otherCores, runs}], disturbed}.
 */
async function runScenario(name, targets) {
  const rounds = Object.fromEntries(targets.map((t) => [t.label, []]));
  const refused = [];
  let disturbed = false;
  for (const t of targets) {
    log(`${name} / ${t.label}: warm-up ${t.warmupAmount ? `${t.warmupAmount} requests` : `${OPT.warmup} s`}`);
    await drive(t, 'w', true);
  }
  for (let r = 1; r <= OPT.rounds && !disturbed; r++) {
    for (let attempt = 0; ; attempt++) {
      const tag = attempt === 0 ? `r${r}` : `r${r}.${attempt}`;
      const runs = [];
      let worst = null;
      for (const t of targets) {
        const s = await drive(t, tag, false);
        runs.push({ label: t.label, s });
        log(
          `${name} / ${t.label} round ${r}${attempt ? ` (try ${attempt + 1})` : ''}: ${fmt(s.rps)} req/s, p50 ${s.p50} ms, p99 ${s.p99} ms` +
            (s.cpuMsPerReq !== undefined ? `, ${s.cpuMsPerReq.toFixed(2)} CPU ms/req (${s.cpuCores.toFixed(2)} cores)` : '') +
            (s.ordersPerSec !== undefined ? `, ${fmt(s.ordersPerSec)} orders/s` : '') +
            `, other load ${s.otherCores == null ? 'n/a' : s.otherCores.toFixed(2)}${s.otherCores > OPT.maxOtherLoad && s.otherTop ? ` (${s.otherTop})` : ''}` +
            `, codes ${JSON.stringify(s.codes)}${s.errors ? `, ${s.errors} errors` : ''}`,
        );
        if (s.otherCores != null && s.otherCores > OPT.maxOtherLoad) {
          worst = s.otherCores;
          break;
        }
      }
      if (worst === null) {
        for (const { label, s } of runs) rounds[label].push(s);
        break;
      }
      refused.push({ round: r, attempt: attempt + 1, otherCores: worst, runs });
      if (attempt >= OPT.roundRetries) {
        disturbed = true;
        log(`${name}: REFUSED round ${r} (other processes used ${worst.toFixed(2)} cores > ${OPT.maxOtherLoad}); no tries left: ${name} is not measured (disturbed)`);
        break;
      }
      log(`${name}: REFUSED round ${r} (other processes used ${worst.toFixed(2)} cores > ${OPT.maxOtherLoad}); running it again (${attempt + 1} of ${OPT.roundRetries} extra tries)`);
      await sleep(RETRY_PAUSE_MS);
    }
  }
  const out = {};
  for (const t of targets) {
    const list = rounds[t.label];
    const key = t.bestBy || 'rps';
    const best = list.length ? list.reduce((a, b) => (b[key] > a[key] ? b : a)) : null;
    out[t.label] = { best, rounds: list };
  }
  return { targets: out, refused, disturbed };
}

async function drive(t, tag, warmup) {
  if (t.beforeRun) await t.beforeRun(tag);
  const state = t.prepare ? t.prepare(tag, warmup) : undefined;
  const opts = { url: t.url, requests: t.requests(tag, state) };
  if (warmup && t.warmupAmount) opts.amount = t.warmupAmount;
  else if (!warmup && t.amount) opts.amount = t.amount;
  else opts.duration = warmup ? OPT.warmup : OPT.duration;
  const rss = t.sampler;
  if (rss) {
    rss.underLoad = true;
    rss.roundPeakKb = 0;
  }
  try {
    const pid = t.pid();
    const cpu0 = cpuSeconds(pid);
    const snap0 = await cpuSnapshot();
    const run = await cannon(opts);
    const cpu1 = cpuSeconds(pid);
    const snap1 = await cpuSnapshot();
    const s = summarise(run);
    s.otherCores = otherCores(snap0, snap1);
    s.otherTop = otherTop(snap0, snap1);
    if (rss) s.rssMb = rss.roundPeakKb / 1024;
    if (cpu0 !== null && cpu1 !== null && s.total > 0) {
      s.cpuMsPerReq = ((cpu1 - cpu0) * 1000) / s.total; // the server process's CPU per request
      s.cpuCores = s.duration > 0 ? (cpu1 - cpu0) / s.duration : null; // cores it kept busy
    }
    if (t.after) Object.assign(s, t.after(s, state, warmup));
    return s;
  } finally {
    if (rss) rss.underLoad = false;
  }
}

// ---------------------------------------------------------------------------------------------
// The Redis Cluster (issue 11)

/** The cluster in use: {nodes, ports, private, persistence, dir?, procs?}; null before (or without) one. */
let cluster = null;

function redisCli(node, ...args) {
  const [host, port] = node.split(':');
  return new Promise((resolve, reject) => {
    execFile('redis-cli', ['-h', host, '-p', port, ...args], { timeout: 5000 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}

async function clusterAnswers(nodes) {
  try {
    const infos = await Promise.all(nodes.map((n) => redisCli(n, 'cluster', 'info')));
    return infos.every((i) => i.includes('cluster_state:ok'));
  } catch {
    return false;
  }
}

async function waitFor(what, ms, check) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (cleaning) throw new Error(`stopped waiting for ${what}: the bench is stopping`);
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms / 1000} s`);
    await sleep(100);
  }
}

function portFree(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * The cluster on 127.0.0.1:7000-7005 when it answers cluster_state:ok; else a private one: 3
 * masters + 3 replicas on free ports (each with its bus port, +10000, free too), in a temporary
 * folder, with the single node's persistence settings (appendonly, appendfsync, save), so that both
 * stores do the same work per write.
 */
async function findOrStartCluster() {
  if (await clusterAnswers(SHARED_CLUSTER)) {
    cluster = { nodes: SHARED_CLUSTER, ports: SHARED_CLUSTER.map((n) => Number(n.split(':')[1])), private: false, ready: true, persistence: 'as configured there' };
    log(`Redis Cluster: the one on ${SHARED_CLUSTER.join(',')} (cluster_state:ok)`);
    return;
  }
  const conf = {};
  for (const k of ['appendonly', 'appendfsync', 'save']) {
    try {
      conf[k] = (await redis.config('GET', k))[1];
    } catch {
      /* CONFIG disabled: the redis-server defaults below */
    }
  }
  const persist = ['--appendonly', conf.appendonly ?? 'no', '--appendfsync', conf.appendfsync ?? 'everysec', '--save', conf.save ?? ''];
  const ports = [];
  while (ports.length < 6) {
    const p = await freePort();
    if (p < 55_000 && !ports.includes(p) && (await portFree(p + 10_000))) ports.push(p);
  }
  if (cleaning) throw new Error('not starting a Redis Cluster: the bench is stopping');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cartwheel-bench-cluster-'));
  cluster = { nodes: ports.map((p) => `127.0.0.1:${p}`), ports, private: true, dir, procs: [], persistence: `appendonly ${persist[1]}, appendfsync ${persist[3]}, save "${persist[5]}" (as the single node)` };
  log(`Redis Cluster: none answers on ${SHARED_CLUSTER.join(',')}; starting a private one (3 masters + 3 replicas) on ports ${ports.join(', ')} in ${dir}`);
  for (const port of ports) {
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '5000',
        '--dir', dir, '--logfile', `redis-${port}.log`, ...persist],
      { stdio: 'ignore' },
    );
    child.on('error', (err) => log(`redis-server on ${port}: ${err.message}`));
    cluster.procs.push(child);
  }
  await waitFor('the private cluster nodes answering', 10_000, async () => (await Promise.all(cluster.nodes.map((n) => redisCli(n, 'ping').catch(() => '')))).every((r) => r.trim() === 'PONG'));
  await new Promise((resolve, reject) => {
    execFile('redis-cli', ['--cluster', 'create', ...cluster.nodes, '--cluster-replicas', '1', '--cluster-yes'], { timeout: 30_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`redis-cli --cluster create failed: ${err.message}\n${stdout}${stderr}`)) : resolve(),
    );
  });
  await waitFor('the private cluster state ok', 20_000, () => clusterAnswers(cluster.nodes));
  await waitFor('every replica of the private cluster in sync', 20_000, async () => {
    const roles = await Promise.all(cluster.nodes.map((n) => redisCli(n, 'info', 'replication').catch(() => '')));
    const replicas = roles.filter((r) => r.includes('role:slave'));
    return replicas.length === 3 && replicas.every((r) => r.includes('master_link_status:up'));
  });
  if (cleaning) throw new Error('the bench is stopping');
  cluster.ready = true;
  log('Redis Cluster: private cluster ready (cluster_state:ok, replicas in sync)');
}

/** Deletes the keys under `prefix` on every master of the cluster (SCAN on each, UNLINK key by key: keys on one node may be in different slots). */
async function deleteClusterKeys(prefix) {
  const c = new Redis.Cluster(
    cluster.nodes.map((n) => ({ host: n.split(':')[0], port: Number(n.split(':')[1]) })),
    { lazyConnect: true, clusterRetryStrategy: () => null, redisOptions: { maxRetriesPerRequest: 1 } },
  );
  c.on('error', () => {});
  try {
    await c.connect();
    const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    let n = 0;
    for (const node of c.nodes('master')) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        if (keys.length) {
          const p = node.pipeline();
          for (const k of keys) p.unlink(k);
          for (const [err, removed] of await p.exec()) if (!err) n += removed;
        }
      } while (cursor !== '0');
    }
    return n;
  } finally {
    c.disconnect();
  }
}

/** Stops a private cluster's servers (SIGTERM, SIGKILL after 5 s) and removes its folder. */
async function stopPrivateCluster() {
  if (!cluster?.private) return;
  await Promise.all(
    cluster.procs.map(
      (c) =>
        new Promise((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null || !c.pid) return resolve();
          const timer = setTimeout(() => c.kill('SIGKILL'), 5000);
          c.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          c.kill('SIGTERM');
        }),
    ),
  );
  fs.rmSync(cluster.dir, { recursive: true, force: true });
  log(`private Redis Cluster stopped, ${cluster.dir} removed`);
}

// ---------------------------------------------------------------------------------------------
// The run

let app;
let baseline;
let clusterApp; // the app on the Redis Cluster
let sampler;
let clusterSampler;
let pg;
let redis;
let cleaning = null; // the cleanup's promise, once it began: nothing new starts after it

/** Stops and removes everything the run created; every caller waits for the same one. */
function cleanup() {
  cleaning ??= doCleanup();
  return cleaning;
}

async function doCleanup() {
  for (const inst of running) inst.stop();
  if (sampler) sampler.stop();
  if (clusterSampler) clusterSampler.stop();
  await Promise.all([stopChild(app), stopChild(baseline), stopChild(clusterApp), ...[...children].map(stopChild)]);
  if (OPT.cpuProf && app) {
    const dir = path.join(__dirname, 'profiles');
    const mine = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.includes(`.${app.child.pid}.`)) : [];
    log(mine.length ? `app profile: ${path.join(dir, mine[0])} (node bench/profile-summary.js <file>)` : 'no app profile was written');
  }
  if (OPT.keep) {
    log(`--keep: left schemas ${SCHEMA}, ${BASE_SCHEMA} and Redis keys ${APP_PREFIX}* ${BASE_PREFIX}*`);
  } else {
    for (const schema of [SCHEMA, BASE_SCHEMA]) {
      try {
        if (pg) await pg.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } catch (err) {
        console.error(`could not drop schema ${schema}: ${err.message}`);
      }
    }
    try {
      if (redis) {
        let removed = 0;
        for (const prefix of [APP_PREFIX, BASE_PREFIX]) removed += await deleteKeys(prefix);
        log(`cleaned up: schemas ${SCHEMA} and ${BASE_SCHEMA} dropped, ${removed} Redis keys deleted`);
      }
    } catch (err) {
      console.error(`could not delete Redis keys: ${err.message}`);
    }
  }
  if (cluster?.ready && !(OPT.keep && !cluster.private)) {
    try {
      const n = await Promise.race([deleteClusterKeys(CLUSTER_PREFIX), sleep(30_000).then(() => Promise.reject(new Error('no answer within 30 s')))]);
      log(`Redis Cluster: ${n} keys ${CLUSTER_PREFIX}* deleted (SCAN on every master)`);
    } catch (err) {
      console.error(`could not delete the keys on the Redis Cluster: ${err.message}`);
    }
  } else if (cluster?.ready) log(`--keep: left the keys ${CLUSTER_PREFIX}* on the Redis Cluster`);
  try {
    await stopPrivateCluster();
  } catch (err) {
    console.error(`could not stop the private Redis Cluster: ${err.message}`);
  }
  await Promise.allSettled([pg?.end(), redis?.quit()]);
}

async function deleteKeys(prefix) {
  let cursor = '0';
  let n = 0;
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length) n += await redis.unlink(...keys);
  } while (cursor !== '0');
  return n;
}

let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n${sig}: stopping and cleaning up...`);
    cleanup().finally(() => process.exit(130));
  });
}

async function main() {
  const t0 = Date.now();
  const machine = {
    date: new Date().toISOString().replace('T', ' ').slice(0, 16) + ' UTC',
    node: process.version,
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model?.trim() || 'unknown',
    os: `${os.type()} ${os.release()}`,
    memGb: os.totalmem() / 2 ** 30,
    loadBefore: os.loadavg()[0],
  };
  log(`run ${RUN_ID}: ${machine.cores} cores (${machine.cpu}), node ${machine.node}, load average ${machine.loadBefore.toFixed(2)}`);

  pg = new PgClient({ connectionString: DATABASE_URL, application_name: PG_APP_NAME });
  await pg.connect().catch((err) => {
    throw new Error(`cannot reach Postgres at ${DATABASE_URL}: ${err.message}`);
  });
  redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  await redis.connect().catch((err) => {
    throw new Error(`cannot reach Redis at ${REDIS_URL}: ${err.message}`);
  });
  machine.postgres = (await pg.query('SHOW server_version')).rows[0].server_version;
  machine.redis = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] || '?';

  if (OPT.build) {
    log('npm run build');
    const tb = Date.now();
    const b = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (b.status !== 0) throw new Error(`npm run build failed (exit ${b.status})`);
    machine.buildSeconds = (Date.now() - tb) / 1000;
  }
  if (!fs.existsSync(path.join(ROOT, 'dist/main.js'))) throw new Error('dist/main.js is missing: run without --no-build');

  // --- start the app and the baseline
  const [appPort, basePort] = [await freePort(), await freePort()];
  const APP = `http://127.0.0.1:${appPort}`;
  const BASE = `http://127.0.0.1:${basePort}`;
  const shared = { DATABASE_URL, DATABASE_SCHEMA: SCHEMA, DATABASE_POOL_SIZE: POOL_SIZE, REDIS_URL, REDIS_CLUSTER_NODES: undefined, NODE_ENV: 'production', PGAPPNAME: PG_APP_NAME };
  log(`starting the app on ${APP} (schema ${SCHEMA}, Redis prefix ${APP_PREFIX})`);
  const profDir = path.join(__dirname, 'profiles');
  const nodeFlags = startFlags();
  machine.appCommand = `node ${[...nodeFlags, 'dist/main.js'].join(' ')}`;
  log(`the app runs as \`npm start\` runs it: ${machine.appCommand}`);
  const appArgs = [...nodeFlags, ...(OPT.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []), 'dist/main.js'];
  if (OPT.cpuProf) log(`the app runs under --cpu-prof; its profile goes to ${profDir} when it stops`);
  app = startChild('app', appArgs, { ...shared, PORT: String(appPort), REDIS_KEY_PREFIX: APP_PREFIX, ADMIN_API_KEY: ADMIN_KEY, LOG_LEVEL: 'warn', RUN_MIGRATIONS: 'true', RATE_LIMIT_PER_MINUTE: '0' });
  await waitReady(app, `${APP}/health/ready`, 60_000);
  sampler = new RssSampler(app.child.pid);
  log(`app ready (pid ${app.child.pid}, RSS ${fmt(sampler.peakKb / 1024, 1)} MB)`);
  // the baseline's schema: the app's own migrations (the same tables, constraints and indexes), so
  // that its checkouts take their own stock and write their own orders
  log(`migrating the baseline's schema ${BASE_SCHEMA} with the app's migrations (${migrateScript()})`);
  const mig = startChild('migrate', [migrateScript()], { ...shared, DATABASE_SCHEMA: BASE_SCHEMA, LOG_LEVEL: 'warn' });
  await mig.exit;
  if (mig.code !== 0) throw new Error(`migrating ${BASE_SCHEMA} failed (exit ${mig.code}, signal ${mig.signal}):\n${mig.lines.slice(-20).map((l) => `    ${l}`).join('\n')}`);
  log(`starting the baseline on ${BASE} (schema ${BASE_SCHEMA}, Redis prefix ${BASE_PREFIX})`);
  baseline = startChild('baseline', [path.join(__dirname, 'baseline.js')], { ...shared, DATABASE_SCHEMA: BASE_SCHEMA, PORT: String(basePort), REDIS_KEY_PREFIX: BASE_PREFIX });
  await waitReady(baseline, `${BASE}/health`, 30_000);

  // --- the app on a Redis Cluster (issue 11): same build, flags and schema (so the same catalogue), its own key prefix
  const wanted = (x) => !OPT.only || OPT.only.has(x);
  let CLUSTER = null;
  if (OPT.cluster && (wanted('add') || wanted('view'))) {
    await findOrStartCluster();
    machine.cluster = { nodes: cluster.nodes, private: cluster.private, persistence: cluster.persistence };
    CLUSTER = `http://127.0.0.1:${await freePort()}`;
    log(`starting the app on the Redis Cluster on ${CLUSTER} (schema ${SCHEMA}, prefix ${CLUSTER_PREFIX}, REDIS_CLUSTER_NODES=${cluster.nodes.join(',')})`);
    clusterApp = startChild('app on cluster', [...nodeFlags, 'dist/main.js'], {
      ...shared,
      REDIS_URL: undefined,
      REDIS_CLUSTER_NODES: cluster.nodes.join(','),
      PORT: new URL(CLUSTER).port,
      REDIS_KEY_PREFIX: CLUSTER_PREFIX,
      ADMIN_API_KEY: ADMIN_KEY,
      LOG_LEVEL: 'warn',
      RUN_MIGRATIONS: 'false', // the first app migrated the schema
      RATE_LIMIT_PER_MINUTE: '0',
    });
    await waitReady(clusterApp, `${CLUSTER}/health/ready`, 60_000);
    clusterSampler = new RssSampler(clusterApp.child.pid);
    log(`app on cluster ready (pid ${clusterApp.child.pid})`);
  }

  // --- catalogue
  const admin = { 'x-api-key': ADMIN_KEY };
  const products = [];
  await mapLimit(
    Array.from({ length: PRODUCTS }, (_, i) => i),
    8,
    async (i) => {
      const price = Math.round(99 + rng() * 49_900) / 100; // 0.99 .. 499.99, with cents
      const p = await expectStatus(api(APP, 'POST', '/api/products', { name: `Bench product ${i + 1}`, price, quantity: STOCK }, admin), 201, 'create product');
      products.push(p.id);
    },
  );
  products.sort((a, b) => a - b);
  await copyProducts();
  log(`catalogue: ${products.length} products, stock ${fmt(STOCK)} each (copied to the baseline's schema)`);

  // sanity: the baseline answers the same cart lines and totals as the app for the same changes
  {
    const essentials = (v) =>
      JSON.stringify({
        items: v.items.map((i) => [i.pid, i.name, i.price, i.incart, i.instock, i.status, i.lineTotal]),
        subtotal: v.subtotal,
        total: v.total,
        itemCount: v.itemCount,
      });
    let a;
    let b;
    for (const pid of [products[3], products[0], products[3]]) {
      a = await expectStatus(api(APP, 'POST', '/api/updatecart', { sid: 'sanity', pid }), 200, 'app updatecart');
      b = await expectStatus(api(BASE, 'POST', '/api/updatecart', { sid: 'sanity', pid }), 200, 'baseline updatecart');
    }
    if (essentials(a) !== essentials(b)) throw new Error(`baseline and app disagree:\n  app      ${JSON.stringify(a)}\n  baseline ${JSON.stringify(b)}`);
    if (CLUSTER) {
      let c;
      for (const pid of [products[3], products[0], products[3]]) c = await expectStatus(api(CLUSTER, 'POST', '/api/updatecart', { sid: 'sanity', pid }), 200, 'app on cluster updatecart');
      if (essentials(a) !== essentials(c)) throw new Error(`the app on the cluster and on the single node disagree:\n  node    ${JSON.stringify(a)}\n  cluster ${JSON.stringify(c)}`);
    }
  }

  const results = { machine, scenarios: {} };

  // --- 1. add-to-cart: app, baseline, app on the cluster
  const addTarget = (label, url, proc, rss) => ({
    label,
    url,
    sampler: rss,
    pid: () => proc().child.pid,
    requests: (tag) => {
      // the same seeded sequence of (sid, product) for every target and round, as the other scenarios
      const r = mulberry32(20240607);
      return [
        {
          method: 'POST',
          path: '/api/updatecart',
          headers: { 'content-type': 'application/json' },
          // a fresh sid namespace per round: every round starts from empty carts, on both targets
          setupRequest: (req) => {
            req.body = `{"sid":"add-${tag}-${Math.floor(r() * SID_POOL)}","pid":${pick(products, r)}}`;
            return req;
          },
        },
      ];
    },
  });
  if (wanted('add')) {
    const targets = [addTarget('app', APP, () => app, sampler), addTarget('baseline', BASE, () => baseline)];
    if (CLUSTER) targets.push(addTarget('app (cluster)', CLUSTER, () => clusterApp, clusterSampler));
    results.scenarios.add = await runScenario('add-to-cart', targets);
  }

  // --- 2. cart views: 1 line and 100 lines (on the single node, and on the cluster)
  if (wanted('view')) results.scenarios.view = await runViews(APP, BASE, CLUSTER, products);

  if (clusterApp) {
    // checkout runs without it
    results.clusterRss = { loadPeakMb: clusterSampler.loadPeakKb / 1024, peakMb: clusterSampler.peakKb / 1024 };
    clusterSampler.stop();
    await stopChild(clusterApp);
  }

  // --- 3. checkout, when the route exists
  if (wanted('checkout')) {
    const probe = await api(APP, 'POST', `/api/carts/bench-probe-${RUN_ID}/checkout`);
    if (probe.status === 404 && probe.json?.code === 'route_not_found') {
      log('checkout: POST /api/carts/:sid/checkout is not there yet (404 route_not_found); skipped');
      results.scenarios.checkout = null;
    } else {
      results.scenarios.checkout = await runCheckout(APP, BASE, products, admin, probe);
    }
  }

  results.rss = { loadPeakMb: sampler.loadPeakKb / 1024, peakMb: sampler.peakKb / 1024 };
  results.appOutputLines = app.lineCount;
  results.elapsed = (Date.now() - t0) / 1000;
  machine.loadAfter = os.loadavg()[0];
  return results;
}

/** The script of package.json's `migrate` (`node dist/database/migrate.js`). */
function migrateScript() {
  const migrate = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts?.migrate || '';
  return /\bnode\s+(\S+\.js)\b/.exec(migrate)?.[1] || 'dist/database/migrate.js';
}

/** The node flags of package.json's `start` script (`node <flags> dist/main.js`), so the app runs as deployed. */
function startFlags() {
  const start = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts?.start || '';
  const m = /\bnode\s+((?:--?[\w-]+(?:=\S+)?\s+)*)dist\/main\.js/.exec(start);
  return m ? m[1].trim().split(/\s+/).filter(Boolean) : [];
}

async function runViews(APP, BASE, CLUSTER, products) {
  const viewCarts = { 1: [], 100: [] };
  const jobs = [];
  for (const size of [1, 100]) {
    for (let c = 0; c < VIEW_CARTS; c++) {
      const sid = `view${size}-${c}`;
      for (const pid of sample(products, size)) jobs.push({ sid, pid, v: 1 + Math.floor(rng() * 3) });
      viewCarts[size].push(sid);
    }
  }
  // the same carts on both apps and on the baseline (whose add-to-cart adds one unit: its lines hold 1)
  for (const url of [APP, CLUSTER, BASE].filter(Boolean)) {
    await mapLimit(jobs, 8, (j) => expectStatus(api(url, 'POST', '/api/updatecart', j), 200, 'prepare view cart'));
    const check = await expectStatus(api(url, 'GET', `/api/viewcart/${viewCarts[100][0]}`), 200, 'view 100-line cart');
    if (check.items.length !== 100 || check.items.some((i) => i.status !== 'ok')) throw new Error(`the 100-line cart is not 100 ok lines on ${url}`);
  }
  log(`prepared ${VIEW_CARTS} carts of 1 line and ${VIEW_CARTS} of 100 lines on the app${CLUSTER ? ', the app on the cluster' : ''} and the baseline`);
  const viewTarget = (label, size, url, proc, rss) => ({
    label,
    url,
    sampler: rss,
    pid: () => proc().child.pid,
    requests: () => {
      let i = 0;
      return [
        {
          method: 'GET',
          setupRequest: (req) => {
            req.path = `/api/viewcart/${viewCarts[size][i++ % VIEW_CARTS]}`;
            return req;
          },
        },
      ];
    },
  });
  const targets = [
    viewTarget('1 line', 1, APP, () => app, sampler),
    viewTarget('100 lines', 100, APP, () => app, sampler),
    // the least work of a view (bench/baseline.js): how the cost of 100 lines compares there
    viewTarget('baseline 1 line', 1, BASE, () => baseline),
    viewTarget('baseline 100 lines', 100, BASE, () => baseline),
  ];
  if (CLUSTER) targets.push(viewTarget('1 line (cluster)', 1, CLUSTER, () => clusterApp, clusterSampler), viewTarget('100 lines (cluster)', 100, CLUSTER, () => clusterApp, clusterSampler));
  return runScenario('cart view', targets);
}

/** Copies products (all, or these ids) from the app's schema into the baseline's: the same catalogue, ids included. */
async function copyProducts(ids) {
  await pg.query(
    `INSERT INTO "${BASE_SCHEMA}".product (id, name, price_cents, quantity, created_at, updated_at)
     SELECT id, name, price_cents, quantity, created_at, updated_at FROM "${SCHEMA}".product ${ids ? 'WHERE id = ANY($1::int[])' : ''}
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, price_cents = EXCLUDED.price_cents, quantity = EXCLUDED.quantity`,
    ids ? [ids] : [],
  );
}

/** A number from a string, to seed a generator: the same tag gives the same carts. */
const seedOf = (text) => crypto.createHash('sha256').update(text).digest().readUInt32LE(0);

/**
 * Checkout, on the app and on the baseline, each with its own carts (the same mix: the same sids,
 * lines and quantities, from a generator seeded by the round's tag) and its own stock (the app's
 * schema, the baseline's copy of it), so they never compete for the scarce units.
 */
async function runCheckout(APP, BASE, products, admin, probe) {
  log(`checkout: the route answers (probe on an empty cart: ${probe.status} ${probe.json?.code ?? ''}); preparing carts`);

  // sanity: the same cart gives the same order on both
  {
    const sid = `sanity-co-${RUN_ID}`;
    for (const pid of [products[5], products[1], products[5]]) {
      await expectStatus(api(APP, 'POST', '/api/updatecart', { sid, pid }), 200, 'app updatecart');
      await expectStatus(api(BASE, 'POST', '/api/updatecart', { sid, pid }), 200, 'baseline updatecart');
    }
    const essentials = (o) => JSON.stringify({ items: o.items.map((i) => [i.pid, i.name, i.price, i.quantity, i.lineTotal, i.lineDiscount]), subtotal: o.subtotal, discount: o.discount, total: o.total, coupon: o.coupon });
    const a = await expectStatus(api(APP, 'POST', `/api/carts/${sid}/checkout`), 201, 'app checkout');
    const b = await expectStatus(api(BASE, 'POST', `/api/carts/${sid}/checkout`), 201, 'baseline checkout');
    if (essentials(a) !== essentials(b)) throw new Error(`baseline and app checkouts disagree:\n  app      ${JSON.stringify(a)}\n  baseline ${JSON.stringify(b)}`);
    await expectStatus(api(BASE, 'POST', `/api/carts/${sid}/checkout`), 409, 'baseline checkout of the emptied cart');
  }

  const scarce = [];
  for (let i = 0; i < SCARCE_PRODUCTS; i++) {
    const p = await expectStatus(api(APP, 'POST', '/api/products', { name: `Bench scarce ${i + 1}`, price: 9.99, quantity: SCARCE_STOCK }, admin), 201, 'create scarce product');
    scarce.push(p.id);
  }
  await copyProducts(scarce);
  const priceOf = new Map((await pg.query(`SELECT id, price_cents FROM "${BASE_SCHEMA}".product`)).rows.map((r) => [r.id, r.price_cents]));

  // carts of 1-3 lines (1-2 units each); some also hold one unit of a scarce product
  const slack = OPT.connections * 2; // autocannon may build a request or two per connection it never sends
  const sets = new Map(); // tag -> [{sid, lines: [{pid, v}]}]
  const cartSet = (tag) => {
    if (!sets.has(tag)) {
      const r = mulberry32(seedOf(`checkout:${RUN_ID}:${tag}`));
      const n = (tag === 'w' ? CHECKOUT_WARMUP_CARTS : OPT.checkoutCarts) + slack;
      const list = [];
      for (let c = 0; c < n; c++) {
        const lines = sample(products, 1 + Math.floor(r() * 3), r).map((pid) => ({ pid, v: 1 + Math.floor(r() * 2) }));
        if (r() < SCARCE_SHARE) lines.push({ pid: pick(scarce, r), v: 1 });
        list.push({ sid: `co-${tag}-${c}`, lines });
      }
      sets.set(tag, list);
    }
    return sets.get(tag);
  };
  const prepared = { app: new Set(), baseline: new Set() };
  const prepare = {
    // through the app's own route, as a shopper fills a cart
    app: async (tag) => {
      if (prepared.app.has(tag)) return;
      const jobs = cartSet(tag).flatMap(({ sid, lines }) => lines.map((l) => ({ sid, pid: l.pid, v: l.v })));
      await mapLimit(jobs, OPT.connections, (j) => expectStatus(api(APP, 'POST', '/api/updatecart', j), 200, 'prepare checkout cart'));
      prepared.app.add(tag);
    },
    // written straight into Redis, in the app's layout (field pid = `<quantity>@<price seen>`)
    baseline: async (tag) => {
      if (prepared.baseline.has(tag)) return;
      const list = cartSet(tag);
      for (let i = 0; i < list.length; i += 500) {
        const p = redis.pipeline();
        for (const { sid, lines } of list.slice(i, i + 500)) {
          const key = `${BASE_PREFIX}cart:${sid}`;
          p.hset(key, ...lines.flatMap((l) => [String(l.pid), `${l.v}@${priceOf.get(l.pid)}`]));
          p.expire(key, 2592000);
        }
        for (const [err] of await p.exec()) if (err) throw err;
      }
      prepared.baseline.add(tag);
    },
  };
  const tPrep = Date.now();
  const upfront = ['w', ...Array.from({ length: OPT.rounds }, (_, i) => `r${i + 1}`)];
  for (const tag of upfront) await prepare.app(tag);
  for (const tag of upfront) await prepare.baseline(tag);
  const nCarts = upfront.reduce((a, tag) => a + cartSet(tag).length, 0);
  const nLines = upfront.reduce((a, tag) => a + cartSet(tag).reduce((b, c) => b + c.lines.length, 0), 0);
  log(`checkout: ${fmt(nCarts)} carts (${fmt(nLines)} lines) prepared for the app and the same for the baseline in ${((Date.now() - tPrep) / 1000).toFixed(1)} s`);

  const stockSql = (schema) => `SELECT id, quantity FROM "${schema}".product`;
  const lineUnits = async (schema) => Number((await pg.query(`SELECT coalesce(sum(quantity), 0) AS n FROM "${schema}".order_line`)).rows[0].n);
  const sides = {};
  for (const [label, schema] of [['app', SCHEMA], ['baseline', BASE_SCHEMA]]) {
    // ordered: pid -> units in placed orders (from the 201 bodies); unitsBefore: the sanity order's
    const before = new Map((await pg.query(stockSql(schema))).rows.map((r) => [r.id, r.quantity]));
    sides[label] = { schema, before, unitsBefore: await lineUnits(schema), ordered: new Map(), orders: 0, refusals: {}, bad: [] };
  }

  const target = (label, url) => {
    const side = sides[label];
    return {
      label,
      url,
      sampler: label === 'app' ? sampler : undefined,
      pid: () => (label === 'app' ? app : baseline).child.pid,
      warmupAmount: CHECKOUT_WARMUP_CARTS,
      amount: OPT.checkoutCarts,
      bestBy: 'ordersPerSec',
      beforeRun: (tag) => prepare[label](tag), // carts of a re-run round's fresh tag
      prepare: (tag) => ({ sids: cartSet(tag).map((c) => c.sid), next: 0, orders: 0 }),
      requests: (tag, st) => [
        {
          method: 'POST',
          setupRequest: (req) => {
            // past the prepared carts (should not happen): an unknown sid, refused as an empty cart
            const sid = st.sids[st.next++] || `co-${tag}-spare-${st.next}`;
            req.path = `/api/carts/${sid}/checkout`;
            return req;
          },
          onResponse: (status, body) => {
            let json;
            try {
              json = JSON.parse(body);
            } catch {
              json = undefined;
            }
            if (status === 201) {
              st.orders++;
              side.orders++;
              if (!json || !Array.isArray(json.items)) side.bad.push(`201 without items: ${String(body).slice(0, 200)}`);
              else for (const it of json.items) side.ordered.set(it.pid, (side.ordered.get(it.pid) || 0) + it.quantity);
            } else {
              const k = `${status} ${json?.code ?? ''}`.trim();
              side.refusals[k] = (side.refusals[k] || 0) + 1;
            }
          },
        },
      ],
      after: (s, st) => ({ orders: st.orders, ordersPerSec: s.duration > 0 ? st.orders / s.duration : 0 }),
    };
  };
  const res = await runScenario('checkout', [target('app', APP), target('baseline', BASE)]);

  // --- verify against Postgres, each in its own schema
  const verify = {};
  for (const [label, side] of Object.entries(sides)) {
    const { schema, before, ordered, bad } = side;
    const after = new Map((await pg.query(stockSql(schema))).rows.map((r) => [r.id, r.quantity]));
    let taken = 0;
    let negative = 0;
    let oversold = 0;
    for (const [id, q0] of before) {
      const q1 = after.get(id) ?? 0;
      taken += q0 - q1;
      if (q1 < 0) negative++;
      const units = ordered.get(id) || 0;
      if (units > q0) oversold += units - q0;
      if (q0 - q1 !== units) bad.push(`product ${id}: stock went ${q0} -> ${q1} but the placed orders hold ${units} units`);
    }
    const unitsOrdered = [...ordered.values()].reduce((a, b) => a + b, 0);
    const scarceSold = scarce.reduce((a, id) => a + (ordered.get(id) || 0), 0);
    // the order lines in Postgres, since the sanity order
    let dbUnits = null;
    try {
      dbUnits = { table: 'order_line', units: (await lineUnits(schema)) - side.unitsBefore };
      if (dbUnits.units !== unitsOrdered) bad.push(`table order_line gained ${dbUnits.units} units; the 201 answers hold ${unitsOrdered}`);
    } catch (err) {
      bad.push(`could not read the order lines: ${err.message}`);
    }
    verify[label] = { orders: side.orders, unitsOrdered, taken, negative, oversold, scarceSold, scarceStock: SCARCE_PRODUCTS * SCARCE_STOCK, refusals: side.refusals, dbUnits, problems: bad };
    const v = verify[label];
    log(
      `checkout check (${label}, schema ${schema}): ${fmt(v.orders)} orders, ${fmt(unitsOrdered)} units ordered, ${fmt(taken)} units of stock taken, ` +
        `${negative} products below 0, ${oversold} units oversold, scarce ${scarceSold}/${v.scarceStock} sold; refusals ${JSON.stringify(v.refusals)}` +
        (dbUnits ? `; order_line: ${dbUnits.units} units` : ''),
    );
    for (const p of bad.slice(0, 10)) log(`  PROBLEM (${label}): ${p}`);
  }
  return { ...res, verify };
}

// ---------------------------------------------------------------------------------------------
// Report

function report(r) {
  const { add, view, checkout: co } = r.scenarios; // undefined: not run (--only); checkout null: no route
  const pf = (ok) => (ok ? 'PASS' : 'FAIL');
  const x2 = (n) => `${n.toFixed(2)}×`;
  const errs = (s) => {
    const parts = Object.entries(s.codes)
      .filter(([c]) => !c.startsWith('2'))
      .map(([c, n]) => `${fmt(n)}×${c}`);
    if (s.errors) parts.push(`${s.errors} errors`);
    if (s.timeouts) parts.push(`${s.timeouts} timeouts`);
    return parts.join(', ') || '0';
  };
  const CL = 'app on Redis Cluster';
  const rows = []; // [scenario, server, {best, rounds}]
  if (add) {
    rows.push(['add-to-cart', 'app', add.targets.app], ['add-to-cart', 'baseline', add.targets.baseline]);
    if (add.targets['app (cluster)']) rows.push(['add-to-cart', CL, add.targets['app (cluster)']]);
  }
  if (view) {
    rows.push(['cart view, 1 line', 'app', view.targets['1 line']], ['cart view, 100 lines', 'app', view.targets['100 lines']]);
    if (view.targets['baseline 1 line']) rows.push(['cart view, 1 line', 'baseline', view.targets['baseline 1 line']], ['cart view, 100 lines', 'baseline', view.targets['baseline 100 lines']]);
    if (view.targets['1 line (cluster)']) rows.push(['cart view, 1 line', CL, view.targets['1 line (cluster)']], ['cart view, 100 lines', CL, view.targets['100 lines (cluster)']]);
  }
  if (co) rows.push(['checkout (1-3 lines)', 'app', co.targets.app], ['checkout (1-3 lines)', 'baseline', co.targets.baseline]);

  // --- targets (issue 14)
  const T = ['| target | measured | result |', '|---|---|---|'];
  const ratios = {};
  const notRun = (what) => T.push(`| ${what} | not run (--only) | - |`);
  const notMeasured = (what, sc) => T.push(`| ${what} | not measured (disturbed: ${refusedSummary(sc)}) | NOT MEASURED |`);
  const addWhat = `add-to-cart, in every round: req/s >= ${TARGETS.addRps}× and p99 <= ${TARGETS.addP99}× the baseline's (round i of each)`;
  let addRounds = '';
  if (add?.disturbed) notMeasured(addWhat, add);
  else if (add) {
    const [A, B] = [add.targets.app.rounds, add.targets.baseline.rounds];
    const per = A.map((a, i) => {
      const rps = a.rps / B[i].rps;
      const p99 = a.p99 / Math.max(B[i].p99, 1);
      return { rps, p99, ok: rps >= TARGETS.addRps && p99 <= TARGETS.addP99 };
    });
    ratios.addRounds = per;
    const okN = per.filter((x) => x.ok).length;
    T.push(`| ${addWhat} | ${okN} of ${OPT.rounds} rounds: ${per.map((x, i) => `r${i + 1} ${x2(x.rps)} req/s, ${x2(x.p99)} p99${x.ok ? '' : ' (miss)'}`).join('; ')} | ${pf(okN === OPT.rounds)} |`);
    const AR = ['| round | app req/s | baseline req/s | app / baseline | app p99 ms | baseline p99 ms | app / baseline | both within |', '|---:|---:|---:|---:|---:|---:|---:|---|'];
    per.forEach((x, i) => AR.push(`| ${i + 1} | ${fmt(A[i].rps)} | ${fmt(B[i].rps)} | ${x2(x.rps)} | ${A[i].p99} | ${B[i].p99} | ${x2(x.p99)} | ${x.ok ? 'yes' : 'no'} |`));
    addRounds = AR.join('\n');
  } else notRun(addWhat);
  const viewWhat = `a 100-line view costs <= ${TARGETS.viewCost}× a 1-line view (1-line req/s / 100-line req/s, best rounds)`;
  if (view?.disturbed) notMeasured(viewWhat, view);
  else if (view) {
    const [t1, t100] = [view.targets['1 line'], view.targets['100 lines']];
    ratios.viewCost = t1.best.rps / t100.best.rps;
    const per = t1.rounds.map((x, i) => x2(x.rps / t100.rounds[i].rps)).join(', ');
    const [b1, b100] = [view.targets['baseline 1 line'], view.targets['baseline 100 lines']];
    ratios.baselineViewCost = b1 ? b1.best.rps / b100.best.rps : null;
    const floor = b1
      ? `; the baseline's (the least work of a view): ${x2(ratios.baselineViewCost)} (${fmt(b1.best.rps)} / ${fmt(b100.best.rps)} req/s), per round ${b1.rounds.map((x, i) => x2(x.rps / b100.rounds[i].rps)).join(', ')}; the app's 100-line view keeps ${x2(t100.best.rps / b100.best.rps)} of the baseline's req/s`
      : '';
    T.push(`| ${viewWhat} | ${x2(ratios.viewCost)} (${fmt(t1.best.rps)} / ${fmt(t100.best.rps)} req/s); per round ${per}${floor} | ${pf(ratios.viewCost <= TARGETS.viewCost)} |`);
  } else notRun(viewWhat);
  const coWhat = `checkout orders/s >= ${TARGETS.checkoutOrders}× the checkout baseline's (best rounds)`;
  if (co?.disturbed) notMeasured(coWhat, co);
  else if (co) {
    const [a, b] = [co.targets.app, co.targets.baseline];
    ratios.checkoutOrders = a.best.ordersPerSec / b.best.ordersPerSec;
    const per = a.rounds.map((x, i) => x2(x.ordersPerSec / b.rounds[i].ordersPerSec)).join(', ');
    T.push(`| ${coWhat} | ${x2(ratios.checkoutOrders)} (${fmt(a.best.ordersPerSec)} / ${fmt(b.best.ordersPerSec)} orders/s); per round ${per} | ${pf(ratios.checkoutOrders >= TARGETS.checkoutOrders)} |`);
  }
  if (co) {
    // checked whatever the other load: it is about correctness, not speed
    for (const label of ['app', 'baseline']) {
      const v = co.verify[label];
      const ok = v.negative === 0 && v.oversold === 0 && v.taken === v.unitsOrdered && v.problems.length === 0;
      T.push(`| checkout, ${label}: 0 oversold, stock taken = units ordered | ${v.oversold} oversold, ${v.negative} below 0, ${fmt(v.taken)} taken / ${fmt(v.unitsOrdered)} ordered${v.problems.length ? `, ${v.problems.length} problems` : ''} | ${pf(ok)} |`);
    }
  } else if (co === null) T.push(`| ${coWhat}, 0 oversold | not measured: \`POST /api/carts/:sid/checkout\` does not exist | SKIPPED |`);
  else notRun(`${coWhat}, 0 oversold`);
  T.push(`| app peak RSS under load <= ${TARGETS.rssMb} MB | ${r.rss.loadPeakMb.toFixed(1)} MB | ${pf(r.rss.loadPeakMb <= TARGETS.rssMb)} |`);

  // --- the cluster against the single node (issue 11): informational
  const C = ['| scenario | single node req/s | cluster req/s | cluster / node | single node p99 ms | cluster p99 ms | cluster / node | req/s cluster / node, per round |', '|---|---:|---:|---:|---:|---:|---:|---|'];
  const clusterPairs = [];
  if (add?.targets['app (cluster)']) clusterPairs.push(['add-to-cart', add, add.targets.app, add.targets['app (cluster)']]);
  if (view?.targets['1 line (cluster)']) {
    clusterPairs.push(['cart view, 1 line', view, view.targets['1 line'], view.targets['1 line (cluster)']]);
    clusterPairs.push(['cart view, 100 lines', view, view.targets['100 lines'], view.targets['100 lines (cluster)']]);
  }
  for (const [name, sc, a, c] of clusterPairs) {
    if (sc.disturbed) {
      C.push(`| ${name} | not measured (disturbed: ${refusedSummary(sc)}) | | | | | | |`);
      continue;
    }
    const per = a.rounds.map((x, i) => x2(c.rounds[i].rps / x.rps)).join(', ');
    C.push(`| ${name} | ${fmt(a.best.rps)} | ${fmt(c.best.rps)} | ${x2(c.best.rps / a.best.rps)} | ${a.best.p99} | ${c.best.p99} | ${x2(c.best.p99 / Math.max(a.best.p99, 1))} | ${per} |`);
  }
  const clusterTable = clusterPairs.length ? C.join('\n') : null;

  // --- best rounds, and every round
  const rate = (x) => `${fmt(x.rps)}${x.ordersPerSec !== undefined ? ` (${fmt(x.ordersPerSec)} orders/s)` : ''}`;
  const cpu = (x) => (x.cpuMsPerReq === undefined ? 'n/a' : `${x.cpuMsPerReq.toFixed(2)} (${x.cpuCores.toFixed(2)})`);
  const L = ['| scenario | server | req/s | p50 ms | p99 ms | server CPU ms/req (cores busy) | non-2xx / errors |', '|---|---|---:|---:|---:|---:|---|'];
  for (const [s, t, { best: x }] of rows) L.push(x ? `| ${s} | ${t} | ${rate(x)} | ${x.p50} | ${x.p99} | ${cpu(x)} | ${errs(x)} |` : `| ${s} | ${t} | not measured (disturbed) | | | | |`);
  const R = ['| scenario | server | round | s | requests | req/s | p50 ms | p99 ms | CPU ms/req | app RSS MB | other load (cores) | status codes |', '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|'];
  const roundRow = (s, t, round, x) =>
    `| ${s} | ${t} | ${round} | ${x.duration} | ${fmt(x.total)} | ${rate(x)} | ${x.p50} | ${x.p99} | ${x.cpuMsPerReq === undefined ? 'n/a' : x.cpuMsPerReq.toFixed(2)} | ${x.rssMb === undefined ? '' : x.rssMb.toFixed(0)} | ${x.otherCores == null ? 'n/a' : x.otherCores.toFixed(2)} | ${Object.entries(x.codes).map(([c, n]) => `${c}: ${fmt(n)}`).join(', ')}${x.errors ? `, ${x.errors} errors` : ''} |`;
  for (const [s, t, { rounds }] of rows) rounds.forEach((x, i) => R.push(roundRow(s, t, i + 1, x)));
  // refused rounds: every run they got to, marked, in All rounds too
  const names = { add: 'add-to-cart', view: 'cart view', checkout: 'checkout (1-3 lines)' };
  const server = { app: 'app', baseline: 'baseline', 'app (cluster)': CL, '1 line': 'app, 1 line', '100 lines': 'app, 100 lines', '1 line (cluster)': `${CL}, 1 line`, '100 lines (cluster)': `${CL}, 100 lines`, 'baseline 1 line': 'baseline, 1 line', 'baseline 100 lines': 'baseline, 100 lines' };
  const F = [];
  for (const [key, sc] of Object.entries(r.scenarios)) {
    for (const f of sc?.refused || []) {
      const last = f.runs[f.runs.length - 1].s; // the run that was refused
      F.push(`- ${names[key]}, round ${f.round}, try ${f.attempt}: other load ${f.otherCores.toFixed(2)} cores (${f.runs.map(({ label, s: x }) => `${server[label] || label} ${x.otherCores == null ? 'n/a' : x.otherCores.toFixed(2)}`).join(', ')})${last.otherTop ? `; biggest: ${last.otherTop}` : ''}`);
      for (const { label, s: x } of f.runs) R.push(roundRow(names[key], server[label] || label, `${f.round}, refused (try ${f.attempt})`, x));
    }
  }
  const disturbed = Object.entries(r.scenarios).filter(([, sc]) => sc?.disturbed).map(([k]) => names[k]);
  return { table: L.join('\n'), targets: T.join('\n'), addRounds, clusterTable, roundsTable: R.join('\n'), refusedList: F.join('\n'), ratios, disturbed };
}

function refusedSummary(sc) {
  const worst = Math.max(...sc.refused.map((f) => f.otherCores));
  return `${sc.refused.length} round(s) refused, other load up to ${worst.toFixed(2)} cores`;
}

function markdown(r, rep) {
  const m = r.machine;
  const { add, view, checkout: co } = r.scenarios;
  const cl = m.cluster;
  const ran = (sc) => (sc === undefined ? ' (not run: --only)' : '');
  const lines = [
    '# Benchmark results',
    '',
    `Produced by \`npm run bench\` (bench/run.js) on ${m.date}. Absolute numbers depend on the machine; the targets are ratios`,
    'between servers measured in the same run, side by side, except the RSS.',
    '',
    `- Machine: **${m.cores} cores** (${m.cpu}), ${m.memGb.toFixed(1)} GB RAM, ${m.os}; 1-min load average ${m.loadBefore.toFixed(2)} at the start, ${m.loadAfter.toFixed(2)} at the end (including the bench's own load)`,
    `- Node ${m.node}; PostgreSQL ${m.postgres}; Redis ${m.redis}; everything (apps, baseline, Postgres, Redis, the cluster, autocannon) on this one machine`,
    `- autocannon: ${OPT.connections} connections, no pipelining; per scenario a ${OPT.warmup} s warm-up per server, then ${OPT.rounds} measured rounds of ${OPT.duration} s (checkout: ${fmt(OPT.checkoutCarts)} carts per server and round), the servers alternating within each round (round i of every server ran back to back); the best round is reported, except where a target says every round (all rounds below)`,
    `- Honest rounds: *other load* is the CPU used during a run by processes that are not the bench's: not this script (autocannon runs in it), the apps or the baseline; not the Postgres server's own processes or the backends of the bench's connections (every one has application_name \`bench_<run>\`), but yes the backends of other clients (a test suite's); not the redis-server processes on the ports the bench uses (the single node's and the cluster's), but yes other redis-servers. A Redis server shared with other clients cannot be split and counts as the bench's. CPU time the hypervisor gave to other machines (steal, /proc/stat) counts as other load too. A round in which any run had more than **${OPT.maxOtherLoad} cores** of other load is refused: discarded (listed below) and run again with fresh sids or carts, up to ${OPT.roundRetries} more times. A scenario that cannot get ${OPT.rounds} clean rounds is *not measured (disturbed)*: its targets never PASS.`,
    `- App: \`${m.appCommand}\` (the node flags of \`npm start\`), built from this checkout; LOG_LEVEL=warn, NODE_ENV=production, RATE_LIMIT_PER_MINUTE=0, a pg pool of ${POOL_SIZE} (the baseline too)`,
    cl
      ? `- App on a Redis Cluster (issue 11): a second process of the same build and flags, on the same schema (so the same catalogue), its own key prefix, \`REDIS_CLUSTER_NODES=${cl.nodes.join(',')}\`: ${cl.private ? `a private cluster started for the run (3 masters + 3 replicas, ${cl.persistence}), stopped and removed at the end` : `the running cluster that answered (${cl.persistence}; its keys deleted at the end with a SCAN on every master)`}. It runs during add-to-cart and the views only (stopped before checkout).`
      : `- App on a Redis Cluster (issue 11): not run (${OPT.cluster ? '--only' : '--no-cluster'})`,
    `- Catalogue: ${PRODUCTS} products, stock ${fmt(STOCK)} each, prices with cents`,
    `- add-to-cart${ran(add)}: \`POST /api/updatecart {sid, pid}\`, sid drawn from ${fmt(SID_POOL)} (a fresh set per round and try, so carts start empty), pid random; on the app, the baseline and the app on the cluster`,
    `- cart view${ran(view)}: \`GET /api/viewcart/:sid\` over ${VIEW_CARTS} carts of 1 line and ${VIEW_CARTS} carts of 100 lines (all lines ok), the same carts on the app, the app on the cluster and the baseline`,
    co
      ? `- checkout: \`POST /api/carts/:sid/checkout\` on carts of 1-3 lines (1-2 units each) prepared in advance (${CHECKOUT_WARMUP_CARTS} warm-up carts, then ${fmt(OPT.checkoutCarts)} per round), on the app and on the baseline, each with its own carts and stock: the same mix (the same sids, lines and quantities, from a generator seeded by the round), ${SCARCE_SHARE * 100}% of the carts also holding one unit of one of ${SCARCE_PRODUCTS} scarce products (stock ${SCARCE_STOCK} each on each side), so checkouts race for stock and some are refused (409). orders/s counts 201s. Afterwards Postgres is checked on each side: stock taken = units in the 201 answers = units in \`order_line\`, none oversold.`
      : co === null
        ? '- checkout: skipped, `POST /api/carts/:sid/checkout` answers 404 `route_not_found`'
        : '- checkout: not run (--only)',
    '- Baseline (bench/baseline.js): bare `node:http` + ioredis + pg. *add-to-cart*: parse the JSON body, one SQL read of the stock, one Lua script (check against the stock, HINCRBY, EXPIRE, return the hash), one SQL read of the cart\'s products (`WHERE id = ANY($1)`), the same cart view JSON. It leaves out what the app\'s add-to-cart also does: the price shown kept with each line (`<qty>@<cents>`), the 500-line and money limits, the catalogue cache (it reads Postgres instead). *cart view*, the least work of one: one `HGETALL`, the products from a map in the process (kept 1 s like the app\'s memory tier; the missing ones in one SQL read), the same view JSON (no seen prices, coupon, notices or validation pipeline). *checkout*, the essential work of the app\'s (src/orders/, StockService): `BEGIN` (read committed); `SELECT pg_advisory_xact_lock(hashtextextended(\'cart:<sid>\', 0))` (the app\'s per-cart lock); `HGETALL` of the cart; `SELECT id, name, price_cents, quantity FROM product WHERE id = ANY($1) ORDER BY id FOR UPDATE`; every line checked against the locked stock (409 `cart_not_purchasable`); `UPDATE product p SET quantity = p.quantity - t.quantity ... FROM unnest($1, $2) t WHERE p.id = t.id AND p.quantity >= t.quantity` (all lines or 409); the order and its lines in the app\'s one `WITH placed AS (INSERT INTO orders ...) INSERT INTO order_line ...`; `COMMIT`; then the bought lines out of the cart (the app\'s Lua: HDEL, EXPIRE); 201 with the order JSON. It leaves out what is not the essential work: lock_timeout around the lock, the pending-clears read, Idempotency-Key, expectedTotal, coupons, the money limit, the catalogue cache invalidation and marking the order\'s cart cleared.',
    `- The baseline's data: its own schema (\`bench_<run>_base\`), created by the app's own migrations (the same tables, constraints, indexes and foreign keys) and holding a copy of the app's catalogue (the same ids, names, prices and stock, the scarce products included), so that its checkouts take their own stock and write their own orders; its carts under its own key prefix on the same Redis (the checkout carts written straight into Redis in the app's layout, \`<pid>\` = \`<quantity>@<price>\`). A sanity check first places the same cart on both and compares the orders.`,
    '',
    '## Results',
    '',
    ...(rep.disturbed.length
      ? [`**Disturbed run**: ${rep.disturbed.join(', ')} could not get ${OPT.rounds} rounds in which other processes stayed at or below ${OPT.maxOtherLoad} cores; their targets are not measured.`, '']
      : [`Every measured round had other processes at or below ${OPT.maxOtherLoad} cores${rep.refusedList ? ' (the refused rounds below were run again)' : '; no round was refused'}.`, '']),
    ...(rep.refusedList ? ['Refused rounds (other load above the limit; discarded and run again):', '', rep.refusedList, ''] : []),
    rep.table,
    '',
    '*server CPU ms/req*: CPU time (user + system) the server process used during the round, per request; *cores busy*: that CPU time over the round\'s length. Postgres, Redis and autocannon run on the same cores. *other load* (all rounds): see above.',
    '',
    `Peak RSS of the app: **${r.rss.loadPeakMb.toFixed(1)} MB** under load (${r.rss.peakMb.toFixed(1)} MB over the whole run), sampled every 200 ms${r.clusterRss ? `; of the app on the cluster: ${r.clusterRss.loadPeakMb.toFixed(1)} MB under load` : ''}.`,
    '',
    '## Targets (issue 14)',
    '',
    rep.targets,
    '',
  ];
  if (rep.addRounds) lines.push('add-to-cart, round by round (round i of the app against round i of the baseline, run back to back):', '', rep.addRounds, '');
  lines.push('## Redis Cluster (issue 11)', '');
  if (rep.clusterTable) {
    lines.push('The app on the Redis Cluster against the app on the single Redis node, same run, best rounds (informational, no target):', '', rep.clusterTable, '');
  } else lines.push(`Not run (${!OPT.cluster ? '--no-cluster' : '--only without add or view'}).`, '');
  if (co) {
    lines.push('## Checkout check (Postgres, after all rounds, refused rounds included)', '');
    for (const label of ['app', 'baseline']) {
      const v = co.verify[label];
      lines.push(`- ${label}: ${fmt(v.orders)} orders placed (201), ${fmt(v.unitsOrdered)} units; stock taken: ${fmt(v.taken)} units; products below 0: ${v.negative}; oversold units: ${v.oversold}`);
      lines.push(`  scarce products: ${v.scarceSold} of ${v.scarceStock} units sold; refusals: ${Object.entries(v.refusals).map(([k, n]) => `${fmt(n)}× ${k}`).join(', ') || 'none'}${v.dbUnits ? `; table \`${v.dbUnits.table}\` gained ${fmt(v.dbUnits.units)} units` : ''}`);
      for (const p of v.problems) lines.push(`  PROBLEM: ${p}`);
    }
    lines.push('');
  }
  lines.push('## All rounds', '', rep.roundsTable, '', `The run took ${Math.round(r.elapsed)} s${m.buildSeconds ? `, of which ${Math.round(m.buildSeconds)} s building` : ''}.`, '');
  return lines.join('\n');
}

main()
  .then(async (r) => {
    const rep = report(r);
    console.log(`\n${rep.table}\n\nPeak RSS under load: ${r.rss.loadPeakMb.toFixed(1)} MB${r.clusterRss ? ` (the app on the cluster: ${r.clusterRss.loadPeakMb.toFixed(1)} MB)` : ''}\n\nTargets (issue 14):\n${rep.targets}\n`);
    if (rep.addRounds) console.log(`add-to-cart, round by round:\n${rep.addRounds}\n`);
    if (rep.clusterTable) console.log(`Redis Cluster against the single node (issue 11, informational):\n${rep.clusterTable}\n`);
    if (rep.refusedList) console.log(`Refused rounds (other load above ${OPT.maxOtherLoad} cores; run again):\n${rep.refusedList}\n`);
    if (rep.disturbed.length) console.log(`WARNING: ${rep.disturbed.join(', ')}: not measured (disturbed); rerun on a quiet machine.\n`);
    if (OPT.out) {
      fs.writeFileSync(OPT.out, markdown(r, rep));
      log(`wrote ${path.relative(process.cwd(), OPT.out) || OPT.out}`);
    }
    await cleanup();
    process.exit(0);
  })
  .catch(async (err) => {
    if (interrupted) return cleanup().finally(() => process.exit(130)); // what failed was cut short by the signal
    console.error(`\nbench failed: ${err && err.stack ? err.stack : err}`);
    await cleanup().catch((e) => console.error(`cleanup failed: ${e.message}`));
    process.exit(1);
  });
