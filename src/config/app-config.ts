import { createHmac } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { config as loadDotenv } from 'dotenv';
import { ConfigError } from './config-error';
import { devJwtSecret } from './dev-jwt-secret';
import { EnvDto } from './env.dto';
import { isLoopbackHost, parseTrustProxy } from './network';

/** zlib's fast level: ~4× the speed of its default for files ~20% larger (docs/benchmarks.md). */
export const DEFAULT_COMPRESSION_LEVEL = 1;
import type { TrustProxy } from './network';

export { ConfigError } from './config-error';

export type MysqlDatabaseConfig = { kind: 'mysql'; url: string; database: string };
export type DatabaseConfig = MysqlDatabaseConfig | { kind: 'sqlite'; path: string };

/** A global status variable (SHOW GLOBAL STATUS) and the value above which export reads pause. */
export interface LoadLimit {
  variable: string;
  max: number;
}

export interface S3Config {
  bucket: string;
  endpoint: string | undefined;
  region: string;
  accessKeyId: string | undefined;
  secretAccessKey: string | undefined;
  forcePathStyle: boolean;
  /** Downloads answer 302 to a presigned URL; when false the API streams the object itself. */
  downloadRedirect: boolean;
}

/** How bearer tokens are checked and minted (HS256 with jwtSecret; RS256/ES256 from the key set). */
export interface JwtConfig {
  /** The longest lifetime (exp - iat) a token may have, minted or received; as written, e.g. `24h`. */
  maxTtl: string;
  maxTtlSeconds: number;
  /** Required `iss` / `aud` of every token, and stamped on the tokens this service mints. */
  issuer: string | undefined;
  audience: string | undefined;
  /** An identity provider's JSON Web Key Set: its RS256/ES256 tokens are accepted too. */
  jwksUrl: string | undefined;
  /** Where the roles list sits in the claims: a name or a dotted path (`realm_access.roles`). */
  rolesClaim: string;
}

/** The validated, defaulted configuration. Built once from the environment by `loadConfig`. */
export class AppConfig {
  readonly env!: 'development' | 'production' | 'test';
  readonly database!: DatabaseConfig;
  /** Where exports read their rows (a MySQL replica); undefined: from `database`. */
  readonly readDatabase!: MysqlDatabaseConfig | undefined;
  /** BullMQ's Redis; undefined means the in-process queue (embedded profile). */
  readonly redisUrl!: string | undefined;
  readonly jwtSecret!: string;
  readonly jwtSecretGenerated!: boolean;
  readonly jwt!: JwtConfig;
  /** POST /api/auth/dev-token hands out tokens without a password: a development convenience only. */
  readonly devSignIn!: boolean;
  readonly exportDir!: string;
  readonly port!: number;
  /** The address the HTTP server listens on; undefined: every interface (IPv6 and IPv4 where available). */
  readonly host!: string | undefined;
  /** HOST is a loopback address: no other machine can reach the server. */
  readonly loopbackOnly!: boolean;
  /** express `trust proxy`: which X-Forwarded-For hops give the client's address (rate limits per address). */
  readonly trustProxy!: TrustProxy;
  readonly logLevel!: string;
  readonly exportConcurrency!: number;
  readonly exportAttempts!: number;
  /** BullMQ lock; also how long a silent attempt is trusted before another may take the job over. */
  readonly exportLockMs!: number;
  readonly exportProgressMs!: number;
  /** zlib's level for xlsx, gzip and zip (0-9). */
  readonly exportCompressionLevel!: number;
  /** Rows per keyset batch when reading from MySQL. */
  readonly exportReadBatchRows!: number;
  /** Export reads pause while any of these is over its limit on the server they read from (MySQL only). */
  readonly exportMaxDbLoad!: readonly LoadLimit[];
  /** Each export reads at most this many rows a second; undefined: as fast as it goes. */
  readonly exportMaxRowsPerSecond!: number | undefined;
  readonly exportRetentionMs!: number;
  readonly maxActiveExports!: number;
  /** Schedules whose cron fires more often than this are refused. */
  readonly scheduleMinIntervalMs!: number;
  readonly maxSchedulesPerUser!: number;
  /** How often workers bring BullMQ's job schedulers back in line with export_schedules. */
  readonly scheduleReconcileIntervalMs!: number;
  /** Live-progress streams one user may hold open on one API node. */
  readonly maxEventStreamsPerUser!: number;
  readonly rateLimitPerMinute!: number;
  readonly exportRequestsPerMinute!: number;
  readonly corsOrigins!: string[] | '*' | undefined;
  readonly queuePrefix!: string;
  /** Worker role only: serve this process's Prometheus metrics on this port (admin token). */
  readonly metricsPort!: number | undefined;
  /** Scheduling priority of worker processes (0-19): exports yield the CPU to the API and the database. */
  readonly workerNice!: number;
  /** Worker role only: touched after every maintenance sweep, for a container healthcheck. */
  readonly workerHeartbeatFile!: string | undefined;
  /** Base URL for links in emails and webhooks; the API's own address by default. */
  readonly publicUrl!: string;
  readonly downloadLinkTtlMs!: number;
  /** S3-compatible storage when set; local disk (EXPORT_DIR) otherwise. */
  readonly s3!: S3Config | undefined;
  /** Email notifications are sent through this SMTP server; disabled when unset. */
  readonly smtpUrl!: string | undefined;
  readonly mailFrom!: string;
  /** HMAC-SHA256 key of the Exports-Signature header on webhooks. */
  readonly webhookSecret!: string;
  /** Webhooks may go to loopback, private and link-local addresses (SSRF): by default only on a loopback-only dev server. */
  readonly webhookAllowPrivate!: boolean;
  /** First retry delay of a failed notification; later ones double. */
  readonly notifyRetryBaseMs!: number;

  constructor(values: Omit<AppConfig, 'embedded' | 'staleJobMs' | 'developmentServer'>) {
    Object.assign(this, values);
  }

  get embedded(): boolean {
    return this.redisUrl === undefined;
  }

  /** Signs with a generated key or hands out passwordless tokens: for trying things out, not for real data. */
  get developmentServer(): boolean {
    return this.jwtSecretGenerated || this.devSignIn;
  }

  /** A PROCESSING job silent for this long has no worker left to retry it: it is failed. */
  get staleJobMs(): number {
    return this.exportLockMs * 5;
  }
}

const DURATION_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(text: string): number {
  return Number(text.slice(0, -1)) * DURATION_UNITS[text.slice(-1)];
}

function parseMysql(url: string): MysqlDatabaseConfig {
  const parsed = new URL(url.replace(/^mariadb:/, 'mysql:'));
  return { kind: 'mysql', url: parsed.toString(), database: decodeURIComponent(parsed.pathname.slice(1)) };
}

function parseDatabase(url: string): DatabaseConfig {
  return url.startsWith('sqlite:') ? { kind: 'sqlite', path: resolve(url.slice('sqlite:'.length)) } : parseMysql(url);
}

/** `Threads_running=16,Threads_connected=400` as limits. */
function parseLoadLimits(text: string | undefined): LoadLimit[] {
  if (!text) return [];
  return text.split(',').map((pair) => {
    const [variable, max] = pair.split('=');
    return { variable, max: Number(max) };
  });
}

/** Without WEBHOOK_SECRET: a key derived from JWT_SECRET, so signing works out of the box and the JWT key never leaves. */
export function derivedWebhookSecret(jwtSecret: string): string {
  return createHmac('sha256', jwtSecret).update('exports-webhook-signing').digest('hex');
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env, readDotenv = true): AppConfig {
  if (readDotenv) loadDotenv({ quiet: true });
  const env = plainToInstance(EnvDto, { ...source }, { enableImplicitConversion: false });
  const errors = validateSync(env, { skipMissingProperties: false, forbidUnknownValues: false });
  // One sentence per variable: decorators run bottom-up, so the last failure is the first rule declared (its type).
  const messages = errors.flatMap((e) => Object.values(e.constraints ?? {}).slice(-1));

  const nodeEnv = (env.NODE_ENV ?? 'development') as AppConfig['env'];
  const jwtSecretGenerated = env.JWT_SECRET === undefined;
  // A generated key belongs to a newcomer's own machine: such a server listens on loopback unless told otherwise.
  const host = env.HOST ?? (jwtSecretGenerated ? '127.0.0.1' : undefined);
  const loopbackOnly = host !== undefined && isLoopbackHost(host);
  // Passwordless sign-in and webhooks to private addresses are safe by default only where nobody else can reach them.
  const localDevServer = nodeEnv !== 'production' && jwtSecretGenerated && loopbackOnly;
  const maxTtl = env.JWT_MAX_TTL ?? '24h';
  if (nodeEnv === 'production' && !env.JWT_SECRET) messages.push('JWT_SECRET is required when NODE_ENV=production');
  if (nodeEnv === 'production' && env.DEV_SIGN_IN === 'true') messages.push('DEV_SIGN_IN cannot be true when NODE_ENV=production');
  if (env.DEV_SIGN_IN === 'true' && jwtSecretGenerated && !loopbackOnly) {
    messages.push(`DEV_SIGN_IN=true on a server listening beyond loopback (HOST=${env.HOST}) needs a JWT_SECRET of its own`);
  }
  if (parseDuration(maxTtl) < 60_000) messages.push('JWT_MAX_TTL must be at least 1m');
  if ((env.S3_ACCESS_KEY_ID === undefined) !== (env.S3_SECRET_ACCESS_KEY === undefined)) {
    messages.push('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together');
  }
  if (env.SCHEDULE_RECONCILE_INTERVAL !== undefined && parseDuration(env.SCHEDULE_RECONCILE_INTERVAL) < 1000) {
    messages.push('SCHEDULE_RECONCILE_INTERVAL must be at least 1s');
  }
  const sqlite = (env.DATABASE_URL ?? 'sqlite:').startsWith('sqlite:');
  if (sqlite && env.DATABASE_READ_URL) {
    messages.push('DATABASE_READ_URL needs a MySQL DATABASE_URL (a SQLite database is read from its own file)');
  }
  if (sqlite && env.EXPORT_MAX_DB_LOAD) messages.push('EXPORT_MAX_DB_LOAD needs a MySQL database (it reads SHOW GLOBAL STATUS)');
  if (messages.length > 0) throw new ConfigError(`Invalid configuration: ${messages.join('; ')}`);

  const exportDir = resolve(env.EXPORT_DIR ?? './data/exports');
  const jwtSecret = env.JWT_SECRET ?? devJwtSecret(resolve(dirname(exportDir), '.dev-jwt-secret'));
  return new AppConfig({
    env: nodeEnv,
    database: parseDatabase(env.DATABASE_URL ?? 'sqlite:./data/exports.sqlite'),
    readDatabase: env.DATABASE_READ_URL ? parseMysql(env.DATABASE_READ_URL) : undefined,
    redisUrl: env.REDIS_URL,
    jwtSecret,
    jwtSecretGenerated,
    jwt: {
      maxTtl,
      maxTtlSeconds: parseDuration(maxTtl) / 1000,
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      jwksUrl: env.JWT_JWKS_URL,
      rolesClaim: env.JWT_ROLES_CLAIM ?? 'roles',
    },
    // A server with a real JWT_SECRET is presumed shared: no passwordless tokens unless asked for.
    devSignIn: nodeEnv !== 'production' && (env.DEV_SIGN_IN === undefined ? localDevServer : env.DEV_SIGN_IN === 'true'),
    exportDir,
    port: env.PORT ?? 8000,
    host,
    loopbackOnly,
    trustProxy: parseTrustProxy(env.TRUST_PROXY ?? 'false') ?? false,
    logLevel: env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'warn' : 'info'),
    exportConcurrency: env.EXPORT_CONCURRENCY ?? 2,
    exportAttempts: env.EXPORT_ATTEMPTS ?? 3,
    exportLockMs: env.EXPORT_LOCK_MS ?? 30_000,
    exportProgressMs: env.EXPORT_PROGRESS_MS ?? 1000,
    exportReadBatchRows: env.EXPORT_READ_BATCH_ROWS ?? 10_000,
    exportMaxDbLoad: parseLoadLimits(env.EXPORT_MAX_DB_LOAD),
    exportMaxRowsPerSecond: env.EXPORT_MAX_ROWS_PER_SECOND,
    exportCompressionLevel: env.EXPORT_COMPRESSION_LEVEL ?? DEFAULT_COMPRESSION_LEVEL,
    exportRetentionMs: parseDuration(env.EXPORT_RETENTION ?? '7d'),
    maxActiveExports: env.MAX_ACTIVE_EXPORTS ?? 5,
    scheduleMinIntervalMs: parseDuration(env.SCHEDULE_MIN_INTERVAL ?? '1m'),
    maxSchedulesPerUser: env.MAX_SCHEDULES_PER_USER ?? 20,
    scheduleReconcileIntervalMs: parseDuration(env.SCHEDULE_RECONCILE_INTERVAL ?? '30s'),
    maxEventStreamsPerUser: env.MAX_EVENT_STREAMS_PER_USER ?? 20,
    rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE ?? 600,
    exportRequestsPerMinute: env.EXPORT_REQUESTS_PER_MINUTE ?? 30,
    corsOrigins: env.CORS_ORIGINS === undefined ? undefined : env.CORS_ORIGINS === '*' ? '*' : env.CORS_ORIGINS.split(','),
    queuePrefix: env.QUEUE_PREFIX ?? 'exports',
    metricsPort: env.METRICS_PORT,
    workerNice: env.WORKER_NICE ?? 10,
    workerHeartbeatFile: env.WORKER_HEARTBEAT_FILE,
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT ?? 8000}`).replace(/\/+$/, ''),
    downloadLinkTtlMs: parseDuration(env.DOWNLOAD_LINK_TTL ?? '15m'),
    s3: env.S3_BUCKET
      ? {
          bucket: env.S3_BUCKET,
          endpoint: env.S3_ENDPOINT,
          region: env.S3_REGION ?? 'us-east-1',
          accessKeyId: env.S3_ACCESS_KEY_ID,
          secretAccessKey: env.S3_SECRET_ACCESS_KEY,
          forcePathStyle: env.S3_FORCE_PATH_STYLE === undefined ? env.S3_ENDPOINT !== undefined : env.S3_FORCE_PATH_STYLE === 'true',
          downloadRedirect: env.S3_DOWNLOAD_REDIRECT !== 'false',
        }
      : undefined,
    smtpUrl: env.SMTP_URL,
    mailFrom: env.MAIL_FROM ?? 'Exports <exports@localhost>',
    webhookSecret: env.WEBHOOK_SECRET ?? derivedWebhookSecret(jwtSecret),
    webhookAllowPrivate: env.WEBHOOK_ALLOW_PRIVATE === undefined ? localDevServer : env.WEBHOOK_ALLOW_PRIVATE === 'true',
    notifyRetryBaseMs: env.NOTIFY_RETRY_BASE_MS ?? 10_000,
  });
}
