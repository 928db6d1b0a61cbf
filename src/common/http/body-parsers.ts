import { HttpStatus } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parse as parseForm } from 'node:querystring';
import { DomainError, ValidationFailed } from '../errors/domain-error';

/** The largest request body: 100 kB (Fastify answers a larger one 413 before reading it all). */
export const BODY_LIMIT_BYTES = 100 * 1024;

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

const unsupportedCharset = () => new DomainError(HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'unsupported_media_type', 'Unsupported body encoding or charset');
const malformedJson = () => new DomainError(HttpStatus.BAD_REQUEST, 'malformed_json', 'The request body is not valid JSON');

/** A body must be UTF-8 (or say no charset); as body-parser did before, anything else is 415. */
function utf8(req: FastifyRequest): boolean {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '');
  return !match || /^utf-?8$/i.test(match[1]);
}

/**
 * JSON and form bodies (the original shop's clients post forms) up to BODY_LIMIT_BYTES:
 * - JSON: nested deeper than MAX_JSON_DEPTH is 400 before it is parsed; an empty body is `{}`
 *   (as body-parser had it: a client may post `Content-Type: application/json` with no body);
 *   Fastify's own parser (secure-json-parse: `__proto__`/`constructor` keys refused) does the rest;
 * - forms: `application/x-www-form-urlencoded`, flat `a=1&b=2` (node:querystring, as before);
 * - any other media type with a body: 415 (Fastify's FST_ERR_CTP_INVALID_MEDIA_TYPE).
 * Their failures reach the exception filter, which shapes them with `requestError` (request-errors.ts).
 */
export function registerBodyParsers(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser('text/plain'); // Fastify's default: no route reads text
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body: Buffer, done) => {
    if (!utf8(req)) return done(unsupportedCharset(), undefined);
    if (body.length === 0) return done(null, {});
    if (jsonDepth(body) > MAX_JSON_DEPTH) return done(ValidationFailed.field('body', `JSON may be nested at most ${MAX_JSON_DEPTH} levels deep`), undefined);
    void parseJson(req, body.toString('utf8'), (err, value) => done(err ? malformedJson() : null, value));
  });
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (req, body: string, done) => {
    if (!utf8(req)) return done(unsupportedCharset(), undefined);
    done(null, { ...parseForm(body) });
  });
}
