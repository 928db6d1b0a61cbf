# syntax=docker/dockerfile:1

# Node 24, the current LTS (Node 20 reached end of life on 2026-04-30); the code also runs on Node 20.19+.
ARG NODE_IMAGE=node:24-bookworm-slim

# ---- build: compile TypeScript, then drop dev dependencies ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY nest-cli.json tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

# ---- runtime: production dependencies and compiled code only, as the non-root `node` user ----
FROM ${NODE_IMAGE}
ENV NODE_ENV=production
# migrations run once, in the CMD below, before the app starts
ENV RUN_MIGRATIONS=false
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/package.json ./package.json
# DATA_DIR (default ./data): the embedded Postgres keeps its files here when DATABASE_URL is unset;
# one process at a time across every container that mounts it (a lock refreshed every 2 s)
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
# liveness (GET /health), not readiness: an unhealthy container gets replaced (Swarm, autoheal), and
# a Redis or Postgres outage is no reason for that. Route traffic on GET /health/ready (README).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["node", "dist/healthcheck.js"]
# the heap flags match `npm start` (package.json); see README "Running on real Postgres and Redis"
CMD ["sh", "-c", "node dist/database/migrate.js && exec node --max-old-space-size=400 --max-semi-space-size=16 dist/main.js"]
