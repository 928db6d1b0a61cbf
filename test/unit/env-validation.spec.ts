import { EnvironmentVariables, InvalidEnvironmentError, validateEnv } from '../../src/config/env.validation';

const KEY = 'k'.repeat(16);

describe('validateEnv', () => {
  it('applies the defaults to an empty environment', () => {
    const config = validateEnv({});
    expect(config).toBeInstanceOf(EnvironmentVariables);
    expect(config).toMatchObject({
      PORT: 3000,
      DATA_DIR: './data',
      CART_TTL_SECONDS: 2_592_000,
      RUN_MIGRATIONS: true,
      DATABASE_POOL_SIZE: 10,
      REDIS_KEY_PREFIX: 'cartwheel:',
      LOG_LEVEL: 'log',
      REDIS_COMMAND_TIMEOUT_MS: 400,
      DATABASE_POOL_TIMEOUT_MS: 2000,
      DATABASE_STATEMENT_TIMEOUT_MS: 5000,
      SHUTDOWN_TIMEOUT_MS: 10_000,
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
    expect(config.ADMIN_API_KEY).toBeUndefined();
  });

  it('treats empty strings as unset (defaults apply, optional values stay undefined)', () => {
    const config = validateEnv({
      PORT: '',
      DATA_DIR: '',
      CART_TTL_SECONDS: '',
      RUN_MIGRATIONS: '',
      DATABASE_URL: '',
      REDIS_URL: '',
      ADMIN_API_KEY: '',
    });
    expect(config).toMatchObject({ PORT: 3000, DATA_DIR: './data', CART_TTL_SECONDS: 2_592_000, RUN_MIGRATIONS: true });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
    expect(config.ADMIN_API_KEY).toBeUndefined();
  });

  it.each<[string, Record<string, string>, Partial<EnvironmentVariables>]>([
    ['PORT numeric string', { PORT: '8080' }, { PORT: 8080 }],
    ['PORT with spaces', { PORT: ' 8080 ' }, { PORT: 8080 }],
    ['PORT 0', { PORT: '0' }, { PORT: 0 }],
    ['PORT 65535', { PORT: '65535' }, { PORT: 65535 }],
    ['CART_TTL_SECONDS minimum', { CART_TTL_SECONDS: '60' }, { CART_TTL_SECONDS: 60 }],
    ['CART_TTL_SECONDS maximum', { CART_TTL_SECONDS: '31536000' }, { CART_TTL_SECONDS: 31_536_000 }],
    ['DATABASE_POOL_SIZE', { DATABASE_POOL_SIZE: '25' }, { DATABASE_POOL_SIZE: 25 }],
    ['RUN_MIGRATIONS false', { RUN_MIGRATIONS: 'false' }, { RUN_MIGRATIONS: false }],
    ['RUN_MIGRATIONS 0', { RUN_MIGRATIONS: '0' }, { RUN_MIGRATIONS: false }],
    ['RUN_MIGRATIONS " OFF "', { RUN_MIGRATIONS: ' OFF ' }, { RUN_MIGRATIONS: false }],
    ['RUN_MIGRATIONS yes', { RUN_MIGRATIONS: 'yes' }, { RUN_MIGRATIONS: true }],
    ['RUN_MIGRATIONS TRUE', { RUN_MIGRATIONS: 'TRUE' }, { RUN_MIGRATIONS: true }],
    ['DATABASE_URL postgres://', { DATABASE_URL: 'postgres://u:p@h:5432/db' }, { DATABASE_URL: 'postgres://u:p@h:5432/db' }],
    ['DATABASE_URL postgresql://', { DATABASE_URL: 'postgresql://h/db' }, { DATABASE_URL: 'postgresql://h/db' }],
    ['REDIS_URL redis://', { REDIS_URL: 'redis://localhost:6379' }, { REDIS_URL: 'redis://localhost:6379' }],
    ['REDIS_URL rediss://', { REDIS_URL: 'rediss://h:6380' }, { REDIS_URL: 'rediss://h:6380' }],
    ['ADMIN_API_KEY of 16 chars', { ADMIN_API_KEY: KEY }, { ADMIN_API_KEY: KEY }],
    ['DATA_DIR', { DATA_DIR: '/var/lib/cartwheel' }, { DATA_DIR: '/var/lib/cartwheel' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'silent' }, { LOG_LEVEL: 'silent' }],
    ['REDIS_COMMAND_TIMEOUT_MS', { REDIS_COMMAND_TIMEOUT_MS: '250' }, { REDIS_COMMAND_TIMEOUT_MS: 250 }],
    ['DATABASE_POOL_TIMEOUT_MS', { DATABASE_POOL_TIMEOUT_MS: '3000' }, { DATABASE_POOL_TIMEOUT_MS: 3000 }],
    ['DATABASE_STATEMENT_TIMEOUT_MS 0 (none)', { DATABASE_STATEMENT_TIMEOUT_MS: '0' }, { DATABASE_STATEMENT_TIMEOUT_MS: 0 }],
    ['SHUTDOWN_TIMEOUT_MS', { SHUTDOWN_TIMEOUT_MS: '30000' }, { SHUTDOWN_TIMEOUT_MS: 30_000 }],
  ])('accepts %s', (_name, env, expected) => {
    expect(validateEnv(env)).toMatchObject(expected);
  });

  it('converts numeric strings to numbers (typeof number, not string)', () => {
    const config = validateEnv({ PORT: '4000', CART_TTL_SECONDS: '3600', DATABASE_POOL_SIZE: '5' });
    expect([typeof config.PORT, typeof config.CART_TTL_SECONDS, typeof config.DATABASE_POOL_SIZE]).toEqual(['number', 'number', 'number']);
    expect(typeof validateEnv({ RUN_MIGRATIONS: 'no' }).RUN_MIGRATIONS).toBe('boolean');
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['DATABASE_URL', 'mysql://x'],
    ['DATABASE_URL', 'postgres://'],
    ['REDIS_URL', 'http://x'],
    ['ADMIN_API_KEY', 'short'],
    ['ADMIN_API_KEY', 'k'.repeat(15)],
    ['CART_TTL_SECONDS', '5'],
    ['CART_TTL_SECONDS', '31536001'],
    ['RUN_MIGRATIONS', 'maybe'],
    ['DATABASE_POOL_SIZE', '0'],
    ['DATABASE_SCHEMA', 'Bad-Schema'],
    ['LOG_LEVEL', 'chatty'],
    ['REDIS_COMMAND_TIMEOUT_MS', '10'],
    ['REDIS_COMMAND_TIMEOUT_MS', 'soon'],
    ['DATABASE_POOL_TIMEOUT_MS', '0'],
    ['DATABASE_STATEMENT_TIMEOUT_MS', '-1'],
    ['SHUTDOWN_TIMEOUT_MS', '50'],
  ])('rejects %s=%p with InvalidEnvironmentError naming the variable', (name, value) => {
    let err: unknown;
    try {
      validateEnv({ [name]: value });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidEnvironmentError);
    const message = (err as Error).message;
    expect(message).toMatch(/^Invalid configuration:\n/);
    expect(message).toContain(`  ${name}: `);
    // exactly one offending variable is listed
    expect(message.split('\n')).toHaveLength(2);
  });

  it('lists every bad variable in one error', () => {
    expect(() => validateEnv({ PORT: 'abc', REDIS_URL: 'http://x', RUN_MIGRATIONS: 'maybe', DATA_DIR: './ok' })).toThrow(
      expect.objectContaining({
        message: expect.stringMatching(/PORT: [\s\S]*REDIS_URL: REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL[\s\S]*RUN_MIGRATIONS: RUN_MIGRATIONS must be true or false/),
      }),
    );
  });

  it.each([
    ['DATABASE_URL', 'mysql://x', 'DATABASE_URL must be a postgres:// URL'],
    ['ADMIN_API_KEY', 'short', 'ADMIN_API_KEY must be at least 16 characters'],
  ])('uses the custom message for %s', (name, value, text) => {
    expect(() => validateEnv({ [name]: value })).toThrow(`${name}: ${text}`);
  });
});
