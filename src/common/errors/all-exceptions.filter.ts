import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ThrottledLog } from '../logging/throttled-log';
import { DomainError } from './domain-error';
import type { ErrorBody } from './error-body';
import { noteError, requestIdOf } from '../../observability/request-context';
import { asUnavailable } from './unavailable';
import { requestError } from '../http/request-errors';

const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable_entity',
  429: 'too_many_requests',
  503: 'service_unavailable',
};

/**
 * Turns every exception into `{statusCode, code, message, details?, requestId}`: a Redis or Postgres
 * outage into a 503 with `Retry-After` (see ./unavailable.ts), anything unknown into a bare 500.
 * Both are logged here at most once per kind per second, with a count of the repeats.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');
  // the request's id goes with the line, as a field (no per-request logging context: see logRequests)
  private readonly log = new ThrottledLog((message, fields) => this.logger.error(fields ? { ...fields, msg: message } : message));

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const error = requestError(exception);
    const requestId = requestIdOf(reply);
    const { body, extra, retryAfterSeconds } = this.toBody(error, requestId);
    // an outage is logged by toBody, once a second: its requests' log lines do not repeat it
    noteError(reply, body.code, error, retryAfterSeconds !== undefined);
    if (reply.sent) return;
    if (retryAfterSeconds !== undefined) reply.header('Retry-After', String(retryAfterSeconds));
    void reply.status(body.statusCode).send({ ...extra, ...body, ...(requestId ? { requestId } : {}) });
  }

  /** The answer to `exception`; an outage or an unknown error is logged (with `requestId`, when given). */
  toBody(exception: unknown, requestId?: string): { body: ErrorBody; extra?: Record<string, unknown>; retryAfterSeconds?: number } {
    const fields = requestId ? { requestId } : undefined;
    const unavailable = asUnavailable(exception);
    if (unavailable) {
      this.log.note(`${unavailable.code} ${unavailable.reason}`, `${unavailable.code}: ${unavailable.reason}`, fields);
      return { body: { statusCode: unavailable.status, code: unavailable.code, message: unavailable.message }, retryAfterSeconds: unavailable.retryAfterSeconds };
    }
    if (exception instanceof DomainError) {
      const body: ErrorBody = { statusCode: exception.status, code: exception.code, message: exception.message };
      if (exception.details !== undefined) body.details = exception.details;
      return { body, extra: exception.extra };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      let message = exception.message;
      let details: unknown;
      if (typeof response === 'object' && response !== null) {
        const r = response as { message?: unknown; details?: unknown };
        if (typeof r.message === 'string') message = r.message;
        else if (Array.isArray(r.message)) message = r.message.join('; ');
        details = r.details;
      }
      let code = CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal_error' : 'bad_request');
      if (status === 404 && /^Cannot [A-Z]+ /.test(message)) {
        code = 'route_not_found';
        message = 'No such route';
      }
      const body: ErrorBody = { statusCode: status, code, message };
      if (details !== undefined) body.details = details;
      return { body };
    }
    const kind = exception instanceof Error ? `${exception.name}: ${exception.message}` : String(exception);
    // the stack and the cause chain go with the request's own line (logRequests), once
    this.log.note(kind, kind, fields);
    return { body: { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, code: 'internal_error', message: 'Internal server error' } };
  }
}
