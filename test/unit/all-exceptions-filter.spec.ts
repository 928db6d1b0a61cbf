import {
  ArgumentsHost,
  BadRequestException,
  ForbiddenException,
  HttpException,
  HttpStatus,
  Logger,
  NotFoundException,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { OutOfStock } from '../../src/cart/cart.errors';
import { AllExceptionsFilter } from '../../src/common/errors/all-exceptions.filter';
import { DomainError, NotFound, ValidationFailed } from '../../src/common/errors/domain-error';
import { requestError } from '../../src/common/http/request-errors';
import { errorCodes } from 'fastify';

describe('AllExceptionsFilter.toBody', () => {
  let filter: AllExceptionsFilter;
  let logError: jest.SpyInstance;

  beforeEach(() => {
    filter = new AllExceptionsFilter();
    logError = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  describe('DomainError', () => {
    it.each<[string, DomainError, object, Record<string, unknown> | undefined]>([
      [
        'ValidationFailed',
        ValidationFailed.field('v', 'bad v'),
        { statusCode: 400, code: 'validation_failed', message: 'v: bad v', details: [{ field: 'v', message: 'bad v' }] },
        undefined,
      ],
      [
        'NotFound with details',
        new NotFound('product_not_found', 'Product 42 does not exist', { pid: 42 }),
        { statusCode: 404, code: 'product_not_found', message: 'Product 42 does not exist', details: { pid: 42 } },
        undefined,
      ],
      [
        'OutOfStock with extra',
        new OutOfStock(7, 2, 1, 5),
        {
          statusCode: 409,
          code: 'out_of_stock',
          message: 'Only 2 unit(s) of product 7 in stock; 5 requested',
          details: { pid: 7, instock: 2, incart: 1, requested: 5 },
        },
        { instock: 2 },
      ],
      [
        'bare DomainError without details',
        new DomainError(HttpStatus.PAYMENT_REQUIRED, 'pay_up', 'Pay first'),
        { statusCode: 402, code: 'pay_up', message: 'Pay first' },
        undefined,
      ],
    ])('%s -> its status, code, message, details and extra', (_name, error, body, extra) => {
      const result = filter.toBody(error);
      expect(result.body).toEqual(body);
      expect(result.extra).toEqual(extra);
      expect(logError).not.toHaveBeenCalled();
    });

    it('omits the details key when there are none', () => {
      expect(filter.toBody(new DomainError(400, 'x', 'y')).body).not.toHaveProperty('details');
    });
  });

  describe('Nest HttpException', () => {
    it.each<[string, HttpException, object]>([
      ['NotFoundException(Cannot GET /x)', new NotFoundException('Cannot GET /x'), { statusCode: 404, code: 'route_not_found', message: 'No such route' }],
      ['NotFoundException(Cannot POST /api/x)', new NotFoundException('Cannot POST /api/x'), { statusCode: 404, code: 'route_not_found', message: 'No such route' }],
      ['NotFoundException(other)', new NotFoundException('Gone'), { statusCode: 404, code: 'not_found', message: 'Gone' }],
      ['UnauthorizedException()', new UnauthorizedException(), { statusCode: 401, code: 'unauthorized', message: 'Unauthorized' }],
      ['ForbiddenException()', new ForbiddenException(), { statusCode: 403, code: 'forbidden', message: 'Forbidden' }],
      ['BadRequestException([a, b])', new BadRequestException(['a bad', 'b bad']), { statusCode: 400, code: 'bad_request', message: 'a bad; b bad' }],
      [
        'BadRequestException({message, details})',
        new BadRequestException({ message: 'nope', details: [{ field: 'x' }] }),
        { statusCode: 400, code: 'bad_request', message: 'nope', details: [{ field: 'x' }] },
      ],
      ['ServiceUnavailableException()', new ServiceUnavailableException(), { statusCode: 503, code: 'service_unavailable', message: 'Service Unavailable' }],
      ["HttpException('teapot', 418)", new HttpException('teapot', 418), { statusCode: 418, code: 'bad_request', message: 'teapot' }],
      ["HttpException('gw', 502)", new HttpException('gw', 502), { statusCode: 502, code: 'internal_error', message: 'gw' }],
    ])('%s', (_name, error, body) => {
      expect(filter.toBody(error)).toEqual({ body });
    });
  });

  // What Fastify reports before a route runs reaches the filter, which shapes it with requestError
  // (src/common/http/request-errors.ts); malformed or too-deep JSON is a DomainError from our own parser.
  describe("Fastify's request errors (through requestError, as the filter calls it)", () => {
    it.each<[string, unknown, object]>([
      [
        'FST_ERR_CTP_BODY_TOO_LARGE',
        new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE(),
        { statusCode: 413, code: 'payload_too_large', message: 'The request body is larger than 100 kB' },
      ],
      [
        'FST_ERR_CTP_INVALID_MEDIA_TYPE',
        new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE('text/csv'),
        { statusCode: 415, code: 'unsupported_media_type', message: expect.stringContaining('application/json') },
      ],
      [
        'FST_ERR_CTP_INVALID_CONTENT_LENGTH',
        new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH(),
        { statusCode: 400, code: 'bad_request', message: 'The request could not be read' },
      ],
      [
        // the body stream's `aborted` as Fastify hands it on (statusCode 400 set): not a Postgres socket error
        'a body cut off (ECONNRESET aborted)',
        Object.assign(new Error('aborted'), { code: 'ECONNRESET', statusCode: 400 }),
        { statusCode: 400, code: 'bad_request', message: 'The request could not be read' },
      ],
    ])('%s', (_name, raw, body) => {
      expect(filter.toBody(requestError(raw)).body).toEqual(body);
      expect(logError).not.toHaveBeenCalled();
    });

    it.each([
      ['a plain Error', new Error('x')],
      ['a 5xx Fastify error', new errorCodes.FST_ERR_REP_INVALID_PAYLOAD_TYPE('x')],
      ['a SyntaxError without status', new SyntaxError('x')],
      ['a 4xx statusCode without a Fastify code', { statusCode: 400, code: 'EOTHER' }],
    ])('requestError passes %s through unchanged', (_name, raw) => {
      expect(requestError(raw)).toBe(raw);
    });
  });

  describe('a Redis or Postgres outage -> 503 with Retry-After', () => {
    it.each<[string, unknown, string, number]>([
      ['a Redis command timeout', new Error('Command timed out'), 'cart_store_unavailable', 1],
      ['Postgres refusing connections', Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:5432'), { code: 'ECONNREFUSED' }), 'database_unavailable', 2],
    ])('%s -> 503 %s, the driver message only in the log', (_name, error, code, retryAfterSeconds) => {
      const result = filter.toBody(error);
      expect(result).toEqual({ body: { statusCode: 503, code, message: expect.any(String) }, retryAfterSeconds });
      expect(JSON.stringify(result)).not.toMatch(/10\.1\.2\.3|timed out/);
      expect(logError).toHaveBeenCalledWith(expect.stringContaining(`${code}: ${(error as Error).message}`));
    });

    it('sets the Retry-After header', () => {
      const res = { sent: false, status: jest.fn(), send: jest.fn(), header: jest.fn() };
      res.status.mockReturnValue(res);
      const host = { switchToHttp: () => ({ getResponse: () => res }) } as unknown as ArgumentsHost;
      filter.catch(new Error('Connection is closed.'), host);
      expect(res.header).toHaveBeenCalledWith('Retry-After', '1');
      expect(res.status).toHaveBeenCalledWith(503);
      expect(res.send).toHaveBeenCalledWith({ statusCode: 503, code: 'cart_store_unavailable', message: expect.any(String) });
    });
  });

  describe('anything else -> bare 500', () => {
    it.each<[string, unknown]>([
      ["Error('secret internals')", new Error('secret internals')],
      ["TypeError('secret internals')", new TypeError('secret internals')],
      ["a thrown string 'secret internals'", 'secret internals'],
      ['a plain object with a secret message', { message: 'secret internals', code: 'ESECRET' }],
      ['null', null],
      ['undefined', undefined],
      ['a SyntaxError with a 400 status (secret)', Object.assign(new SyntaxError('secret internals'), { status: 400 })],
    ])('%s -> 500 internal_error without leaking anything', (_name, error) => {
      const result = filter.toBody(error);
      expect(result).toEqual({ body: { statusCode: 500, code: 'internal_error', message: 'Internal server error' } });
      expect(JSON.stringify(result)).not.toMatch(/secret|ESECRET/i);
      expect(logError).toHaveBeenCalledTimes(1);
    });

    it('logs the stack of an unknown Error (for operators, not clients)', () => {
      filter.toBody(new Error('secret internals'));
      expect(logError).toHaveBeenCalledWith(expect.stringContaining('Error: secret internals'));
    });
  });

  describe('catch (with a fake response)', () => {
    const hostFor = (sent = false) => {
      const res = { sent, status: jest.fn(), send: jest.fn() };
      res.status.mockReturnValue(res);
      const host = { switchToHttp: () => ({ getResponse: () => res }) } as unknown as ArgumentsHost;
      return { res, host };
    };

    it('writes the status and merges extra top-level fields under the body fields', () => {
      const { res, host } = hostFor();
      filter.catch(new OutOfStock(7, 2, 1, 5), host);
      expect(res.status).toHaveBeenCalledWith(409);
      expect(res.send).toHaveBeenCalledWith({
        instock: 2,
        statusCode: 409,
        code: 'out_of_stock',
        message: 'Only 2 unit(s) of product 7 in stock; 5 requested',
        details: { pid: 7, instock: 2, incart: 1, requested: 5 },
      });
    });

    it('does not let extra override the body fields', () => {
      const { res, host } = hostFor();
      filter.catch(new DomainError(409, 'real_code', 'real message', undefined, { code: 'fake', statusCode: 200, hint: 1 }), host);
      expect(res.send).toHaveBeenCalledWith({ hint: 1, statusCode: 409, code: 'real_code', message: 'real message' });
    });

    it('writes nothing once headers are sent', () => {
      const { res, host } = hostFor(true);
      filter.catch(new NotFoundException('Cannot GET /x'), host);
      expect(res.status).not.toHaveBeenCalled();
      expect(res.send).not.toHaveBeenCalled();
    });
  });
});
