import { HttpStatus } from '@nestjs/common';
import { json, RequestHandler, urlencoded } from 'express';
import { DomainError, ValidationFailed } from '../errors/domain-error';

export const BODY_LIMIT = '100kb';

/** Deepest nesting of arrays and objects a JSON body may have. */
export const MAX_JSON_DEPTH = 32;

/** The deepest nesting of `[` and `{` in raw JSON text (brackets inside strings do not count). */
export function jsonDepth(raw: Buffer): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/** body-parser's `verify` hook: refuses JSON nested deeper than MAX_JSON_DEPTH before it is parsed. */
function refuseDeepJson(_req: unknown, _res: unknown, raw: Buffer): void {
  if (jsonDepth(raw) > MAX_JSON_DEPTH) throw ValidationFailed.field('body', `JSON may be nested at most ${MAX_JSON_DEPTH} levels deep`);
}

/** A body-parser failure (an http-errors object) as the domain error the filter shapes. */
export function bodyError(err: unknown): unknown {
  if (err instanceof DomainError) return err; // thrown by our own verify hook
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
  return [wrap(json({ limit: BODY_LIMIT, verify: refuseDeepJson })), wrap(urlencoded({ limit: BODY_LIMIT, extended: false }))];
}
