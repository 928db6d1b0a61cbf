import type { IncomingMessage } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { QueryFailedError } from 'typeorm';
import { requestIdFor, serializeError } from '../../src/observability/logging';
import { dependencyError, Metrics } from '../../src/observability/metrics';
import { noteBody, noteError } from '../../src/observability/request-context';

describe('requestIdFor', () => {
  it.each([
    ['a UUID', '0f8fad5b-d9cb-469f-a165-70867728950e', true],
    ['a trace-style id', 'trace/Ab+9=:1.2_3~x', true],
    ['128 characters', 'a'.repeat(128), true],
    ['129 characters', 'a'.repeat(129), false],
    ['empty', '', false],
    ['a space', 'a b', false],
    ['a newline', 'a\nb', false],
    ['JSON-ish', '{"a":1}', false],
  ])('%s: accepted=%s', (_name, given, accepted) => {
    const id = requestIdFor({ headers: { 'x-request-id': given } } as unknown as IncomingMessage);
    expect(id === given).toBe(accepted);
    if (!accepted) expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('serializeError', () => {
  it('keeps class, message, stack, code and the cause chain; drops SQL and parameters', () => {
    const driver = Object.assign(new Error('relation "x" does not exist'), { code: '42P01' });
    const err = new QueryFailedError('SELECT secret FROM x WHERE token = $1', ['tok-123'], driver);
    const out = serializeError(new Error('wrapped', { cause: err })) as Record<string, unknown>;
    expect(out).toMatchObject({ type: 'Error', message: 'wrapped', cause: { type: 'QueryFailedError', cause: { type: 'Error', code: '42P01' } } });
    expect(JSON.stringify(out)).not.toMatch(/tok-123|SELECT/);
  });

  it('leaves non-errors as they are', () => {
    expect(serializeError('text')).toBe('text');
  });
});

describe('dependencyError', () => {
  class ReplyError extends Error {}
  class MaxRetriesPerRequestError extends Error {}

  it.each([
    ['a TypeORM query error: its SQLSTATE', new QueryFailedError('q', [], Object.assign(new Error('x'), { code: '40P01' })), { system: 'postgres', kind: '40P01' }],
    ['a pg connection loss', new Error('Connection terminated unexpectedly'), { system: 'postgres', kind: 'connection' }],
    ['a Redis reply error', new ReplyError('WRONGTYPE'), { system: 'redis', kind: 'ReplyError' }],
    ['Redis retries exhausted', new MaxRetriesPerRequestError('x'), { system: 'redis', kind: 'MaxRetriesPerRequestError' }],
    ['a closed Redis connection', new Error('Connection is closed.'), { system: 'redis', kind: 'connection' }],
    ['a wrapper with a driver cause', new Error('outer', { cause: new ReplyError('x') }), { system: 'redis', kind: 'ReplyError' }],
    ['a Redis command timeout', new Error('Command timed out'), { system: 'redis', kind: 'timeout' }],
    ['Postgres refusing connections', Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' }), { system: 'postgres', kind: 'ECONNREFUSED' }],
    ['a query read timeout', new Error('Query read timeout'), { system: 'postgres', kind: 'timeout' }],
    ['anything else', new TypeError('x is undefined'), null],
  ])('%s', (_name, error, expected) => {
    expect(dependencyError(error)).toEqual(expected);
  });
});

describe('Metrics.observe', () => {
  const metrics = new Metrics();
  const observe = (method: string, route: string | null, status: number, note?: { code?: string; body?: unknown; error?: unknown }) => {
    const req = { method, is404: route === null, routeOptions: { url: route ?? undefined } } as unknown as FastifyRequest;
    const res = { statusCode: status };
    if (note?.code) noteError(res, note.code, note.error);
    if (note?.body !== undefined) noteBody(res, note.body);
    metrics.observe(req, res as unknown as FastifyReply, 0.01);
  };
  const value = async (name: string, labels: Record<string, string> = {}) => {
    const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name)!;
    const sample = (metric.values as { labels: Record<string, string>; value: number }[]).find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
    return sample?.value ?? 0;
  };

  it('counts line changes by outcome from the route, status and error code', async () => {
    observe('POST', '/api/carts/:sid/items', 200);
    observe('POST', '/api/carts/:sid/items', 409, { code: 'cart_full' });
    observe('PUT', '/api/carts/:sid/items/:pid', 409, { code: 'out_of_stock' });
    observe('POST', '/api/updatecart', 404, { code: 'product_not_found' });
    observe('POST', '/api/updatecart', 422, { code: 'cart_total_too_large' });
    observe('GET', '/api/carts/:sid', 200);
    expect(await value('cartwheel_cart_line_changes_total', { outcome: 'ok' })).toBe(1);
    expect(await value('cartwheel_cart_line_changes_total', { outcome: 'cart_full' })).toBe(1);
    expect(await value('cartwheel_cart_line_changes_total', { outcome: 'out_of_stock' })).toBe(1);
    expect(await value('cartwheel_cart_line_changes_total', { outcome: 'cart_total_too_large' })).toBe(1);
  });

  it('counts checkouts: 201 placed (and a redemption when the order has a coupon), 200 replayed, refusals by code', async () => {
    observe('POST', '/api/carts/:sid/checkout', 201, { body: { coupon: { code: 'a' } } });
    observe('POST', '/api/carts/:sid/checkout', 201, { body: { coupon: null } });
    observe('POST', '/api/carts/:sid/checkout', 200, { body: { coupon: { code: 'a' } } });
    observe('POST', '/api/carts/:sid/checkout', 409, { code: 'total_changed' });
    observe('POST', '/api/carts/:sid/checkout', 500, { code: 'internal_error', error: new Error('Connection is closed.') });
    expect(await value('cartwheel_checkouts_total', { outcome: 'placed' })).toBe(2);
    expect(await value('cartwheel_checkouts_total', { outcome: 'replayed' })).toBe(1);
    expect(await value('cartwheel_checkouts_total', { outcome: 'total_changed' })).toBe(1);
    expect(await value('cartwheel_checkouts_total', { outcome: 'internal_error' })).toBe(1);
    expect(await value('cartwheel_coupon_redemptions_total')).toBe(1);
    expect(await value('cartwheel_redis_errors_total', { kind: 'connection' })).toBe(1);
  });

  it('reads the pool it watches', async () => {
    metrics.watchPool({ totalCount: 7, idleCount: 3, waitingCount: 2 }, 10);
    expect(await value('cartwheel_db_pool_connections_in_use')).toBe(4);
    expect(await value('cartwheel_db_pool_waiting')).toBe(2);
    expect(await value('cartwheel_db_pool_max')).toBe(10);
  });
});
