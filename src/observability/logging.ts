import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { hostname } from 'node:os';
import { Injectable } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Logger as PinoNestLogger, PinoLogger } from 'nestjs-pino';
import pino from 'pino';
import { onRefusal } from '../common/http/refusals';
import { isOutage, responseErrorOf } from './request-context';

export type LogFormat = 'json' | 'pretty';

export interface LogSettings {
  /** LOG_LEVEL: error, warn, log, debug, verbose or silent. */
  level: string;
  /** LOG_FORMAT; undefined: pretty on a terminal, JSON otherwise. */
  format?: LogFormat;
}

/** Nest's level names as pino's. */
const PINO_LEVEL: Record<string, pino.LevelWithSilent> = { error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace', silent: 'silent' };

/** Never written to a log line, wherever they appear in a logged object. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["x-api-key"]',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'apiKey',
  '*.apiKey',
];

/** Who wrote a line when several instances log to one place: the host (a container's id in Docker) and the process. */
export const INSTANCE = `${hostname()}/${process.pid}`;

/**
 * An error as logged: its class, message, stack, code and cause chain (a TypeORM query error's
 * driver error counts as its cause), and nothing else: no SQL parameters, configs or bodies that
 * errors carry as extra fields.
 */
export function serializeError(err: unknown, depth = 0): unknown {
  if (!(err instanceof Error)) return err;
  const e = err as Error & { code?: unknown; driverError?: unknown };
  const out: Record<string, unknown> = { type: e.constructor?.name ?? e.name, message: e.message, stack: e.stack };
  if (typeof e.code === 'string' || typeof e.code === 'number') out.code = e.code;
  const cause = e.cause ?? e.driverError;
  if (cause !== undefined && depth < 4) out.cause = serializeError(cause, depth + 1);
  return out;
}

/** A line for people: `[Context] message`, a request as `GET /api/products 200 12ms`, and its request id. */
function prettyMessage(log: Record<string, unknown>, messageKey: string): string {
  const id = log.requestId ? ` (request ${String(log.requestId)})` : '';
  if (typeof log.method === 'string' && log.status !== undefined) {
    const target = log.path ? `${String(log.path)} (no route)` : String(log.route);
    return `${log.method} ${target} ${String(log.status)} ${String(log.durationMs)}ms${id}`;
  }
  return `${log.context ? `[${String(log.context)}] ` : ''}${String(log[messageKey])}${id}`;
}

const roots = new Map<string, pino.Logger>();

/**
 * The process's root pino logger for these settings (one per distinct settings, so apps started
 * again in one process, as the tests do, share it). JSON lines on stdout, or pino-pretty for people;
 * colour only when stdout is a terminal, so files and pipes never get ANSI codes.
 */
export function rootLogger(settings: LogSettings): pino.Logger {
  const pretty = settings.format ? settings.format === 'pretty' : process.stdout.isTTY === true;
  const key = `${settings.level}|${pretty}`;
  const existing = roots.get(key);
  if (existing) return existing;
  const options: pino.LoggerOptions = {
    level: PINO_LEVEL[settings.level] ?? 'info',
    base: { instance: INSTANCE },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: { err: serializeError },
  };
  let logger: pino.Logger;
  if (pretty) {
    // loaded only when used: JSON output needs none of it
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pinoPretty = require('pino-pretty') as typeof import('pino-pretty');
    logger = pino(
      options,
      pinoPretty({
        colorize: process.stdout.isTTY === true,
        sync: true,
        translateTime: 'SYS:HH:MM:ss.l',
        singleLine: true,
        ignore: 'instance,context,requestId,method,route,path,status,durationMs',
        messageFormat: prettyMessage,
      }),
    );
  } else {
    logger = pino(options, pino.destination({ dest: 1, sync: true }));
  }
  roots.set(key, logger);
  return logger;
}

/** Accepted from the client: 1-128 of letters, digits and `. _ ~ : / + = -`; anything else is replaced. */
const REQUEST_ID = /^[\w.~:/+=-]{1,128}$/;
export const REQUEST_ID_HEADER = 'X-Request-Id';

/** The request's id (Fastify's genReqId): the client's X-Request-Id when it is valid, else a fresh UUID. */
export function requestIdFor(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** The route pattern Fastify matched (`/api/carts/:sid/items`), or null when no route handled the request. */
export function routePattern(request: FastifyRequest): string | null {
  if (request.is404) return null;
  const url = request.routeOptions.url;
  return typeof url === 'string' ? url : null;
}

/**
 * A path no route matched, for its log line: without the query, up to 200 characters, and with the
 * segment after `carts/` or `viewcart/` as `:sid` (a cart's sid is its key: a typo after it must not
 * put it in the log).
 */
export function loggablePath(url: string): string {
  return url
    .split('?')[0]
    .replace(/\/(carts|viewcart)\/[^/]+/gi, '/$1/:sid')
    .slice(0, 200);
}

/** Probes and scrapes log at debug: an orchestrator calls them every few seconds. */
const QUIET_ROUTES = new Set(['/health', '/health/ready', '/metrics']);

/** A request's line: warn for an outage or a deliberate 5xx, error for another 5xx, debug for probes, else info. */
function requestLevel(reply: FastifyReply, route: string | null): pino.Level {
  if (reply.statusCode >= 500) return isOutage(reply) ? 'warn' : 'error';
  return QUIET_ROUTES.has(route ?? '') ? 'debug' : 'info';
}

/**
 * Request ids and the request log, as Fastify hooks:
 * - every response carries `X-Request-Id` (the accepted or generated id; see createHttpAdapter);
 * - one line per request when it ends: method, route pattern, status, duration, request id,
 *   instance; a 5xx at error level with the error and its cause. No URL query, headers or bodies
 *   (they carry sids, login codes, tokens and keys). Nothing is built for a level that is off.
 */
export function logRequests(fastify: FastifyInstance, root: pino.Logger): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = routePattern(request);
    const level = requestLevel(reply, route);
    if (root.isLevelEnabled(level)) {
      const { error } = responseErrorOf(reply);
      const line: Record<string, unknown> = {
        requestId: request.id,
        method: request.method,
        route: route ?? 'unmatched',
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime),
      };
      // a request no route handled: its path (never the query) says what was asked for
      if (!route) line.path = loggablePath(request.url);
      if (level === 'error' && error instanceof Error) line.err = error;
      root[level](line, reply.statusCode >= 500 ? 'request failed' : 'request completed');
    }
    done();
  });
  // answered before any route or hook ran (a URL the router refuses, a request Node's parser refuses)
  onRefusal(fastify, ({ requestId, method, status, seconds }) => {
    if (root.isLevelEnabled('info')) root.info({ requestId, method: method ?? 'unknown', route: 'unmatched', status, durationMs: Math.round(seconds * 1000) }, 'request completed');
  });
}

/** Contexts whose `log` lines only narrate Nest's own start-up (modules loaded, each route mapped). */
const FRAMEWORK_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

/**
 * Nest's LoggerService over pino (nestjs-pino): a line logged while a request is handled carries its
 * requestId. Nest's start-up narration (one line per module and per route) goes to debug.
 */
@Injectable()
export class AppLogger extends PinoNestLogger {
  static create(root: pino.Logger): AppLogger {
    return new AppLogger(new PinoLogger({ pinoHttp: { logger: root } }), {});
  }

  log(message: unknown, ...optionalParams: unknown[]): void {
    const context = optionalParams[optionalParams.length - 1];
    if (typeof context === 'string' && FRAMEWORK_CONTEXTS.has(context)) return this.debug(message, ...optionalParams);
    super.log(message, ...optionalParams);
  }

  /**
   * Minus Nest's own reports of a failed start (its ExceptionHandler logs the error with the
   * framework's stack, NestApplication a listen error): main.ts reports those in one line.
   */
  error(message: unknown, ...optionalParams: unknown[]): void {
    const context = optionalParams[optionalParams.length - 1];
    if (context === 'ExceptionHandler') return;
    if (context === 'NestApplication' && typeof message === 'string' && message.startsWith('Error: listen ')) return;
    super.error(message, ...optionalParams);
  }
}
