import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './app-process';

const run = promisify(execFile);

/** The ports .ci/run starts its cluster on (3 masters + 3 replicas). */
export const CI_CLUSTER_NODES = ['7000', '7001', '7002', '7003', '7004', '7005'].map((p) => `127.0.0.1:${p}`);

export interface LocalCluster {
  /** host:port of every node. */
  nodes: string[];
  /** The node serving `port` as a process of ours (null for a cluster we did not start). */
  processOf(node: string): ChildProcess | undefined;
  stop(): Promise<void>;
}

async function cli(node: string, ...args: string[]): Promise<string> {
  const [host, port] = node.split(':');
  const { stdout } = await run('redis-cli', ['-h', host, '-p', port, ...args], { timeout: 5000 });
  return stdout;
}

/** Whether every node answers and the cluster says its state is ok. */
export async function clusterAnswers(nodes: string[]): Promise<boolean> {
  try {
    const infos = await Promise.all(nodes.map((n) => cli(n, 'cluster', 'info')));
    return infos.every((i) => i.includes('cluster_state:ok'));
  } catch {
    return false;
  }
}

async function waitFor(what: string, ms: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts a private Redis Cluster (3 masters, 3 replicas, no persistence) on free ports in a temporary
 * folder, as child processes of this one, with a short node timeout so failovers are quick.
 */
export async function startLocalCluster(nodeTimeoutMs = 1000): Promise<LocalCluster> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cartwheel-cluster-'));
  const ports: number[] = [];
  while (ports.length < 6) {
    const p = await freePort();
    // the cluster bus listens on port + 10000, which must be free as well
    if (p < 55_000 && !ports.includes(p)) ports.push(p);
  }
  const children = new Map<string, ChildProcess>();
  for (const port of ports) {
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`,
        '--cluster-node-timeout', String(nodeTimeoutMs), '--cluster-replica-validity-factor', '0', '--save', '', '--appendonly', 'no', '--dir', dir],
      { stdio: 'ignore' },
    );
    children.set(`127.0.0.1:${port}`, child);
  }
  const nodes = [...children.keys()];
  const stop = async () => {
    await Promise.all(
      [...children.values()].map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGKILL');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor('the cluster nodes answering', 10_000, async () => (await Promise.all(nodes.map((n) => cli(n, 'ping').catch(() => '')))).every((r) => r.trim() === 'PONG'));
    await run('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '1', '--cluster-yes'], { timeout: 30_000 });
    await waitFor('the cluster state ok', 20_000, () => clusterAnswers(nodes));
    // a replica can take over only once it is replicating
    await waitFor('every replica in sync', 20_000, async () => {
      const roles = await Promise.all(nodes.map((n) => cli(n, 'info', 'replication')));
      const replicas = roles.filter((r) => r.includes('role:slave'));
      return replicas.length === 3 && replicas.every((r) => r.includes('master_link_status:up'));
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { nodes, processOf: (node) => children.get(node), stop };
}
