import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { Logger as PinoNestLogger, PinoLogger } from 'nestjs-pino';
import pino from 'pino';
import { pinoHttp, type HttpLogger, type Options as PinoHttpOptions } from 'pino-http';
// nestjs-pino's request context: its Logger writes through the logger stored here
import { storage, Store } from 'nestjs-pino/storage';
import { isOutage } from './request-context';

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

/** The client's X-Request-Id when it is valid, else a fresh UUID; echoed on the response. */
export function requestIdFor(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

/** The route pattern Express matched (`/api/carts/:sid/items`), or null when no route handled the request. */
export function routePattern(req: IncomingMessage): string | null {
  const route = (req as Request).route as { path?: unknown } | undefined;
  return typeof route?.path === 'string' ? route.path : null;
}

/** Probes and scrapes log at debug: an orchestrator calls them every few seconds. */
const QUIET_ROUTES = new Set(['/health', '/health/ready', '/metrics']);

/**
 * One line per request, when it ends: method, route pattern, status, duration, request id,
 * instance; a 5xx at error level with the error and its cause. No URL query, headers or bodies
 * (they carry sids, login codes, tokens and keys).
 */
export function httpLogger(root: pino.Logger): HttpLogger {
  const fields = (req: IncomingMessage, res: ServerResponse, durationMs: number) => {
    const route = routePattern(req);
    return {
      method: req.method,
      route: route ?? 'unmatched',
      // a request no route handled: its path (never the query) says what was asked for
      ...(route ? {} : { path: (req.url ?? '').split('?')[0].slice(0, 200) }),
      status: res.statusCode,
      durationMs,
    };
  };
  const options: PinoHttpOptions = {
    logger: root,
    // our error serializer as it is (pino-http would otherwise put its own in front); req and res are never logged
    wrapSerializers: false,
    serializers: { err: serializeError },
    genReqId: requestIdFor,
    quietReqLogger: true,
    quietResLogger: true,
    customAttributeKeys: { reqId: 'requestId', responseTime: 'durationMs' },
    customLogLevel: (req, res, err) => {
      if (isOutage(res)) return 'warn'; // an outage (the filter logs it once a second) or a deliberate 5xx such as login_disabled
      if (err || res.statusCode >= 500) return 'error';
      return QUIET_ROUTES.has(routePattern(req) ?? '') ? 'debug' : 'info';
    },
    customSuccessMessage: () => 'request completed',
    customErrorMessage: () => 'request failed',
    customSuccessObject: (req, res, val: { durationMs: number }) => fields(req, res, val.durationMs),
    customErrorObject: (req, res, err, val: { durationMs: number }) => ({
      ...fields(req, res, val.durationMs),
      // only a real error, not pino-http's stand-in for a bare 5xx status
      ...(/^failed with status code/.test(err.message) ? {} : { err }),
    }),
  };
  return pinoHttp(options);
}

/**
 * Runs the rest of the request with its pino-http logger (and so its requestId) as the logger of
 * every Nest `Logger` call. Installed after the body parsers: a listener on the request stream would
 * otherwise run outside this context.
 */
export function bindRequestLogger() {
  return (req: Request, _res: unknown, next: () => void): void => {
    const log = (req as Request & { log?: pino.Logger }).log;
    if (log) storage.run(new Store(log), next);
    else next();
  };
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
