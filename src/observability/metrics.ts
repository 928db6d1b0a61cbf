import { Injectable } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { asUnavailable } from '../common/errors/unavailable';
import { routePattern } from './logging';
import { onRefusal } from '../common/http/refusals';
import { responseBodyOf, responseErrorOf } from './request-context';

/** Pool figures as pg's Pool reports them. */
export interface PoolStats {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/** Routes whose outcome is a cart line change: `METHOD pattern`. */
const LINE_CHANGE_ROUTES = new Set([
  'POST /api/updatecart',
  'POST /api/carts/:sid/items',
  'PUT /api/carts/:sid/items/:pid',
  'DELETE /api/carts/:sid/items/:pid',
]);
const CHECKOUT_ROUTE = 'POST /api/carts/:sid/checkout';
const LINE_REFUSALS = new Set(['out_of_stock', 'cart_full', 'cart_total_too_large']);

/** Checkout outcomes known in advance, so each series exists (at 0) from the first scrape. */
const CHECKOUT_OUTCOMES = ['placed', 'replayed', 'cart_empty', 'cart_not_purchasable', 'coupon_not_applicable', 'total_changed', 'cart_total_too_large', 'checkout_in_progress', 'idempotency_key_reused', 'validation_failed', 'rate_limited'];

/**
 * The Prometheus metrics of one app: its own registry (several apps may share a process in the
 * tests). The domain counters are derived from each request's route, status, error code and
 * response body, outside the services: see `observe`.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern (unmatched: no route handled it) and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly cartLineChanges = new Counter({
    name: 'cartwheel_cart_line_changes_total',
    help: 'Cart line changes (add, set, remove) by outcome: ok, or the refusal: out_of_stock, cart_full, cart_total_too_large',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly checkouts = new Counter({
    name: 'cartwheel_checkouts_total',
    help: 'Checkouts by outcome: placed, replayed (same Idempotency-Key), or the refusal code',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly couponRedemptions = new Counter({
    name: 'cartwheel_coupon_redemptions_total',
    help: 'Orders placed with a coupon that took something off (each counts one redemption)',
    registers: [this.registry],
  });

  readonly redisErrors = new Counter({
    name: 'cartwheel_redis_errors_total',
    help: 'Redis errors by kind: connection errors the client reported, and failed requests',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly postgresErrors = new Counter({
    name: 'cartwheel_postgres_errors_total',
    help: 'Postgres errors by kind (SQLSTATE, or the connection error code) that failed a request or an idle pooled connection',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  private pool: PoolStats | null = null;
  private poolMax = 0;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    for (const outcome of ['ok', ...LINE_REFUSALS]) this.cartLineChanges.inc({ outcome }, 0);
    for (const outcome of CHECKOUT_OUTCOMES) this.checkouts.inc({ outcome }, 0);
    this.couponRedemptions.inc(0);
    const pool = () => this.pool;
    new Gauge({
      name: 'cartwheel_db_pool_connections_in_use',
      help: 'Postgres pool connections running a query or a transaction',
      registers: [this.registry],
      collect() {
        const p = pool();
        this.set(p ? p.totalCount - p.idleCount : 0);
      },
    });
    new Gauge({
      name: 'cartwheel_db_pool_waiting',
      help: 'Requests waiting for a Postgres pool connection',
      registers: [this.registry],
      collect() {
        this.set(pool()?.waitingCount ?? 0);
      },
    });
    const max = () => this.poolMax;
    new Gauge({
      name: 'cartwheel_db_pool_max',
      help: 'Size of the Postgres pool (DATABASE_POOL_SIZE; 1 for the embedded database)',
      registers: [this.registry],
      collect() {
        this.set(max());
      },
    });
  }

  watchPool(pool: PoolStats, max: number): void {
    this.pool = pool;
    this.poolMax = max;
  }

  /** Counts a finished request: its duration, and what it did to carts, checkouts and coupons. */
  observe(req: FastifyRequest, res: FastifyReply, seconds: number): void {
    const route = routePattern(req);
    const method = req.method;
    const status = res.statusCode;
    this.httpDuration.observe({ method, route: route ?? 'unmatched', status_code: String(status) }, seconds);
    if (!route) return;
    const { code, error } = responseErrorOf(res);
    const key = `${method} ${route}`;
    if (LINE_CHANGE_ROUTES.has(key)) {
      if (status === 200) this.cartLineChanges.inc({ outcome: 'ok' });
      else if (status >= 400 && code && LINE_REFUSALS.has(code)) this.cartLineChanges.inc({ outcome: code });
    } else if (key === CHECKOUT_ROUTE) {
      if (status === 201) {
        this.checkouts.inc({ outcome: 'placed' });
        const order = responseBodyOf(res) as { coupon?: unknown } | undefined;
        if (order?.coupon) this.couponRedemptions.inc();
      } else if (status === 200) {
        this.checkouts.inc({ outcome: 'replayed' });
      } else if (status >= 400) {
        this.checkouts.inc({ outcome: code ?? `http_${status}` });
      }
    }
    if (status >= 500 && error !== undefined) this.countDependencyError(error);
  }

  /** A request's failure that came from Redis or Postgres, by kind. */
  countDependencyError(error: unknown): void {
    const found = dependencyError(error);
    if (found?.system === 'redis') this.redisErrors.inc({ kind: found.kind });
    if (found?.system === 'postgres') this.postgresErrors.inc({ kind: found.kind });
  }

  /** Observes each request when its response has been sent (a Fastify onResponse hook). */
  observeRequests(fastify: FastifyInstance): void {
    fastify.addHook('onResponse', (request, reply, done) => {
      this.observe(request, reply, reply.elapsedTime / 1000);
      done();
    });
    // answered before any route or hook ran: counted as unmatched
    onRefusal(fastify, ({ method, status, seconds }) => this.httpDuration.observe({ method: method ?? 'unknown', route: 'unmatched', status_code: String(status) }, seconds));
  }
}

const REDIS_ERROR_NAMES = new Set(['ReplyError', 'MaxRetriesPerRequestError', 'AbortError', 'ParserError', 'ClusterAllFailedError', 'RedisError']);
const PG_CONNECTION_MESSAGES = /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i;

/** Which dependency an error came from (by its class and shape), and its kind; null for anything else. */
export function dependencyError(error: unknown): { system: 'redis' | 'postgres'; kind: string } | null {
  // walk the cause chain: a wrapper may carry the driver's error
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const err = e as { name?: string; code?: unknown; message?: string; driverError?: { code?: unknown }; constructor?: { name?: string } };
    const name = err.constructor?.name ?? err.name ?? '';
    if (REDIS_ERROR_NAMES.has(name) || REDIS_ERROR_NAMES.has(err.name ?? '')) return { system: 'redis', kind: name };
    if (name === 'QueryFailedError' || name === 'DatabaseError') {
      const code = err.driverError?.code ?? err.code;
      return { system: 'postgres', kind: typeof code === 'string' ? code : name };
    }
    if (typeof err.message === 'string' && PG_CONNECTION_MESSAGES.test(err.message)) return { system: 'postgres', kind: 'connection' };
    // the rest of what the exception filter answers 503 for (command and query timeouts, socket errors)
    const outage = asUnavailable(err);
    if (outage) {
      const kind = /timed out|timeout/i.test(err.message ?? '') ? 'timeout' : typeof err.code === 'string' ? err.code : 'connection';
      return { system: outage.code === 'cart_store_unavailable' ? 'redis' : 'postgres', kind };
    }
  }
  return null;
}
