import { Logger } from '@nestjs/common';
import { AppConfig } from '../../src/config/app.config';
import { InvalidEnvironmentError, validateEnv } from '../../src/config/env.validation';

const LOGIN = {
  FACEBOOK_APP_ID: '1234',
  FACEBOOK_APP_SECRET: 'secret',
  FACEBOOK_CALLBACK_URL: 'https://shop.example/auth/facebook/callback',
  JWT_SECRET: 'j'.repeat(32),
};

describe('AppConfig', () => {
  it('without ADMIN_API_KEY generates a random key and logs it once', () => {
    const logger = new Logger('test');
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const a = new AppConfig(validateEnv({}), logger);
    const b = new AppConfig(validateEnv({}), logger);
    expect(a.adminApiKey).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(b.adminApiKey).not.toBe(a.adminApiKey);
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn.mock.calls[0][0]).toContain(a.adminApiKey);
  });

  it('uses ADMIN_API_KEY when set, and logs nothing', () => {
    const logger = new Logger('test');
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    expect(new AppConfig(validateEnv({ ADMIN_API_KEY: 'k'.repeat(20) }), logger).adminApiKey).toBe('k'.repeat(20));
    expect(warn).not.toHaveBeenCalled();
  });

  it('turns login on only with FACEBOOK_APP_ID, and keeps the endpoint overrides', () => {
    const silent = { warn: () => undefined } as unknown as Logger;
    expect(new AppConfig(validateEnv({}), silent).facebook).toBeNull();
    const on = new AppConfig(validateEnv({ ...LOGIN, FACEBOOK_TOKEN_URL: 'http://127.0.0.1:9/token' }), silent);
    expect(on.facebook).toEqual({
      appId: '1234',
      appSecret: 'secret',
      callbackUrl: 'https://shop.example/auth/facebook/callback',
      authorizationUrl: undefined,
      tokenUrl: 'http://127.0.0.1:9/token',
      profileUrl: undefined,
    });
    expect(on.jwtSecret).toBe('j'.repeat(32));
  });

  it.each([
    ['FACEBOOK_APP_SECRET', { ...LOGIN, FACEBOOK_APP_SECRET: undefined }],
    ['FACEBOOK_CALLBACK_URL', { ...LOGIN, FACEBOOK_CALLBACK_URL: undefined }],
    ['FACEBOOK_CALLBACK_URL', { ...LOGIN, FACEBOOK_CALLBACK_URL: 'not a url' }],
    ['JWT_SECRET', { ...LOGIN, JWT_SECRET: undefined }],
    ['JWT_SECRET', { ...LOGIN, JWT_SECRET: 'j'.repeat(31) }],
    ['JWT_SECRET', { JWT_SECRET: 'short' }],
    ['AUTH_SUCCESS_REDIRECT', { AUTH_SUCCESS_REDIRECT: 'welcome' }],
    ['PRODUCT_CACHE_TTL_MS', { PRODUCT_CACHE_TTL_MS: '60001' }],
  ])('refuses a login or cache setting: %s', (variable, env) => {
    expect(() => validateEnv(env)).toThrow(InvalidEnvironmentError);
    expect(() => validateEnv(env)).toThrow(new RegExp(`${variable}:`));
  });
});

describe('AppConfig rate limits and proxies', () => {
  const quiet = { warn: () => undefined } as never;
  const build = (env: Record<string, string>) => new AppConfig(validateEnv({ ADMIN_API_KEY: 'k'.repeat(16), ...env }), quiet);

  it('limits 1200 a minute and trusts no proxy by default', () => {
    expect(build({})).toMatchObject({ rateLimitPerMinute: 1200, trustProxy: false });
  });

  it.each([
    ['true', true],
    ['false', false],
    ['2', 2],
    ['loopback, 10.0.0.0/8', ['loopback', '10.0.0.0/8']],
  ] as [string, unknown][])('TRUST_PROXY=%p is %p', (value, expected) => {
    expect(build({ TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it('warns at start-up when TRUST_PROXY is a hop count (it believes any nearest hop), not when it names addresses', () => {
    const logger = new Logger('test');
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    new AppConfig(validateEnv({ ADMIN_API_KEY: 'k'.repeat(20), TRUST_PROXY: '1' }), logger);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toMatch(/^TRUST_PROXY=1 .*addresses or subnets instead$/);
    warn.mockClear();
    new AppConfig(validateEnv({ ADMIN_API_KEY: 'k'.repeat(20), TRUST_PROXY: '10.0.0.0/8' }), logger);
    new AppConfig(validateEnv({ ADMIN_API_KEY: 'k'.repeat(20), TRUST_PROXY: '0' }), logger);
    expect(warn).not.toHaveBeenCalled();
  });

  it.each(['10.0.0.999', 'proxy.example', 'yes please!'])('refuses TRUST_PROXY=%p at start-up, naming it', (value) => {
    expect(() => build({ TRUST_PROXY: value })).toThrow(/TRUST_PROXY/);
  });

  it('refuses a negative RATE_LIMIT_PER_MINUTE', () => {
    expect(() => build({ RATE_LIMIT_PER_MINUTE: '-1' })).toThrow(/RATE_LIMIT_PER_MINUTE/);
  });
});

describe('AppConfig fault bounds', () => {
  const quiet = { warn: () => undefined } as never;
  const build = (env: Record<string, string>) => new AppConfig(validateEnv({ ADMIN_API_KEY: 'k'.repeat(16), ...env }), quiet);

  it('defaults: Redis commands 400 ms, pool wait 2 s, statements 5 s, shutdown 10 s', () => {
    expect(build({})).toMatchObject({
      redis: { commandTimeoutMs: 400 },
      database: { poolTimeoutMs: 2000, statementTimeoutMs: 5000 },
      shutdownTimeoutMs: 10_000,
    });
  });

  it('takes them from the environment', () => {
    expect(
      build({ REDIS_COMMAND_TIMEOUT_MS: '200', DATABASE_POOL_TIMEOUT_MS: '500', DATABASE_STATEMENT_TIMEOUT_MS: '0', SHUTDOWN_TIMEOUT_MS: '2500' }),
    ).toMatchObject({ redis: { commandTimeoutMs: 200 }, database: { poolTimeoutMs: 500, statementTimeoutMs: 0 }, shutdownTimeoutMs: 2500 });
  });
});

describe('AppConfig Redis Cluster settings', () => {
  const quiet = { warn: () => undefined } as never;
  const build = (env: Record<string, string>) => new AppConfig(validateEnv({ ADMIN_API_KEY: 'k'.repeat(16), ...env }), quiet);

  it('reads the seed nodes, credentials and TLS', () => {
    expect(build({ REDIS_CLUSTER_NODES: 'redis-1:6379,10.0.0.2:7000', REDIS_PASSWORD: 'p', REDIS_TLS: 'true' }).redis).toMatchObject({
      url: undefined,
      clusterNodes: [{ host: 'redis-1', port: 6379 }, { host: '10.0.0.2', port: 7000 }],
      password: 'p',
      tls: true,
    });
  });

  it.each(['redis-1', 'redis-1:', ':6379', 'redis://redis-1:6379', 'a:1,,b:2'])('refuses REDIS_CLUSTER_NODES=%p, naming it', (value) => {
    expect(() => build({ REDIS_CLUSTER_NODES: value })).toThrow(/REDIS_CLUSTER_NODES/);
  });

  it('refuses REDIS_URL and REDIS_CLUSTER_NODES together', () => {
    expect(() => build({ REDIS_URL: 'redis://x:6379', REDIS_CLUSTER_NODES: 'y:7000' })).toThrow(/REDIS_CLUSTER_NODES: set REDIS_URL .* or REDIS_CLUSTER_NODES .*, not both/);
  });
});
