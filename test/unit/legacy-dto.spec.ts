import { DomainError, ValidationFailed } from '../../src/common/errors/domain-error';
import { MAX_QUANTITY } from '../../src/common/validation/decorators';
import { parseCartChange } from '../../src/legacy/legacy.dto';

describe('parseCartChange (legacy `v`)', () => {
  it.each([
    ['undefined', undefined],
    ['null', null],
    ["''", ''],
  ])('%s -> increment', (_label, v) => {
    expect(parseCartChange(v)).toEqual({ kind: 'increment' });
  });

  it.each([
    ["'delete'", 'delete'],
    ['0', 0],
    ["'0'", '0'],
    ["'00'", '00'],
    ["' 0 '", ' 0 '],
  ])('%s -> remove', (_label, v) => {
    expect(parseCartChange(v)).toEqual({ kind: 'remove' });
  });

  it.each([
    [3, 3],
    ['3', 3],
    [' 3 ', 3],
    ['03', 3],
    [1, 1],
    [MAX_QUANTITY, MAX_QUANTITY],
    [String(MAX_QUANTITY), MAX_QUANTITY],
  ])('%p -> set %p', (v, quantity) => {
    expect(parseCartChange(v)).toEqual({ kind: 'set', quantity });
  });

  it.each([
    ['-1', -1],
    ['1.5', 1.5],
    ["'1.5'", '1.5'],
    ["'abc'", 'abc'],
    ['true', true],
    ['false', false],
    ['{}', {}],
    ['[]', []],
    ['[3]', [3]],
    ["'1e3'", '1e3'],
    ["'-1'", '-1'],
    ["'+3'", '+3'],
    ["'0x10'", '0x10'],
    ["'DELETE'", 'DELETE'],
    ["' '", ' '],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['1000001', MAX_QUANTITY + 1],
    ["'1000001'", String(MAX_QUANTITY + 1)],
    ["'12345678901' (11 digits)", '12345678901'],
  ])('rejects %s with validation_failed on field v', (_label, v) => {
    let err: unknown;
    try {
      parseCartChange(v);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationFailed);
    const failed = err as ValidationFailed;
    expect(failed).toBeInstanceOf(DomainError);
    expect(failed.status).toBe(400);
    expect(failed.code).toBe('validation_failed');
    expect(failed.details).toEqual([{ field: 'v', message: expect.stringContaining('whole number from 0 to 1000000') }]);
    expect((failed.details as { field: string }[])[0].field).toBe('v');
    expect(failed.message).toMatch(/^v: /);
  });
});
