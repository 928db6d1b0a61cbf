import { ReplyError } from 'ioredis';
import { QueryFailedError } from 'typeorm';
import { asUnavailable, CartStoreUnavailable, DatabaseUnavailable } from '../../src/common/errors/unavailable';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
const wrapped = (driverError: Error) => new QueryFailedError('SELECT 1', [], driverError);
const maxRetries = Object.assign(new Error('Reached the max retries per request limit (which is 0). Refer to "maxRetriesPerRequest" option for details.'), { name: 'MaxRetriesPerRequestError' });

describe('asUnavailable: driver errors of an outage -> 503, in one place', () => {
  it.each<[string, unknown]>([
    ['offline queue off, disconnected', new Error("Stream isn't writeable and enableOfflineQueue options is false")],
    ['connection closed', new Error('Connection is closed.')],
    ['command timeout', new Error('Command timed out')],
    ['in flight when the connection dropped', maxRetries],
    ['aborted pipeline', new Error('Command aborted due to connection close')],
    ['LOADING after a restart', new ReplyError('LOADING Redis is loading the dataset in memory')],
    ['BUSY script', new ReplyError('BUSY Redis is busy running a script')],
    ['failover: READONLY', new ReplyError("READONLY You can't write against a read only replica.")],
    ['out of memory', new ReplyError('OOM command not allowed when used memory > maxmemory')],
  ])('Redis: %s -> cart_store_unavailable, Retry-After 1', (_name, err) => {
    const mapped = asUnavailable(err);
    expect(mapped).toBeInstanceOf(CartStoreUnavailable);
    expect(mapped).toMatchObject({ status: 503, code: 'cart_store_unavailable', retryAfterSeconds: 1 });
    expect(mapped!.message).not.toContain((err as Error).message);
  });

  it.each<[string, unknown]>([
    ['refused', withCode('connect ECONNREFUSED 10.0.0.5:5432', 'ECONNREFUSED')],
    ['reset', withCode('read ECONNRESET', 'ECONNRESET')],
    ['DNS', withCode('getaddrinfo ENOTFOUND db', 'ENOTFOUND')],
    ['too many clients (53300)', withCode('sorry, too many clients already', '53300')],
    ['admin shutdown (57P01)', wrapped(withCode('terminating connection due to administrator command', '57P01'))],
    ['starting up (57P03)', withCode('the database system is starting up', '57P03')],
    ['statement_timeout (57014)', wrapped(withCode('canceling statement due to statement timeout', '57014'))],
    ['connection failure (08006)', wrapped(withCode('connection failure', '08006'))],
    ['idle in transaction timeout (25P03)', wrapped(withCode('terminating connection due to idle-in-transaction timeout', '25P03'))],
    ['connection terminated', new Error('Connection terminated unexpectedly')],
    ['query read timeout', wrapped(new Error('Query read timeout'))],
    ['pool wait over', new Error('timeout exceeded when trying to connect')],
    ['connect timeout', new Error('Connection terminated due to connection timeout')],
  ])('Postgres: %s -> database_unavailable, Retry-After 2', (_name, err) => {
    expect(asUnavailable(err)).toBeInstanceOf(DatabaseUnavailable);
    expect(asUnavailable(err)).toMatchObject({ status: 503, code: 'database_unavailable', retryAfterSeconds: 2 });
  });

  it('keeps the driver message (with its SQLSTATE) as the reason to log', () => {
    expect(asUnavailable(withCode('sorry, too many clients already', '53300'))!.reason).toBe('53300 sorry, too many clients already');
    expect(asUnavailable(withCode('connect ECONNREFUSED 10.0.0.5:5432', 'ECONNREFUSED'))!.reason).toBe('connect ECONNREFUSED 10.0.0.5:5432');
  });

  it.each<[string, unknown]>([
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['a constraint violation', wrapped(withCode('duplicate key value violates unique constraint', '23505'))],
    ['a syntax error', wrapped(withCode('syntax error at or near "SELEC"', '42601'))],
    ['a Redis reply about the request', new ReplyError('WRONGTYPE Operation against a key holding the wrong kind of value')],
    ['not an error', 'boom'],
    ['null', null],
  ])('anything else stays a 500: %s', (_name, err) => {
    expect(asUnavailable(err)).toBeNull();
  });
});
