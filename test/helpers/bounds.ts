/**
 * The fail-fast bounds for the suites that are not about faults: a CI machine running the suites
 * side by side (and a shared Redis) stalls for longer than production should, and a Redis command
 * timing out there is not what those suites test. The fault suites set the production values.
 */
export const TOLERANT_BOUNDS = { REDIS_COMMAND_TIMEOUT_MS: '2000', DATABASE_POOL_TIMEOUT_MS: '5000' };
