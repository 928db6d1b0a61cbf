import { HttpStatus } from '@nestjs/common';
import { json, RequestHandler, urlencoded } from 'express';
import { DomainError } from '../errors/domain-error';

export const BODY_LIMIT = '100kb';

/** A body-parser failure (an http-errors object) as the domain error the filter shapes. */
export function bodyError(err: unknown): unknown {
  const e = err as { type?: string; status?: number };
  if (!e || typeof e !== 'object' || typeof e.status !== 'number' || e.status < 400 || e.status >= 500) return err;
  if (err instanceof SyntaxError || e.type === 'entity.parse.failed') {
    return new DomainError(HttpStatus.BAD_REQUEST, 'malformed_json', 'The request body is not valid JSON');
  }
  if (e.status === 413) {
    return new DomainError(HttpStatus.PAYLOAD_TOO_LARGE, 'payload_too_large', 'The request body is larger than 100 kB');
  }
  if (e.status === 415) {
    return new DomainError(HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'unsupported_media_type', 'Unsupported body encoding or charset');
  }
  return new DomainError(e.status, 'bad_request', 'The request body could not be read');
}

/** JSON and form bodies up to 100 kB; their failures reach the exception filter as domain errors. */
export function bodyParsers(): RequestHandler[] {
  const wrap = (parser: RequestHandler): RequestHandler => (req, res, next) =>
    parser(req, res, (err?: unknown) => (err ? next(bodyError(err)) : next()));
  return [wrap(json({ limit: BODY_LIMIT })), wrap(urlencoded({ limit: BODY_LIMIT, extended: false }))];
}
