import { HttpStatus } from '@nestjs/common';
import { ReplyError } from 'ioredis';
import { QueryFailedError } from 'typeorm';
import { DomainError } from './domain-error';

/**
 * A dependency (the cart store or the database) cannot serve the request right now. Answered as
 * 503 with `Retry-After`; the driver's message (`reason`) is logged, never sent: it names hosts.
 */
export abstract class DependencyUnavailable extends DomainError {
  constructor(
    code: string,
    message: string,
    /** What the driver said, for the log. */
    readonly reason: string,
    readonly retryAfterSeconds: number,
  ) {
    super(HttpStatus.SERVICE_UNAVAILABLE, code, message);
  }
}

export class CartStoreUnavailable extends DependencyUnavailable {
  constructor(reason: string) {
    super('cart_store_unavailable', 'The cart store is unavailable; retry shortly.', reason, 1);
  }
}

export class DatabaseUnavailable extends DependencyUnavailable {
  constructor(reason: string) {
    super('database_unavailable', 'The database is unavailable; retry shortly.', reason, 2);
  }
}

/** ioredis: the connection is down or slow (offline queue off, command timeout, dropped while in flight). */
const REDIS_MESSAGES = new Set([
  "Stream isn't writeable and enableOfflineQueue options is false",
  'Connection is closed.',
  'Command timed out',
  'Command aborted due to connection close',
]);
/**
 * Redis replies that mean "not now" rather than "wrong request"; MOVED and ASK reach us only when a
 * cluster client ran out of redirections while a failover moved the slot.
 */
const REDIS_BUSY_REPLY = /^(LOADING|BUSY|MASTERDOWN|READONLY|TRYAGAIN|CLUSTERDOWN|MISCONF|OOM|MOVED|ASK) /;
/** ioredis Cluster: no node could take the command, or the cluster is not ready (offline queue off). */
const REDIS_CLUSTER_MESSAGES = /^(Cluster isn't ready|Failed to refresh slots cache|Too many Cluster redirections|None of startup nodes is available)/;

/**
 * Postgres SQLSTATEs: connection exceptions (08), too many connections (53300, 53400), operator
 * intervention and shutdown (57P01-57P03), statement_timeout (57014), idle-in-transaction timeout (25P03).
 */
const PG_CODES = /^(08...|53300|53400|57P0[1-3]|57014|25P03)$/;
/** node-postgres and pg-pool: the connection or the pool wait gave up. */
const PG_MESSAGES = new Set([
  'Connection terminated unexpectedly',
  'Connection terminated',
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'Cannot use a pool after calling end on the pool',
]);
/** Socket errors. With its offline queue off, ioredis never fails a command with these: they are Postgres's. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

function isErrorLike(err: unknown): err is { name?: unknown; message: string; code?: unknown } {
  return typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string';
}

/**
 * The one place that tells a dependency outage from a bug: maps what the Redis and Postgres drivers
 * throw when their server is down, stalled or out of connections to the 503 it means; null for
 * anything else (which stays a 500).
 */
export function asUnavailable(err: unknown): DependencyUnavailable | null {
  if (err instanceof DependencyUnavailable) return err;
  // not `instanceof Error`: errors made by Node's core (sockets) fail that test under Jest
  if (!isErrorLike(err)) return null;
  if (
    REDIS_MESSAGES.has(err.message) ||
    REDIS_CLUSTER_MESSAGES.test(err.message) ||
    err.name === 'MaxRetriesPerRequestError' ||
    (err instanceof ReplyError && REDIS_BUSY_REPLY.test(err.message))
  ) {
    return new CartStoreUnavailable(err.message);
  }
  const wrapped: unknown = err instanceof QueryFailedError ? err.driverError : null;
  const driver = isErrorLike(wrapped) ? wrapped : err;
  const code = typeof driver.code === 'string' ? driver.code : '';
  if (PG_CODES.test(code) || SOCKET_CODES.has(code) || PG_MESSAGES.has(driver.message)) {
    return new DatabaseUnavailable(code && !driver.message.includes(code) ? `${code} ${driver.message}` : driver.message);
  }
  return null;
}
