import { getSchemaPath, type OpenAPIObject } from '@nestjs/swagger';
import { ErrorBody } from './errors/error-body';

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/**
 * What the decorators cannot say of the whole document: a route without a security requirement
 * (no @AdminOnly / @LoggedIn) is public, which OpenAPI says as `security: []`; without it, linters
 * and generated clients cannot tell "public" from "forgotten".
 */
export function markPublicOperations(doc: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.has(method) || typeof operation !== 'object' || operation === null) continue;
      const op = operation as { security?: unknown };
      op.security ??= [];
    }
  }
  return doc;
}

/** What the body parsers (before any route) answer, on every operation that takes a body. */
const BODY_ERRORS: Record<string, string> = {
  '400': '`malformed_json` (the body is not JSON), or invalid fields: `validation_failed`',
  '413': '`payload_too_large`: the body is over 100 kB',
  '415': '`unsupported_media_type`: an encoding or charset the service does not read',
};

/** Adds the body parsers' refusals (400, 413, 415) to every operation with a request body. */
export function documentBodyErrors(doc: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.has(method) || typeof operation !== 'object' || operation === null) continue;
      const op = operation as { requestBody?: unknown; responses: Record<string, unknown> };
      if (!op.requestBody) continue;
      for (const [status, description] of Object.entries(BODY_ERRORS)) {
        op.responses[status] ??= { description, content: { 'application/json': { schema: { $ref: getSchemaPath(ErrorBody) } } } };
      }
    }
  }
  return doc;
}
