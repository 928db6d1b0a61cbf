import type { OpenAPIObject } from '@nestjs/swagger';

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
