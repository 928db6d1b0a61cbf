import { DomainError } from '../common/errors/domain-error';

/**
 * What the exception filter and the checkout route leave on a response (Fastify's
 * reply) for the request log line and the metrics, which read it when the response has been sent.
 * Tolerates bare fakes (the filter's unit tests).
 */
interface Notes {
  /** The error code the filter answered with. */
  code?: string;
  /** The exception behind the answer. */
  error?: unknown;
  /** A dependency outage or a deliberate 5xx: the request's line is a warning, without the error. */
  quiet?: boolean;
  /** The handler's result (the checkout route notes its order). */
  body?: unknown;
}

const NOTES = Symbol('cartwheel.notes');

interface Noted {
  [NOTES]?: Notes;
  request?: { id?: unknown };
}

function notesOf(res: unknown): Notes {
  const r = res as Noted;
  return (r[NOTES] ??= {});
}

/** The request's id (X-Request-Id, accepted or generated). */
export function requestIdOf(res: unknown): string | undefined {
  const id = (res as Noted | undefined)?.request?.id;
  return typeof id === 'string' ? id : undefined;
}

/**
 * The filter's note: the error code it answered with, and the exception behind it. An `outage`
 * (a 503 because Redis or Postgres is down: the filter logs those itself, once a second per kind)
 * keeps its request's log line at warn, without the error, so an outage does not flood the log;
 * so does a 5xx we answer on purpose (login_disabled, login_failed, not_ready): no bug, no stack.
 */
export function noteError(res: unknown, code: string, exception: unknown, outage = false): void {
  const notes = notesOf(res);
  notes.code = code;
  notes.error = exception;
  notes.quiet = outage || exception instanceof DomainError;
}

/** Whether the request failed for a dependency outage or a deliberate 5xx (see noteError): its line is a warning. */
export function isOutage(res: unknown): boolean {
  return (res as Noted)[NOTES]?.quiet === true;
}

export function responseErrorOf(res: unknown): { code?: string; error?: unknown } {
  const notes = (res as Noted)[NOTES];
  return { code: notes?.code, error: notes?.error };
}

export function noteBody(res: unknown, body: unknown): void {
  notesOf(res).body = body;
}

export function responseBodyOf(res: unknown): unknown {
  return (res as Noted)[NOTES]?.body;
}
