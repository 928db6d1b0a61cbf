// Setup file of the jest project "cluster": the suites it runs talk to the Redis Cluster
// (TEST_REDIS_CLUSTER_NODES, from global-setup.ts) instead of the single node.
process.env.TEST_REDIS_MODE = 'cluster';
