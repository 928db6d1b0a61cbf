/** Stops the private Redis Cluster global-setup.ts started, if it started one. */
export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __cartwheelCluster?: { stop(): Promise<void> } }).__cartwheelCluster?.stop();
}
