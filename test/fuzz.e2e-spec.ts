import { Logger } from '@nestjs/common';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createCoupon } from './factories/coupon.factory';
import { createProduct } from './factories/product.factory';
import { ADMIN_KEY, startTestApp, TestApp } from './helpers/test-app';

jest.setTimeout(120_000);

/**
 * Every operation of /docs-json, fuzzed: hostile path, query and header parameters, JSON bodies
 * built from each request schema with one property wrong at a time, hostile whole bodies, forms and
 * odd media types, with no credentials, the admin key or a garbage Bearer token. Every answer must
 * be under 500, every 4xx in the one error shape (README "Errors"), no body may carry a stack
 * trace, SQL or driver text, and nothing may be logged as an error (a refusal is not a failure). Deterministic: the values come from a seeded PRNG, not Math.random.
 */

/** mulberry32: a small seeded PRNG, so every run sends the same requests. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(0xc0ffee);
/** Printable ASCII junk (no `"` or `\`, so it can go inside a JSON string as it is). */
const junk = (length: number) => Array.from({ length }, () => String.fromCharCode(0x20 + Math.floor(random() * 95))).join('').replace(/["\\]/g, '_');

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Auth = 'none' | 'admin' | 'bearer';
const AUTHS: readonly Auth[] = ['none', 'admin', 'bearer'];
const AUTH_HEADERS: Record<Auth, Record<string, string>> = { none: {}, admin: { 'X-API-Key': ADMIN_KEY }, bearer: { Authorization: 'Bearer x' } };

interface Schema {
  $ref?: string;
  type?: string;
  example?: unknown;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  oneOf?: Schema[];
  items?: Schema;
  minimum?: number;
}
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  example?: unknown;
  schema?: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}
interface Doc {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

/** One hostile request. `url` is sent as it is (already percent-encoded where it has to be). */
interface Probe {
  method: Method;
  template: string;
  url: string;
  what: string;
  auth: Auth;
  headers?: Record<string, string>;
  /** Sent as it is, with Content-Length; `contentType` undefined sends no Content-Type. */
  body?: string;
  contentType?: string;
}

/** Hostile values for a path or query parameter, percent-encoded as they go on the wire. */
const HOSTILE_URL_VALUES: readonly string[] = [
  '%20',
  '%22%27',
  'a'.repeat(200),
  'a'.repeat(1000),
  'a'.repeat(1100),
  encodeURIComponent('ünïcødé-💥-漢字'),
  '%00',
  '%E0%A4%A',
  '..%2F..%2Fetc%2Fpasswd',
  '1e309',
  '-1',
  '0',
  '1.5',
  '0x10',
  '9007199254740993',
  '99999999999999999999',
  'NaN',
  'Infinity',
  'null',
  '%5B%5D', // []
];
/** A parameter left empty is a different case in the path (a shorter URL) and in the query. */
const EMPTY = '';

/** Header-safe hostile values (Node refuses control characters and non-Latin-1 in headers). */
const HOSTILE_HEADER_VALUES: readonly string[] = ['', ' ', 'a'.repeat(1100), '%00', '"\'<>', '-1', '1e309', 'ünï'];

/** Raw JSON values that replace one property at a time. */
const nested = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
const WRONG_JSON_VALUES: readonly string[] = [
  '"fuzz"',
  '""',
  '12345.678',
  '-1',
  '-0',
  'true',
  'null',
  '[1,"a"]',
  '{"a":1}',
  '1e309',
  '9007199254740993',
  '1e-7',
  '"\\u0000"',
  JSON.stringify('💥'.repeat(50)),
  JSON.stringify('x'.repeat(5000)),
  nested(30),
  nested(40),
];

/** Whole bodies that are not the object a route expects. */
const WHOLE_BODIES: readonly string[] = [
  'null',
  '[]',
  '"x"',
  '1',
  '{}',
  '{"__proto__":{}}',
  '{"constructor":{"prototype":{}}}',
  '{"toString":1,"hasOwnProperty":"x","valueOf":null}',
  '{',
  '\u0000',
  '{"a":1}{"b":2}',
];

/** Bodies of the wrong media type, or no type at all. */
const ODD_TYPES: readonly { contentType?: string; body: string }[] = [
  { contentType: 'text/plain', body: 'hello' },
  { contentType: 'application/xml', body: '<a>1</a>' },
  { contentType: 'application/json; charset=latin1', body: '{}' },
  { contentType: 'application/json; charset=utf-16', body: '{}' },
  { contentType: undefined, body: '{"a":1}' },
  { contentType: 'application/x-www-form-urlencoded; charset=latin1', body: 'a=1' },
  { contentType: 'multipart/form-data; boundary=x', body: '--x--' },
  { contentType: 'application/json-patch+json', body: '[]' },
  { contentType: '', body: '{}' },
  { contentType: 'garbage', body: '{}' },
];

/** Form bodies: the original shop's clients post forms. */
const FORM_BODIES: readonly string[] = ['a=1', 'sid=a&sid=b&pid=1&pid=2', 'pid[]=1&sid[x]=a', 'sid=%E0%A4%A&pid=%00', 'sid=&pid=&quantity=&id=', `sid=${'a'.repeat(2000)}&pid=1e309`, '&&&===', '__proto__=1&toString=1&hasOwnProperty=1&constructor=1'];

/**
 * Requests Node's HTTP parser refuses before Fastify sees them, sent on a raw socket (a client
 * library would not send them): each is written as `text(method, url)` for every operation.
 */
const RAW_MALFORMED: readonly { what: string; text: (method: string, url: string) => string }[] = [
  { what: 'an invalid method token', text: (_m, u) => `G(T ${u} HTTP/1.1\r\nHost: x\r\n\r\n` },
  { what: 'an unknown HTTP version', text: (m, u) => `${m} ${u} HTTP/9.9\r\nHost: x\r\n\r\n` },
  { what: 'a raw space in the URL', text: (m, u) => `${m} ${u}/a b HTTP/1.1\r\nHost: x\r\n\r\n` },
  { what: 'headers over 16 kB', text: (m, u) => `${m} ${u} HTTP/1.1\r\nHost: x\r\nX-Fuzz: ${'a'.repeat(20_000)}\r\n\r\n` },
  { what: 'a URL over 16 kB', text: (m, u) => `${m} ${u}${u.includes('?') ? '&' : '?'}x=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n` },
  { what: 'a header name with a space', text: (m, u) => `${m} ${u} HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n` },
  { what: 'a NUL in a header value', text: (m, u) => `${m} ${u} HTTP/1.1\r\nHost: x\r\nX-Fuzz: a\u0000b\r\n\r\n` },
  { what: 'a Content-Length that is not a number', text: (m, u) => `${m} ${u} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{}` },
  { what: 'two different Content-Lengths', text: (m, u) => `${m} ${u} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}` },
  {
    what: 'Transfer-Encoding chunked and a Content-Length',
    text: (m, u) => `${m} ${u} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 7\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`,
  },
  { what: 'a broken chunk', text: (m, u) => `${m} ${u} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n` },
];

const SNAKE_CASE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
/** What must never reach a client: a stack, SQL, driver or file names. */
const LEAKS: readonly RegExp[] = [
  /"stack"/,
  /\bat [\w$.<>]+ \(/,
  /\bat .*:\d+:\d+/,
  /node_modules|\/src\/|\.ts:\d+/,
  /QueryFailedError|EntityNotFound|TypeORM|ioredis|ReplyError|ECONNREFUSED|ETIMEDOUT/i,
  /\b(SELECT|INSERT INTO|UPDATE \S+ SET|DELETE FROM)\b/,
  /relation "|violates|duplicate key|syntax error at|invalid input syntax|out of range for type/i,
  /FST_[A-Z_]+|TypeError|ReferenceError|RangeError|SyntaxError|Cannot read prop/,
];
const ERROR_KEYS = new Set(['statusCode', 'code', 'message', 'details', 'requestId', 'instock']);

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

describe('Fuzz: every route of the OpenAPI document (e2e)', () => {
  let t: TestApp;
  let doc: Doc;
  let port: number;
  let agent: http.Agent;
  const known: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp('fuzz');
    doc = (await request(t.http).get('/docs-json').expect(200)).body as Doc;
    const product = await createProduct(t, { quantity: 50 });
    const coupon = await createCoupon(t);
    known.id = String(product.id);
    known.pid = String(product.id);
    known.code = coupon.code;
    await new Promise<void>((resolve) => t.http.listen(0, '127.0.0.1', () => resolve()));
    port = (t.http.address() as AddressInfo).port;
    agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  });
  afterAll(async () => {
    agent?.destroy();
    await t.close();
  });

  const resolve = (schema: Schema | undefined): Schema => {
    let s = schema ?? {};
    while (s.$ref) s = doc.components.schemas[s.$ref.replace('#/components/schemas/', '')];
    return s;
  };

  /** A plausible value for a parameter: an existing product or coupon where one is named, else the example. */
  const sample = (p: Parameter): string => {
    if (p.in === 'path' && known[p.name] && !(p.name === 'id' && resolve(p.schema).type === 'string')) return encodeURIComponent(known[p.name]);
    const example = p.example ?? p.schema?.example;
    if (example !== undefined) return encodeURIComponent(String(example));
    return resolve(p.schema).type === 'string' ? 'fz-sample' : '1';
  };

  /** A plausible value for a body property, from its schema. */
  const sampleValue = (schema: Schema): unknown => {
    const s = resolve(schema);
    if (s.example !== undefined) return s.example;
    if (s.enum?.length) return s.enum[0];
    if (s.oneOf?.length) return sampleValue(s.oneOf[0]);
    switch (s.type) {
      case 'integer':
      case 'number':
        return s.minimum ?? 1;
      case 'boolean':
        return true;
      case 'array':
        return [];
      case 'object':
        return {};
      default:
        return 'fz-sample';
    }
  };

  function url(template: string, path: Record<string, string>, query: [string, string][]): string {
    const p = template.replace(/\{(\w+)\}/g, (_m, name: string) => path[name]);
    return query.length ? `${p}?${query.map(([k, v]) => `${k}=${v}`).join('&')}` : p;
  }

  /** The path and required query parameters of a plausible request. */
  function plausibleParams(op: Operation): { pathParams: Record<string, string>; query: [string, string][] } {
    const params = op.parameters ?? [];
    const pathParams = Object.fromEntries(params.filter((p) => p.in === 'path').map((p) => [p.name, sample(p)]));
    const query: [string, string][] = params.filter((p) => p.in === 'query' && p.required).map((p) => [p.name, sample(p)]);
    return { pathParams, query };
  }

  /** The hostile requests for one operation. */
  function probesFor(template: string, method: Method, op: Operation): Probe[] {
    const params = op.parameters ?? [];
    const { pathParams, query } = plausibleParams(op);
    const headers = Object.fromEntries(params.filter((p) => p.in === 'header').map((p) => [p.name, 'fz-key-1']));
    const content = op.requestBody?.content ?? {};
    const schema = resolve((content['application/json'] ?? Object.values(content)[0])?.schema);
    const props = Object.entries(schema.properties ?? {});
    const baseBody = Object.fromEntries(props.map(([k, s]) => [k, sampleValue(s)]));
    const hasBody = op.requestBody !== undefined;
    const json = (text: string) => ({ body: text, contentType: 'application/json' });
    const plain = hasBody ? json(JSON.stringify(baseBody)) : {};

    const probes: Probe[] = [];
    let turn = Math.floor(random() * 3);
    /** Each variant under one of the three credentials, in turn. */
    const add = (p: Omit<Probe, 'method' | 'template' | 'auth'>, auths: readonly Auth[] = [AUTHS[turn++ % 3]]) => {
      for (const auth of auths) probes.push({ method, template, auth, ...p, headers: { ...headers, ...p.headers } });
    };

    // the plausible request, under every credential
    add({ url: url(template, pathParams, query), what: 'plausible request', ...plain }, AUTHS);

    for (const p of params) {
      for (const value of [EMPTY, ...HOSTILE_URL_VALUES, junk(12).replace(/[^A-Za-z0-9]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`)]) {
        const shown = value.length > 40 ? `${value.slice(0, 20)}... (${value.length} chars)` : JSON.stringify(value);
        if (p.in === 'path') add({ url: url(template, { ...pathParams, [p.name]: value }, query), what: `path ${p.name}=${shown}`, ...plain });
        else if (p.in === 'query') add({ url: url(template, pathParams, [...query.filter(([k]) => k !== p.name), [p.name, value]]), what: `query ${p.name}=${shown}`, ...plain });
      }
      if (p.in === 'query') {
        add({ url: url(template, pathParams, [...query.filter(([k]) => k !== p.name), [p.name, '1'], [p.name, '2']]), what: `query ${p.name} twice`, ...plain });
        add({ url: url(template, pathParams, [...query.filter(([k]) => k !== p.name), [`${p.name}%5B%5D`, '1'], [`${p.name}%5Bx%5D`, '1']]), what: `query ${p.name}[] and ${p.name}[x]`, ...plain });
        add({ url: `${url(template, pathParams, query)}${query.length ? '&' : '?'}${p.name}`, what: `query ${p.name} without =`, ...plain });
      }
      if (p.in === 'header') {
        for (const value of HOSTILE_HEADER_VALUES) add({ url: url(template, pathParams, query), what: `header ${p.name}=${JSON.stringify(value.slice(0, 20))}`, headers: { [p.name]: value }, ...plain });
      }
    }
    // unknown and oddly spelled query parameters on every route
    add({ url: `${url(template, pathParams, query)}${query.length ? '&' : '?'}%E0%A4%A=1&__proto__=1&constructor[prototype]=1&toString=1&hasOwnProperty=1`, what: 'odd query keys', ...plain });

    if (hasBody) {
      const base = url(template, pathParams, query);
      for (const [name] of props) {
        for (const value of WRONG_JSON_VALUES) {
          const text = JSON.stringify(baseBody).replace(`"${name}":${JSON.stringify(baseBody[name])}`, `"${name}":${value}`);
          add({ url: base, what: `JSON ${name}=${value.length > 40 ? `${value.slice(0, 20)}... (${value.length} chars)` : value}`, ...json(text) });
        }
        const without = Object.fromEntries(Object.entries(baseBody).filter(([k]) => k !== name));
        add({ url: base, what: `JSON without ${name}`, ...json(JSON.stringify(without)) });
      }
      add({ url: base, what: 'JSON with an unknown property', ...json(JSON.stringify({ ...baseBody, [junk(8)]: junk(8) })) });
      for (const body of WHOLE_BODIES) add({ url: base, what: `JSON body ${JSON.stringify(body)}`, ...json(body) });
      for (const odd of ODD_TYPES) add({ url: base, what: `Content-Type ${JSON.stringify(odd.contentType ?? '(none)')} body ${JSON.stringify(odd.body)}`, ...odd });
      for (const form of FORM_BODIES) add({ url: base, what: `form ${form.length > 60 ? `${form.slice(0, 40)}... (${form.length} chars)` : form}`, body: form, contentType: 'application/x-www-form-urlencoded' });
    } else {
      // a body where none is read
      add({ url: url(template, pathParams, query), what: 'unexpected JSON body', ...json('{"a":1}') });
      add({ url: url(template, pathParams, query), what: 'unexpected broken JSON body', ...json('{') });
      add({ url: url(template, pathParams, query), what: 'unexpected text body', body: 'hello', contentType: 'text/plain' });
    }
    return probes;
  }

  /** Sends one probe on a raw socket (no client-side encoding, no default Content-Type). */
  function send(probe: Probe): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { ...AUTH_HEADERS[probe.auth], ...probe.headers };
      if (probe.body !== undefined) {
        headers['Content-Length'] = String(Buffer.byteLength(probe.body));
        if (probe.contentType !== undefined) headers['Content-Type'] = probe.contentType;
      }
      const req = http.request({ host: '127.0.0.1', port, agent, method: probe.method.toUpperCase(), path: probe.url, headers, timeout: 10_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('no answer within 10 s (a hang)')));
      req.on('error', reject);
      if (probe.body !== undefined) req.write(probe.body);
      req.end();
    });
  }

  /** Deliberate 5xx the README documents, by route. */
  function allowedServerError(probe: Probe, answer: Answer, body: { code?: unknown }): boolean {
    // README "Errors": 503 `login_disabled` "Facebook login is not configured" (the test app has no FACEBOOK_* settings)
    return /^\/auth\/facebook/.test(probe.template) && answer.status === 503 && body.code === 'login_disabled';
  }

  /** What is wrong with one answer (empty if nothing). */
  function problemsOf(probe: Probe, answer: Answer): string[] {
    const problems: string[] = [];
    let body: Record<string, unknown> = {};
    const isJson = /^application\/json/.test(answer.headers['content-type'] ?? '');
    if (isJson && answer.text) {
      try {
        body = JSON.parse(answer.text) as Record<string, unknown>;
      } catch {
        problems.push('the body is not the JSON its Content-Type says');
      }
    }
    if (answer.status >= 500 && !allowedServerError(probe, answer, body)) problems.push(`a ${answer.status}`);
    const requestId = answer.headers['x-request-id'];
    if (!requestId) problems.push('no X-Request-Id header');
    if (answer.status >= 400) {
      if (!isJson) problems.push(`an error that is not JSON (${answer.headers['content-type'] ?? 'no Content-Type'})`);
      if (body.statusCode !== answer.status) problems.push(`statusCode ${JSON.stringify(body.statusCode)} is not the status`);
      if (typeof body.code !== 'string' || !SNAKE_CASE.test(body.code)) problems.push(`code ${JSON.stringify(body.code)} is not snake_case`);
      if (typeof body.message !== 'string' || !body.message) problems.push('no message');
      if (body.requestId !== requestId) problems.push(`requestId ${JSON.stringify(body.requestId)} is not the X-Request-Id ${JSON.stringify(requestId)}`);
      const extra = Object.keys(body).filter((k) => !ERROR_KEYS.has(k));
      if (extra.length) problems.push(`keys outside the error shape: ${extra.join(', ')}`);
    }
    for (const leak of LEAKS) if (leak.test(answer.text)) problems.push(`the body leaks ${leak}`);
    return problems;
  }

  it('answers every hostile request with a 4xx in the one error shape: no 5xx, no hang, no leak', async () => {
    const operations = Object.entries(doc.paths).flatMap(([template, ops]) => Object.entries(ops).map(([method, op]) => ({ template, method: method as Method, op })));
    const probes = operations.flatMap(({ template, method, op }) => probesFor(template, method, op));
    // every documented operation is fuzzed (the document is read, not a list kept here)
    expect(operations.length).toBeGreaterThanOrEqual(36);
    expect(probes.length).toBeGreaterThan(500);
    expect(probes.length).toBeLessThan(2500);

    const failures: string[] = [];
    const logged = jest.spyOn(Logger.prototype, 'error');
    const statuses = new Map<number, number>();
    let next = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < probes.length) {
          const probe = probes[next++];
          const sent = `${probe.method.toUpperCase()} ${probe.url.length > 160 ? `${probe.url.slice(0, 160)}... (${probe.url.length} chars)` : probe.url} [${probe.template}; ${probe.what}; auth ${probe.auth}]`;
          try {
            const answer = await send(probe);
            statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
            const problems = problemsOf(probe, answer);
            if (problems.length) failures.push(`${sent}\n    -> ${answer.status} ${answer.text.slice(0, 400)}\n    ${problems.join('; ')}`);
          } catch (err) {
            failures.push(`${sent}\n    -> ${(err as Error).message}`);
          }
        }
      }),
    );
    const took = Date.now() - started;
    for (const [message] of logged.mock.calls) failures.push(`logged as an error: ${JSON.stringify(message).slice(0, 400)}`);
    logged.mockRestore();
    // one line for the run, so its size and speed show in the output
    process.stdout.write(`fuzz: ${probes.length} requests over ${operations.length} operations in ${took} ms; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}\n`);
    if (failures.length) throw new Error(`${failures.length} of ${probes.length} fuzz requests were answered wrongly:\n\n${failures.join('\n\n')}`);
  });

  /** Writes `text` on a new connection and reads until the server closes it (or 5 s pass: a hang). */
  function sendRaw(text: string, hangUpAfterWriting = false): Promise<Answer | null> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => (hangUpAfterWriting ? socket.end(text) : socket.write(text)));
      const chunks: Buffer[] = [];
      const timer = setTimeout(() => socket.destroy(new Error('no answer within 5 s (a hang)')), 5_000);
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('error', (err) => (chunks.length || hangUpAfterWriting ? undefined : reject(err)));
      socket.on('close', () => {
        clearTimeout(timer);
        const raw = Buffer.concat(chunks).toString('latin1');
        if (!raw) return hangUpAfterWriting ? resolve(null) : reject(new Error('the connection closed with no answer'));
        const [head, ...rest] = raw.split('\r\n\r\n');
        const [statusLine, ...lines] = head.split('\r\n');
        const headers: http.IncomingHttpHeaders = {};
        for (const line of lines) headers[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
        let body = rest.join('\r\n\r\n');
        if (headers['transfer-encoding'] === 'chunked') body = body.replace(/(^|\r\n)[0-9a-f]+\r\n/gi, '').replace(/\r\n$/, '');
        resolve({ status: Number(statusLine.split(' ')[1]), headers, text: Buffer.from(body, 'latin1').toString('utf8') });
      });
    });
  }

  it("answers a request Node's HTTP parser refuses in the one error shape too, and a body cut off logs no error", async () => {
    const operations = Object.entries(doc.paths).flatMap(([template, ops]) => Object.entries(ops).map(([method, op]) => ({ template, method: method as Method, op })));
    const jobs = operations.flatMap(({ template, method, op }) => {
      const { pathParams, query } = plausibleParams(op);
      const target = url(template, pathParams, query);
      const probe: Probe = { method, template, url: target, what: '', auth: 'none' };
      const malformed = RAW_MALFORMED.map((m) => ({ probe: { ...probe, what: m.what }, text: m.text(method.toUpperCase(), target), hangUp: false }));
      // the client hangs up before the body it announced has come: nobody to answer, nothing to log
      const cut = { probe: { ...probe, what: 'a body cut off' }, text: `${method.toUpperCase()} ${target} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":`, hangUp: true };
      return op.requestBody ? [...malformed, cut] : malformed;
    });
    const failures: string[] = [];
    const logged = jest.spyOn(Logger.prototype, 'error');
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < jobs.length) {
          const { probe, text, hangUp } = jobs[next++];
          const sent = `${probe.method.toUpperCase()} ${probe.url} [${probe.template}; ${probe.what}; raw]`;
          try {
            const answer = await sendRaw(text, hangUp);
            const problems = answer ? problemsOf(probe, answer) : [];
            if (answer && answer.status < 400) problems.push('accepted');
            if (answer && problems.length) failures.push(`${sent}\n    -> ${answer.status} ${answer.text.slice(0, 400)}\n    ${problems.join('; ')}`);
          } catch (err) {
            failures.push(`${sent}\n    -> ${(err as Error).message}`);
          }
        }
      }),
    );
    // the last refusals' aborted bodies reach the filter just after their sockets close
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const [message] of logged.mock.calls) failures.push(`logged as an error: ${JSON.stringify(message).slice(0, 400)}`);
    logged.mockRestore();
    process.stdout.write(`fuzz: ${jobs.length} raw malformed requests over ${operations.length} operations\n`);
    if (failures.length) throw new Error(`${failures.length} of ${jobs.length} raw requests were answered wrongly:\n\n${failures.join('\n\n')}`);
  });

  it('still answers normally afterwards: /health 200, an add to a cart 200', async () => {
    await request(t.http).get('/health').expect(200, { status: 'ok' });
    const product = await createProduct(t, { quantity: 5 });
    const sid = (await request(t.http).post('/api/sessions').expect(201)).body.sid as string;
    const res = await request(t.http).post(`/api/carts/${sid}/items`).send({ pid: product.id, quantity: 2 }).expect(200);
    expect(res.body.items).toEqual([expect.objectContaining({ pid: product.id, incart: 2, status: 'ok' })]);
  });
});
