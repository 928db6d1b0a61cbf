import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { Response } from 'supertest';

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
type Doc = { paths: Record<string, Record<string, Operation>> } & Record<string, unknown>;

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/**
 * Checks real responses against an OpenAPI 3.0 document: the operation exists, the status is one it
 * documents, and a JSON body validates against the schema documented for that status (ajv, with
 * OpenAPI's `nullable`; refs resolved inside the document).
 */
export class OpenApiConformance {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();
  /** `METHOD /path/{template} status`, for a report of what the sample covered. */
  readonly seen = new Set<string>();

  constructor(private readonly doc: Doc) {
    addFormats(this.ajv);
    this.ajv.addSchema(doc as object, 'openapi');
  }

  /** Problems with this response (empty when it conforms). */
  problems(method: string, template: string, res: Response): string[] {
    const op = this.doc.paths[template]?.[method.toLowerCase()];
    const where = `${method.toUpperCase()} ${template} -> ${res.status}`;
    if (!op) return [`${where}: no such operation in the document`];
    this.seen.add(`${method.toUpperCase()} ${template} ${res.status}`);
    const documented = op.responses[String(res.status)] ?? op.responses[`${String(res.status)[0]}XX`] ?? op.responses.default;
    if (!documented) return [`${where}: status not documented (documented: ${Object.keys(op.responses).join(', ')})`];
    const json = documented.content?.['application/json'];
    if (!json?.schema) {
      return res.status !== 204 && /json/.test(res.headers['content-type'] ?? '') && documented.content === undefined && res.text !== ''
        ? [`${where}: answers JSON but the document gives no content`]
        : [];
    }
    if (!/application\/json/.test(res.headers['content-type'] ?? '')) return [`${where}: documented as JSON, answered ${res.headers['content-type']}`];
    const ref = `openapi#/${pointer('paths', template, method.toLowerCase(), 'responses', String(res.status) in op.responses ? String(res.status) : 'default', 'content', 'application/json', 'schema')}`;
    let validate = this.compiled.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref });
      this.compiled.set(ref, validate);
    }
    if (validate(res.body)) return [];
    return [`${where}: body does not match the schema: ${this.ajv.errorsText(validate.errors)}\n  body: ${JSON.stringify(res.body).slice(0, 400)}`];
  }
}
