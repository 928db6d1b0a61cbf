import { CI_CLUSTER_NODES, clusterAnswers, startLocalCluster } from './redis-cluster';

/**
 * The Redis Cluster the cluster suites use: TEST_REDIS_CLUSTER_NODES when it answers, else the one
 * .ci/run starts on 127.0.0.1:7000-7005, else a private one started here for this run (stopped by
 * global-teardown.ts). Workers inherit TEST_REDIS_CLUSTER_NODES. (Not REDIS_CLUSTER_NODES: app
 * processes the suites start inherit the environment, and would all turn to the cluster.)
 */
export default async function globalSetup(): Promise<void> {
  const given = process.env.TEST_REDIS_CLUSTER_NODES?.split(',').filter(Boolean);
  if (given && (await clusterAnswers(given))) return;
  if (await clusterAnswers(CI_CLUSTER_NODES)) {
    process.env.TEST_REDIS_CLUSTER_NODES = CI_CLUSTER_NODES.join(',');
    return;
  }
  const cluster = await startLocalCluster();
  process.env.TEST_REDIS_CLUSTER_NODES = cluster.nodes.join(',');
  (globalThis as { __cartwheelCluster?: { stop(): Promise<void> } }).__cartwheelCluster = cluster;
}
