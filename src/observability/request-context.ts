import type { ServerResponse } from 'node:http';
import { DomainError } from '../common/errors/domain-error';

/**
 * What the exception filter and the response interceptor leave on a response for the request log
 * and the metrics, which read it when the response is sent. Tolerates responses without `locals`
 * or `req` (the filter's unit tests use bare fakes).
 */
interface Noted {
  locals?: Record<string, unknown>;
  req?: { id?: unknown };
  /** Read by pino-http: the request log line of a 5xx carries this error and its cause. */
  err?: unknown;
}

const ERROR_CODE = 'cartwheelErrorCode';
const ERROR = 'cartwheelError';
const OUTAGE = 'cartwheelOutage';
const BODY = 'cartwheelBody';

/** The request's id (X-Request-Id, accepted or generated), when the request logger has run. */
export function requestIdOf(res: unknown): string | undefined {
  const id = (res as Noted | undefined)?.req?.id;
  return typeof id === 'string' ? id : undefined;
}

/**
 * The filter's note: the error code it answered with, and the exception behind a 5xx. An `outage`
 * (a 503 because Redis or Postgres is down: the filter logs those itself, once a second per kind)
 * keeps its request's log line at warn, without the error, so an outage does not flood the log.
 */
export function noteError(res: unknown, code: string, status: number, exception: unknown, outage = false): void {
  const r = res as Noted;
  // a 5xx we answer on purpose (login_disabled, login_failed, not_ready) is no bug: warn, no stack
  const quiet = outage || exception instanceof DomainError;
  if (r.locals) {
    r.locals[ERROR_CODE] = code;
    r.locals[ERROR] = exception;
    r.locals[OUTAGE] = quiet;
  }
  if (status >= 500 && exception instanceof Error && !quiet) r.err = exception;
}

/** Whether the request failed for a dependency outage or a deliberate 5xx (see noteError): its line is a warning. */
export function isOutage(res: ServerResponse): boolean {
  return (res as Noted).locals?.[OUTAGE] === true;
}

export function responseErrorOf(res: ServerResponse): { code?: string; error?: unknown } {
  const locals = (res as Noted).locals ?? {};
  return { code: locals[ERROR_CODE] as string | undefined, error: locals[ERROR] };
}

export function noteBody(res: unknown, body: unknown): void {
  const r = res as Noted;
  if (r.locals) r.locals[BODY] = body;
}

export function responseBodyOf(res: ServerResponse): unknown {
  return (res as Noted).locals?.[BODY];
}
