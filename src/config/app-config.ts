import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { config as loadDotenv } from 'dotenv';
import { EnvDto } from './env.dto';

export type DatabaseConfig = { kind: 'mysql'; url: string; database: string } | { kind: 'sqlite'; path: string };

export interface S3Config {
  bucket: string;
  endpoint: string | undefined;
  region: string;
  accessKeyId: string | undefined;
  secretAccessKey: string | undefined;
  forcePathStyle: boolean;
}

export class ConfigError extends Error {}

/** The validated, defaulted configuration. Built once from the environment by `loadConfig`. */
export class AppConfig {
  readonly env!: 'development' | 'production' | 'test';
  readonly database!: DatabaseConfig;
  /** BullMQ's Redis; undefined means the in-process queue (embedded profile). */
  readonly redisUrl!: string | undefined;
  readonly jwtSecret!: string;
  readonly jwtSecretGenerated!: boolean;
  /** POST /api/auth/dev-token hands out tokens without a password: a development convenience only. */
  readonly devSignIn!: boolean;
  readonly exportDir!: string;
  readonly port!: number;
  readonly logLevel!: string;
  readonly exportConcurrency!: number;
  readonly exportAttempts!: number;
  /** BullMQ lock; also how long a silent attempt is trusted before another may take the job over. */
  readonly exportLockMs!: number;
  readonly exportProgressMs!: number;
  readonly exportRetentionMs!: number;
  readonly maxActiveExports!: number;
  /** Schedules whose cron fires more often than this are refused. */
  readonly scheduleMinIntervalMs!: number;
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
  /** Webhooks may go to loopback, private and link-local addresses (off in production: SSRF). */
  readonly webhookAllowPrivate!: boolean;
  /** First retry delay of a failed notification; later ones double. */
  readonly notifyRetryBaseMs!: number;

  constructor(values: Omit<AppConfig, 'embedded' | 'staleJobMs'>) {
    Object.assign(this, values);
  }

  get embedded(): boolean {
    return this.redisUrl === undefined;
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

function parseDatabase(url: string): DatabaseConfig {
  if (url.startsWith('sqlite:')) return { kind: 'sqlite', path: resolve(url.slice('sqlite:'.length)) };
  const parsed = new URL(url.replace(/^mariadb:/, 'mysql:'));
  return { kind: 'mysql', url: parsed.toString(), database: decodeURIComponent(parsed.pathname.slice(1)) };
}

/** Embedded/dev mode only: one random key kept beside the data so tokens survive restarts. */
function devJwtSecret(exportDir: string): string {
  const file = resolve(dirname(exportDir), '.dev-jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('hex');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** Without WEBHOOK_SECRET: a key derived from JWT_SECRET, so signing works out of the box and the JWT key never leaves. */
export function derivedWebhookSecret(jwtSecret: string): string {
  return createHmac('sha256', jwtSecret).update('exports-webhook-signing').digest('hex');
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env, readDotenv = true): AppConfig {
  if (readDotenv) loadDotenv({ quiet: true });
  const env = plainToInstance(EnvDto, { ...source }, { enableImplicitConversion: false });
  const errors = validateSync(env, { skipMissingProperties: false, forbidUnknownValues: false });
  const messages = errors.flatMap((e) => Object.values(e.constraints ?? {}));

  const nodeEnv = (env.NODE_ENV ?? 'development') as AppConfig['env'];
  if (nodeEnv === 'production' && !env.JWT_SECRET) messages.push('JWT_SECRET is required when NODE_ENV=production');
  if (nodeEnv === 'production' && env.DEV_SIGN_IN === 'true') messages.push('DEV_SIGN_IN cannot be true when NODE_ENV=production');
  if ((env.S3_ACCESS_KEY_ID === undefined) !== (env.S3_SECRET_ACCESS_KEY === undefined)) {
    messages.push('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together');
  }
  if (messages.length > 0) throw new ConfigError(`Invalid configuration: ${messages.join('; ')}`);

  const exportDir = resolve(env.EXPORT_DIR ?? './data/exports');
  const jwtSecret = env.JWT_SECRET ?? devJwtSecret(exportDir);
  return new AppConfig({
    env: nodeEnv,
    database: parseDatabase(env.DATABASE_URL ?? 'sqlite:./data/exports.sqlite'),
    redisUrl: env.REDIS_URL,
    jwtSecret,
    jwtSecretGenerated: env.JWT_SECRET === undefined,
    // A server with a real JWT_SECRET is presumed shared: no passwordless tokens unless asked for.
    devSignIn: nodeEnv !== 'production' && (env.DEV_SIGN_IN === undefined ? env.JWT_SECRET === undefined : env.DEV_SIGN_IN === 'true'),
    exportDir,
    port: env.PORT ?? 8000,
    logLevel: env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'warn' : 'info'),
    exportConcurrency: env.EXPORT_CONCURRENCY ?? 2,
    exportAttempts: env.EXPORT_ATTEMPTS ?? 3,
    exportLockMs: env.EXPORT_LOCK_MS ?? 30_000,
    exportProgressMs: env.EXPORT_PROGRESS_MS ?? 1000,
    exportRetentionMs: parseDuration(env.EXPORT_RETENTION ?? '7d'),
    maxActiveExports: env.MAX_ACTIVE_EXPORTS ?? 5,
    scheduleMinIntervalMs: parseDuration(env.SCHEDULE_MIN_INTERVAL ?? '1m'),
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
        }
      : undefined,
    smtpUrl: env.SMTP_URL,
    mailFrom: env.MAIL_FROM ?? 'Exports <exports@localhost>',
    webhookSecret: env.WEBHOOK_SECRET ?? derivedWebhookSecret(jwtSecret),
    webhookAllowPrivate: env.WEBHOOK_ALLOW_PRIVATE === undefined ? nodeEnv !== 'production' : env.WEBHOOK_ALLOW_PRIVATE === 'true',
    notifyRetryBaseMs: env.NOTIFY_RETRY_BASE_MS ?? 10_000,
  });
}
