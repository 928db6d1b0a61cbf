import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EnvironmentVariables, parseOrigins, parseTrustProxy, validateEnv } from './env.validation';

/** The validated settings, typed and grouped. Built once at start-up from the environment. */
export class AppConfig {
  readonly port: number;
  /** Bind address; undefined: every interface. */
  readonly host?: string;
  readonly database: {
    /** Unset: embedded Postgres (PGlite) under dataDir. */
    url?: string;
    schema?: string;
    poolSize: number;
    /** The longest wait for a pooled connection. */
    poolTimeoutMs: number;
    /** statement_timeout; 0: none. */
    statementTimeoutMs: number;
    dataDir: string;
    runMigrations: boolean;
  };
  readonly redis: {
    /** A single node; unset with clusterNodes (a cluster) or neither (the in-process stores). */
    url?: string;
    clusterNodes?: { host: string; port: number }[];
    username?: string;
    password?: string;
    tls: boolean;
    keyPrefix: string;
    commandTimeoutMs: number;
  };
  readonly adminApiKey: string;
  readonly cartTtlSeconds: number;
  readonly productCacheTtlMs: number;
  /** Requests per minute per client IP on the rate-limited routes; 0: off. */
  readonly rateLimitPerMinute: number;
  /** TRUST_PROXY, validated (and warned about) here; createHttpAdapter reads the variable itself: the adapter exists before the configuration. */
  readonly trustProxy: boolean | number | string[];
  readonly logLevel: string;
  /** undefined: pretty on a terminal, JSON otherwise. */
  readonly logFormat?: 'json' | 'pretty';
  /** GET /metrics answers only with this Bearer token; undefined: /metrics is 404. */
  readonly metricsToken?: string;
  /** Origins allowed by CORS (`*`: any); empty: CORS off. */
  readonly corsOrigins: '*' | string[];
  readonly shutdownTimeoutMs: number;
  /** null: login is off and its routes answer 503 login_disabled. */
  readonly facebook: {
    appId: string;
    appSecret: string;
    callbackUrl: string;
    authorizationUrl?: string;
    tokenUrl?: string;
    profileUrl?: string;
  } | null;
  /** Signs the login tokens; random per process when login is off (no token can then exist). */
  readonly jwtSecret: string;
  /** Where the login callback sends the browser (with #token=...); undefined: it answers JSON. */
  readonly authSuccessRedirect?: string;
  /** Serve the storefront page at / and its files under /storefront/. */
  readonly storefront: boolean;

  constructor(env: EnvironmentVariables, logger = new Logger('Config')) {
    this.port = env.PORT;
    this.host = env.HOST;
    this.database = {
      url: env.DATABASE_URL,
      schema: env.DATABASE_SCHEMA,
      poolSize: env.DATABASE_POOL_SIZE,
      poolTimeoutMs: env.DATABASE_POOL_TIMEOUT_MS,
      statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
      dataDir: path.resolve(env.DATA_DIR),
      runMigrations: env.RUN_MIGRATIONS,
    };
    this.redis = {
      url: env.REDIS_URL,
      clusterNodes: env.REDIS_CLUSTER_NODES?.split(',').map((node) => {
        const i = node.lastIndexOf(':');
        return { host: node.slice(0, i), port: Number(node.slice(i + 1)) };
      }),
      username: env.REDIS_USERNAME,
      password: env.REDIS_PASSWORD,
      tls: env.REDIS_TLS,
      keyPrefix: env.REDIS_KEY_PREFIX,
      commandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS,
    };
    this.cartTtlSeconds = env.CART_TTL_SECONDS;
    this.productCacheTtlMs = env.PRODUCT_CACHE_TTL_MS;
    this.rateLimitPerMinute = env.RATE_LIMIT_PER_MINUTE;
    this.trustProxy = parseTrustProxy(env.TRUST_PROXY)!; // validated
    if (typeof this.trustProxy === 'number' && this.trustProxy > 0) {
      logger.warn(
        `TRUST_PROXY=${this.trustProxy} believes the nearest ${this.trustProxy} hop(s) whatever their address: a client that reaches the service directly picks its own address (and rate-limit budget); name the proxies' addresses or subnets instead`,
      );
    }
    this.logLevel = env.LOG_LEVEL;
    this.logFormat = env.LOG_FORMAT;
    this.metricsToken = env.METRICS_TOKEN;
    this.corsOrigins = env.CORS_ORIGINS ? (parseOrigins(env.CORS_ORIGINS) ?? []) : [];
    this.shutdownTimeoutMs = env.SHUTDOWN_TIMEOUT_MS;
    this.facebook = env.FACEBOOK_APP_ID
      ? {
          appId: env.FACEBOOK_APP_ID,
          appSecret: env.FACEBOOK_APP_SECRET!,
          callbackUrl: env.FACEBOOK_CALLBACK_URL!,
          authorizationUrl: env.FACEBOOK_AUTHORIZATION_URL,
          tokenUrl: env.FACEBOOK_TOKEN_URL,
          profileUrl: env.FACEBOOK_PROFILE_URL,
        }
      : null;
    this.jwtSecret = env.JWT_SECRET ?? randomBytes(32).toString('base64url');
    this.storefront = env.STOREFRONT;
    this.authSuccessRedirect = env.AUTH_SUCCESS_REDIRECT ?? (this.facebook && this.storefront ? storefrontUrl(this.facebook.callbackUrl) : undefined);
    if (env.ADMIN_API_KEY) {
      this.adminApiKey = env.ADMIN_API_KEY;
    } else {
      this.adminApiKey = randomBytes(24).toString('base64url');
      logger.warn(`ADMIN_API_KEY is not set; generated one for this run: ${this.adminApiKey}`);
    }
  }

  /** Validates the variables ConfigService sees (the process environment); throws InvalidEnvironmentError. */
  static fromConfigService(config: ConfigService): AppConfig {
    const raw = Object.fromEntries(ENV_KEYS.map((key) => [key, config.get<unknown>(key)]));
    return new AppConfig(validateEnv(raw));
  }
}

const ENV_KEYS = Object.keys(new EnvironmentVariables());

/**
 * The storefront's page of the service whose login callback is `callbackUrl`: the `/` that
 * `/auth/facebook/callback` hangs from (`https://shop.example/auth/facebook/callback` gives
 * `https://shop.example/`; behind a path prefix, `https://x/shop/auth/facebook/callback` gives `https://x/shop/`).
 */
export function storefrontUrl(callbackUrl: string): string {
  const url = new URL(callbackUrl);
  const suffix = '/auth/facebook/callback';
  const base = url.pathname.endsWith(suffix) ? url.pathname.slice(0, -suffix.length) : '';
  return new URL(`${base}/`, url.origin).toString();
}

