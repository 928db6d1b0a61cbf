import { plainToInstance, Transform } from 'class-transformer';
import { isIP, IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min, MinLength, ValidateBy, ValidateIf, validateSync } from 'class-validator';
import { StartupError } from '../common/errors/startup-error';
import { compile as compileProxyAddr } from 'proxy-addr';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;
const toBool = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  return value;
};

/** A bind address: an IPv4 or IPv6 address, or a host name (letters, digits, dots and hyphens). */
const IsBindHost = () =>
  ValidateBy({
    name: 'isBindHost',
    validator: {
      validate: (v: unknown) => typeof v === 'string' && (isIP(v) || /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(v)),
      defaultMessage: () => 'HOST must be an IP address (e.g. 0.0.0.0, 127.0.0.1, ::) or a host name',
    },
  });

/** TRUST_PROXY as Express takes it: true/false, a hop count, or a list of proxy addresses/subnets; null when invalid. */
export function parseTrustProxy(value: string): boolean | number | string[] | null {
  const v = value.trim();
  if (v === 'true' || v === 'false') return v === 'true';
  if (/^\d{1,2}$/.test(v)) return Number(v);
  const list = v.split(',').map((x) => x.trim()).filter(Boolean);
  try {
    compileProxyAddr(list);
  } catch {
    return null;
  }
  return list.length > 0 ? list : null;
}

const IsTrustProxy = () =>
  ValidateBy({
    name: 'isTrustProxy',
    validator: {
      validate: (v: unknown) => typeof v === 'string' && parseTrustProxy(v) !== null,
      defaultMessage: () => 'TRUST_PROXY must be true, false, a hop count, or a list of addresses/subnets',
    },
  });

/** A comma-separated list of origins: scheme://host[:port] each, no path; or `*`. */
const IsOriginList = () =>
  ValidateBy({
    name: 'isOriginList',
    validator: {
      validate: (v: unknown) => typeof v === 'string' && parseOrigins(v) !== null,
      defaultMessage: () => 'CORS_ORIGINS must be * or a comma-separated list of origins such as https://shop.example,http://localhost:5173',
    },
  });

/** `*`, or the origins of a comma-separated list (each `http(s)://host[:port]`); null when one is not an origin. */
export function parseOrigins(value: string): '*' | string[] | null {
  if (value.trim() === '*') return '*';
  const origins = value.split(',').map((o) => o.trim()).filter((o) => o !== '');
  if (origins.length === 0) return null;
  for (const origin of origins) {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return null;
    }
    if (!['http:', 'https:'].includes(url.protocol) || url.origin !== origin.toLowerCase().replace(/\/$/, '')) return null;
  }
  return origins.map((o) => new URL(o).origin);
}

/**
 * Every setting the service reads from the environment. Validated once at start-up; a bad value
 * stops the process with a message naming the variable. Documented in README "Configuration".
 */
export class EnvironmentVariables {
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  PORT: number = 3000;

  /** Bind address; unset: every interface. */
  @IsOptional() @IsString() @IsBindHost()
  HOST?: string;

  @IsOptional() @IsString() @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  /** Postgres schema to use (tests give each file its own); default: the server's search_path. */
  @IsOptional() @IsString() @Matches(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'DATABASE_SCHEMA must be a lower-case SQL identifier' })
  DATABASE_SCHEMA?: string;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(200)
  DATABASE_POOL_SIZE: number = 10;

  /** How long a request waits for a pooled connection (the pool full, or the server out of connections) before 503 database_unavailable. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) @Max(60_000)
  DATABASE_POOL_TIMEOUT_MS: number = 2000;

  /** Postgres statement_timeout (and idle_in_transaction_session_timeout) per connection; the client gives up 1 s later. 0: none. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(600_000)
  DATABASE_STATEMENT_TIMEOUT_MS: number = 5000;

  @IsOptional() @IsString() @MinLength(1)
  DATA_DIR: string = './data';

  @IsOptional() @IsString() @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  /** Seed nodes of a Redis Cluster (`host:port,host:port,...`); selects cluster mode. Not with REDIS_URL. */
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9.-]{1,253}:\d{1,5}(,[A-Za-z0-9.-]{1,253}:\d{1,5}){0,99}$/, {
    message: 'REDIS_CLUSTER_NODES must be host:port pairs separated by commas',
  })
  REDIS_CLUSTER_NODES?: string;

  /** ACL user for the cluster nodes (with REDIS_URL, the URL's user is used unless this is set). */
  @IsOptional() @IsString() @MaxLength(200)
  REDIS_USERNAME?: string;

  /** Password for the cluster nodes (with REDIS_URL, the URL's password is used unless this is set). */
  @IsOptional() @IsString() @MaxLength(500)
  REDIS_PASSWORD?: string;

  /** TLS to the cluster nodes (with REDIS_URL, `rediss://` turns it on). */
  @IsOptional() @Transform(toBool) @IsIn([true, false], { message: 'REDIS_TLS must be true or false' })
  REDIS_TLS: boolean = false;

  @IsOptional() @IsString() @MaxLength(100)
  REDIS_KEY_PREFIX: string = 'cartwheel:';

  /**
   * How long a Redis command may take before the request answers 503 cart_store_unavailable. A
   * command can first wait for the auto-pipelined batch sent before it, so a request waits at most
   * about twice this for Redis: the default keeps it under a second.
   */
  @IsOptional() @Transform(toInt) @IsInt() @Min(50) @Max(60_000)
  REDIS_COMMAND_TIMEOUT_MS: number = 400;

  @IsOptional() @IsString() @MinLength(16, { message: 'ADMIN_API_KEY must be at least 16 characters' })
  ADMIN_API_KEY?: string;

  @IsOptional() @Transform(toInt) @IsInt() @Min(60) @Max(365 * 24 * 3600)
  CART_TTL_SECONDS: number = 30 * 24 * 3600;

  /** How long a cart may use a product's stock, name and price read from Postgres before reading it again; 0: never cached. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(60_000)
  PRODUCT_CACHE_TTL_MS: number = 1000;

  /** Each client IP's budget per minute for cart writes, sessions, login start and checkout; 0: no limit. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(1_000_000)
  RATE_LIMIT_PER_MINUTE: number = 1200;

  /**
   * Whom to believe about the client's address in X-Forwarded-For: false (nobody; the socket's
   * address counts), true (any proxy: only behind one that always sets it), a number of proxy hops,
   * or a comma-separated list of proxy addresses/subnets (or loopback, linklocal, uniquelocal).
   */
  @IsOptional() @IsString() @MaxLength(500) @IsTrustProxy()
  TRUST_PROXY: string = 'false';

  @IsOptional() @Transform(toBool) @IsIn([true, false], { message: 'RUN_MIGRATIONS must be true or false' })
  RUN_MIGRATIONS: boolean = true;

  @IsOptional() @IsIn(['error', 'warn', 'log', 'debug', 'verbose', 'silent'])
  LOG_LEVEL: string = 'log';

  /** Serve the storefront page at / (and its files under /storefront/); false for API-only deployments. */
  @IsOptional() @Transform(toBool) @IsIn([true, false], { message: 'STOREFRONT must be true or false' })
  STOREFRONT: boolean = true;

  /** json: one JSON object a line; pretty: for people. Unset: pretty on a terminal, JSON otherwise. */
  @IsOptional() @IsIn(['json', 'pretty'])
  LOG_FORMAT?: 'json' | 'pretty';

  /** Turns GET /metrics on; scrapers send it as `Authorization: Bearer <METRICS_TOKEN>`. */
  @IsOptional() @IsString() @Matches(/^[\x21-\x7e]{16,256}$/, { message: 'METRICS_TOKEN must be 16-256 printable characters without spaces' })
  METRICS_TOKEN?: string;

  /** Origins allowed to call the API from a browser (CORS); unset: no CORS headers at all. */
  @IsOptional() @IsString() @IsOriginList()
  CORS_ORIGINS?: string;
  /** On SIGTERM/SIGINT: the longest the service takes to finish the requests in flight and exit. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) @Max(600_000)
  SHUTDOWN_TIMEOUT_MS: number = 10_000;

  /** Facebook login is on when this is set; the next three are then required. */
  @IsOptional() @IsString() @Matches(/^\S{1,100}$/, { message: 'FACEBOOK_APP_ID must be the app id, without spaces' })
  FACEBOOK_APP_ID?: string;

  @ValidateIf((env: EnvironmentVariables) => !!env.FACEBOOK_APP_ID)
  @IsString({ message: 'FACEBOOK_APP_SECRET is required when FACEBOOK_APP_ID is set' }) @MinLength(1)
  FACEBOOK_APP_SECRET?: string;

  @ValidateIf((env: EnvironmentVariables) => !!env.FACEBOOK_APP_ID)
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { message: 'FACEBOOK_CALLBACK_URL must be the absolute http(s) URL of /auth/facebook/callback' })
  FACEBOOK_CALLBACK_URL?: string;

  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { message: 'FACEBOOK_AUTHORIZATION_URL must be an absolute http(s) URL' })
  FACEBOOK_AUTHORIZATION_URL?: string;

  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { message: 'FACEBOOK_TOKEN_URL must be an absolute http(s) URL' })
  FACEBOOK_TOKEN_URL?: string;

  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { message: 'FACEBOOK_PROFILE_URL must be an absolute http(s) URL' })
  FACEBOOK_PROFILE_URL?: string;

  @ValidateIf((env: EnvironmentVariables) => !!env.FACEBOOK_APP_ID || env.JWT_SECRET !== undefined)
  @IsString({ message: 'JWT_SECRET is required when FACEBOOK_APP_ID is set' })
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  /** Unset: the storefront's / next to FACEBOOK_CALLBACK_URL when STOREFRONT is on, else the callback answers JSON. */
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { message: 'AUTH_SUCCESS_REDIRECT must be an absolute http(s) URL' })
  AUTH_SUCCESS_REDIRECT?: string;
}

export class InvalidEnvironmentError extends StartupError {}

/** Validates and types the environment; throws InvalidEnvironmentError listing every bad variable. */
export function validateEnv(env: Record<string, unknown>): EnvironmentVariables {
  const known = new Set(Object.keys(new EnvironmentVariables()));
  const present = Object.fromEntries(Object.entries(env).filter(([k, v]) => known.has(k) && v !== undefined && v !== ''));
  const config = plainToInstance(EnvironmentVariables, present);
  const errors = validateSync(config, { skipMissingProperties: false, forbidUnknownValues: false });
  const lines = errors.map((e) => `  ${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
  if (config.REDIS_URL && config.REDIS_CLUSTER_NODES) lines.push('  REDIS_CLUSTER_NODES: set REDIS_URL (one node) or REDIS_CLUSTER_NODES (a cluster), not both');
  if (lines.length > 0) {
    throw new InvalidEnvironmentError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return config;
}
