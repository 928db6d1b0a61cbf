/**
 * `node dist/healthcheck.js`: exits 0 when this container's service answers GET /health (liveness)
 * within 4 s, 1 otherwise. The Dockerfile's HEALTHCHECK; it reads PORT and HOST as the app does (a
 * wildcard or unset HOST is reached on loopback). Plain Node, no app code: it must stay cheap.
 */
const port = process.env.PORT || '3000';
const host = process.env.HOST;
const target = !host || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;

fetch(`http://${target}:${port}/health`, { signal: AbortSignal.timeout(4000) }).then(
  (res) => process.exit(res.ok ? 0 : 1),
  () => process.exit(1),
);
