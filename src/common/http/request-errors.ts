import { HttpStatus } from '@nestjs/common';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { DomainError } from '../errors/domain-error';
import { REQUEST_ID_HEADER } from '../../observability/logging';
import { BODY_LIMIT_BYTES } from './body-parsers';
import { tellRefusal } from './refusals';
import { SECURITY_HEADERS } from './security';

// What Fastify and Node refuse before a route runs, in the one error shape, with the security headers.

const SECURITY_HEADER_LINES = Object.entries(SECURITY_HEADERS)
  .map(([name, value]) => `${name}: ${Array.isArray(value) ? value.join(', ') : String(value)}\r\n`)
  .join('');

/** A request that could not be read: its status, and the one code. */
const unreadable = (status: number) => new DomainError(status, 'bad_request', 'The request could not be read');

/**
 * A failure Fastify reports before a route runs (a body too large, an unknown media type, a broken
 * Content-Length, a body that stopped coming, ...) as the domain error the filter shapes; anything
 * else is returned as it is.
 */
export function requestError(err: unknown): unknown {
  if (err instanceof DomainError) return err;
  const e = err as { code?: unknown; statusCode?: unknown };
  if (!e || typeof e !== 'object' || typeof e.statusCode !== 'number' || e.statusCode < 400 || e.statusCode >= 500) return err;
  // the body stream's own `aborted` (ECONNRESET), which Fastify marks 400: the client hung up
  // mid-body, or Node's parser refused the rest (a broken chunk). Not a Postgres socket error.
  if (e.code === 'ECONNRESET') return unreadable(HttpStatus.BAD_REQUEST);
  if (typeof e.code !== 'string' || !e.code.startsWith('FST_')) return err;
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new DomainError(HttpStatus.PAYLOAD_TOO_LARGE, 'payload_too_large', `The request body is larger than ${BODY_LIMIT_BYTES / 1024} kB`);
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new DomainError(HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'unsupported_media_type', 'Unsupported Content-Type: send application/json or application/x-www-form-urlencoded');
  return unreadable(e.statusCode);
}

/**
 * Fastify's `frameworkErrors`: a URL its router refuses before any route or hook runs (a broken
 * percent-encoding, a path parameter over 1 kB) is answered in the one error shape too, with the
 * headers the skipped hooks would have set. (Fastify's default error handler, not Nest's, serves
 * this reply, so the exception filter never sees it.)
 */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const refusal = requestError(error);
  const { status, code, message } = refusal instanceof DomainError ? refusal : unreadable(HttpStatus.BAD_REQUEST);
  void reply.code(status).headers(SECURITY_HEADERS).header(REQUEST_ID_HEADER, request.id).send({ statusCode: status, code, message, requestId: request.id });
  // no path: it could not be matched to a route pattern, and may hold a cart's sid
  tellRefusal(request.server, { requestId: request.id, method: request.method, status, seconds: reply.elapsedTime / 1000 });
}

/**
 * Fastify's `clientErrorHandler`: a request Node's HTTP parser refuses before Fastify sees it (an
 * invalid method or header, headers over 16 kB, a broken Content-Length or chunk) is answered in
 * the one error shape too, under a fresh request id (there is no request to take one from): 431
 * for headers too large, 408 for a request that took too long to arrive, else 400. Then the
 * connection is closed, as Node and Fastify do. A reset connection gets nothing, and neither does
 * one whose response has begun (a broken chunk after the route answered): it would corrupt it.
 * Fastify calls it with `this` its instance, whose refusal listeners are told.
 */
export function answerClientError(this: FastifyInstance, error: Error & { code?: string }, socket: Duplex & { _httpMessage?: { headersSent?: boolean } }): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket._httpMessage?.headersSent) return void socket.destroy(error);
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const requestId = randomUUID();
  const { code, message } = unreadable(status);
  const body = JSON.stringify({ statusCode: status, code, message, requestId });
  const answered = socket.writable;
  if (answered) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `${REQUEST_ID_HEADER}: ${requestId}\r\n${SECURITY_HEADER_LINES}Connection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
  if (answered) tellRefusal(this, { requestId, method: null, status, seconds: 0 });
}
