# syntax=docker/dockerfile:1

# ---- build: compile TypeScript, then drop dev dependencies ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY nest-cli.json tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

# ---- runtime: production dependencies and compiled code only, as the non-root `node` user ----
FROM node:20-bookworm-slim
ENV NODE_ENV=production
# migrations run once, in the CMD below, before the app starts
ENV RUN_MIGRATIONS=false
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/package.json ./package.json
# DATA_DIR (default ./data): the embedded Postgres keeps its files here when DATABASE_URL is unset
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# the heap flags match `npm start` (package.json); see README "Running on real Postgres and Redis"
CMD ["sh", "-c", "node dist/database/migrate.js && exec node --max-old-space-size=400 --max-semi-space-size=32 dist/main.js"]
