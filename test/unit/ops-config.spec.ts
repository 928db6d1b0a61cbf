import { AppConfig } from '../../src/config/app.config';
import { InvalidEnvironmentError, parseOrigins, validateEnv } from '../../src/config/env.validation';
import { startupSummary } from '../../src/observability/startup';

const KEY = { ADMIN_API_KEY: 'k'.repeat(16) };

describe('Operations settings: HOST, LOG_FORMAT, METRICS_TOKEN, CORS_ORIGINS', () => {
  it('are off or unset by default', () => {
    const config = new AppConfig(validateEnv(KEY));
    expect(config.host).toBeUndefined();
    expect(config.logFormat).toBeUndefined();
    expect(config.metricsToken).toBeUndefined();
    expect(config.corsOrigins).toEqual([]);
  });

  it.each(['0.0.0.0', '127.0.0.1', '::', '::1', 'localhost', 'app-1.internal', 'fe80::1'])('HOST accepts %s', (host) => {
    expect(new AppConfig(validateEnv({ ...KEY, HOST: host })).host).toBe(host);
  });

  it.each(['http://0.0.0.0', '0.0.0.0:3000', 'my host', '-bad', 'a..b', 'under_score', 'x'.repeat(254)])('HOST refuses %s, naming it', (host) => {
    expect(() => validateEnv({ HOST: host })).toThrow(InvalidEnvironmentError);
    expect(() => validateEnv({ HOST: host })).toThrow(/HOST/);
  });

  it.each([
    ['LOG_FORMAT', 'xml'],
    ['METRICS_TOKEN', 'short'],
    ['METRICS_TOKEN', 'has a space in it, 16+ chars'],
    ['CORS_ORIGINS', 'shop.example'],
    ['CORS_ORIGINS', 'https://shop.example/path'],
    ['CORS_ORIGINS', 'ftp://shop.example'],
    ['CORS_ORIGINS', ' , '],
  ])('%s refuses %j', (name, value) => {
    expect(() => validateEnv({ [name]: value })).toThrow(new RegExp(name));
  });

  it('CORS_ORIGINS: a list of origins (trailing slashes and case normalised) or *', () => {
    expect(parseOrigins('https://Shop.example, http://localhost:5173/')).toEqual(['https://shop.example', 'http://localhost:5173']);
    expect(parseOrigins('*')).toBe('*');
    expect(new AppConfig(validateEnv({ ...KEY, CORS_ORIGINS: 'https://a.example,https://b.example' })).corsOrigins).toEqual(['https://a.example', 'https://b.example']);
  });

  it('the start-up summary names what runs, without passwords', () => {
    const config = new AppConfig(
      validateEnv({ ...KEY, DATABASE_URL: 'postgres://app:hunter2-pw@db.example:5432/shop', DATABASE_SCHEMA: 'cw', REDIS_URL: 'redis://:r3dis-pw@cache.example:6380/2', METRICS_TOKEN: 'm'.repeat(20) }),
    );
    const lines = startupSummary(config);
    expect(lines).toEqual([
      'database: Postgres at db.example:5432/shop, schema cw, pool 10',
      'cart store: Redis at cache.example:6380/2, key prefix cartwheel:',
      'login: off (FACEBOOK_APP_ID unset); metrics: GET /metrics with the METRICS_TOKEN Bearer token; CORS off',
    ]);
    expect(lines.join('\n')).not.toMatch(/hunter2|r3dis|mmmm/);
    expect(startupSummary(new AppConfig(validateEnv({ ...KEY, DATA_DIR: '/var/lib/cw' })))[0]).toBe('database: Embedded Postgres (PGlite) in /var/lib/cw (one process per DATA_DIR)');
  });

  it('names a Redis Cluster as the cart store, not process memory', () => {
    const config = new AppConfig(validateEnv({ ...KEY, REDIS_CLUSTER_NODES: 'r1:7000,r2:7000', REDIS_PASSWORD: 'cluster-pw' }));
    expect(startupSummary(config)[1]).toBe('cart store: Redis cluster r1:7000,r2:7000, key prefix cartwheel:');
    expect(startupSummary(config).join('\n')).not.toMatch(/cluster-pw/);
  });
});
