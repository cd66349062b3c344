import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, ValidateBy } from 'class-validator';
import { isListenHost, parseTrustProxy } from './network';

const toInt = ({ value }: { value: unknown }): unknown => (typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value);

/** Every environment variable the service reads, with its rule. Defaults live in `app-config.ts`. */
export class EnvDto {
  @IsOptional()
  @IsIn(['development', 'production', 'test'])
  NODE_ENV?: string;

  @IsOptional()
  @Matches(/^(mysql|mariadb):\/\/[^/\s]+\/[A-Za-z0-9_$-]+(\?.*)?$|^sqlite:.+$/, {
    message: 'DATABASE_URL must look like mysql://user:pass@host:3306/db or sqlite:PATH',
  })
  DATABASE_URL?: string;

  @IsOptional()
  @Matches(/^(mysql|mariadb):\/\/[^/\s]+\/[A-Za-z0-9_$-]+(\?.*)?$/, {
    message: 'DATABASE_READ_URL must look like mysql://user:pass@replica:3306/db',
  })
  DATABASE_READ_URL?: string;

  @IsOptional()
  @Matches(/^rediss?:\/\/[^\s]+$/, { message: 'REDIS_URL must look like redis://host:6379' })
  REDIS_URL?: string;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  @IsOptional()
  @Matches(/^\d{1,6}[smhd]$/, { message: 'JWT_MAX_TTL must be a duration such as 24h, 30m or 7d' })
  JWT_MAX_TTL?: string;

  @IsOptional()
  @Matches(/^\S{1,512}$/, { message: 'JWT_ISSUER must be the issuer (iss) tokens carry, without spaces' })
  JWT_ISSUER?: string;

  @IsOptional()
  @Matches(/^\S{1,512}$/, { message: 'JWT_AUDIENCE must be the audience (aud) tokens carry, without spaces' })
  JWT_AUDIENCE?: string;

  // Keys fetched over plain http could be swapped on the way: only a loopback address may skip TLS.
  @IsOptional()
  @Matches(/^https:\/\/\S+$|^http:\/\/(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d+)?(\/\S*)?$/, {
    message: 'JWT_JWKS_URL must be an https URL (plain http only on loopback), such as https://idp.example.com/.well-known/jwks.json',
  })
  JWT_JWKS_URL?: string;

  @IsOptional()
  @Matches(/^[A-Za-z0-9_:-]{1,64}(\.[A-Za-z0-9_:-]{1,64}){0,4}$/, {
    message: 'JWT_ROLES_CLAIM must be a claim name or a dotted path such as realm_access.roles',
  })
  JWT_ROLES_CLAIM?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  EXPORT_DIR?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'PORT must be a whole number' })
  @Min(1)
  @Max(65535)
  PORT?: number;

  @IsOptional()
  @ValidateBy(
    { name: 'isListenHost', validator: { validate: (value) => typeof value === 'string' && isListenHost(value) } },
    {
      message: 'HOST must be an IP address to listen on (127.0.0.1, 0.0.0.0, ::) or localhost',
    },
  )
  HOST?: string;

  @IsOptional()
  @ValidateBy(
    { name: 'isTrustProxy', validator: { validate: (value) => typeof value === 'string' && parseTrustProxy(value) !== undefined } },
    {
      message: 'TRUST_PROXY must be true, false, a number of proxies, or comma-separated proxy addresses or subnets (10.0.0.0/8, loopback)',
    },
  )
  TRUST_PROXY?: string;

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'EXPORT_CONCURRENCY must be a whole number' })
  @Min(1)
  @Max(64)
  EXPORT_CONCURRENCY?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'EXPORT_ATTEMPTS must be a whole number' })
  @Min(1)
  @Max(20)
  EXPORT_ATTEMPTS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'EXPORT_LOCK_MS must be a whole number of milliseconds' })
  @Min(1000)
  EXPORT_LOCK_MS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'EXPORT_PROGRESS_MS must be a whole number of milliseconds' })
  @Min(50)
  @Max(60_000)
  EXPORT_PROGRESS_MS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'EXPORT_COMPRESSION_LEVEL must be a whole number from 0 to 9' })
  @Min(0, { message: 'EXPORT_COMPRESSION_LEVEL must be a whole number from 0 to 9' })
  @Max(9, { message: 'EXPORT_COMPRESSION_LEVEL must be a whole number from 0 to 9' })
  EXPORT_COMPRESSION_LEVEL?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'EXPORT_READ_BATCH_ROWS must be a whole number of rows' })
  @Min(100)
  @Max(1_000_000)
  EXPORT_READ_BATCH_ROWS?: number;

  @IsOptional()
  @Matches(/^[A-Za-z_]{1,64}=\d{1,12}(,[A-Za-z_]{1,64}=\d{1,12})*$/, {
    message: 'EXPORT_MAX_DB_LOAD must be a comma-separated list of status variables and thresholds, such as Threads_running=16',
  })
  EXPORT_MAX_DB_LOAD?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'EXPORT_MAX_ROWS_PER_SECOND must be a whole number of rows' })
  @Min(1)
  EXPORT_MAX_ROWS_PER_SECOND?: number;

  @IsOptional()
  @Matches(/^[A-Za-z0-9_:-]{1,64}$/, { message: 'QUEUE_PREFIX must be 1-64 letters, digits, _ : or -' })
  QUEUE_PREFIX?: string;

  @IsOptional()
  @Matches(/^\d{1,6}[smhd]$/, { message: 'EXPORT_RETENTION must be a duration such as 7d, 12h or 90m' })
  EXPORT_RETENTION?: string;

  @IsOptional()
  @Matches(/^\d{1,6}[smhd]$/, { message: 'SCHEDULE_MIN_INTERVAL must be a duration such as 1m, 30s or 1h' })
  SCHEDULE_MIN_INTERVAL?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'MAX_ACTIVE_EXPORTS must be a whole number' })
  @Min(1)
  @Max(1000)
  MAX_ACTIVE_EXPORTS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'MAX_SCHEDULES_PER_USER must be a whole number' })
  @Min(1)
  @Max(10_000)
  MAX_SCHEDULES_PER_USER?: number;

  @IsOptional()
  @Matches(/^\d{1,6}[smhd]$/, { message: 'SCHEDULE_RECONCILE_INTERVAL must be a duration such as 30s or 5m' })
  SCHEDULE_RECONCILE_INTERVAL?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'MAX_EVENT_STREAMS_PER_USER must be a whole number' })
  @Min(1)
  @Max(10_000)
  MAX_EVENT_STREAMS_PER_USER?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'RATE_LIMIT_PER_MINUTE must be a whole number' })
  @Min(1)
  RATE_LIMIT_PER_MINUTE?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'EXPORT_REQUESTS_PER_MINUTE must be a whole number' })
  @Min(1)
  EXPORT_REQUESTS_PER_MINUTE?: number;

  @IsOptional()
  @Matches(/^(\*|https?:\/\/[^\s,]+(,https?:\/\/[^\s,]+)*)$/, {
    message: 'CORS_ORIGINS must be * or a comma-separated list of http(s) origins',
  })
  CORS_ORIGINS?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'METRICS_PORT must be a whole number' })
  @Min(1)
  @Max(65535)
  METRICS_PORT?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'WORKER_NICE must be a whole number from 0 to 19' })
  @Min(0)
  @Max(19)
  WORKER_NICE?: number;

  @IsOptional()
  @Matches(/^\/\S+$/, { message: 'WORKER_HEARTBEAT_FILE must be an absolute path, such as /tmp/exports-worker.alive' })
  WORKER_HEARTBEAT_FILE?: string;

  @IsOptional()
  @Matches(/^https?:\/\/[^\s]+$/, {
    message: 'PUBLIC_URL must be the http(s) base URL users reach the API at, such as https://exports.example.com',
  })
  PUBLIC_URL?: string;

  @IsOptional()
  @Matches(/^\d{1,6}[smhd]$/, { message: 'DOWNLOAD_LINK_TTL must be a duration such as 15m or 1h' })
  DOWNLOAD_LINK_TTL?: string;

  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'S3_BUCKET must be a valid bucket name' })
  S3_BUCKET?: string;

  @IsOptional()
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'S3_ENDPOINT must be an http(s) URL' })
  S3_ENDPOINT?: string;

  @IsOptional()
  @Matches(/^[a-z0-9-]{2,32}$/, { message: 'S3_REGION must look like us-east-1' })
  S3_REGION?: string;

  @IsOptional()
  @IsString()
  S3_ACCESS_KEY_ID?: string;

  @IsOptional()
  @IsString()
  S3_SECRET_ACCESS_KEY?: string;

  @IsOptional()
  @IsIn(['true', 'false'], { message: 'S3_FORCE_PATH_STYLE must be true or false' })
  S3_FORCE_PATH_STYLE?: string;

  @IsOptional()
  @IsIn(['true', 'false'], { message: 'S3_DOWNLOAD_REDIRECT must be true or false' })
  S3_DOWNLOAD_REDIRECT?: string;

  @IsOptional()
  @IsIn(['true', 'false'], { message: 'DEV_SIGN_IN must be true or false' })
  DEV_SIGN_IN?: string;

  @IsOptional()
  @Matches(/^smtps?:\/\/[^\s]+$/, { message: 'SMTP_URL must look like smtp://user:pass@host:587' })
  SMTP_URL?: string;

  @IsOptional()
  @IsString()
  @MinLength(3)
  MAIL_FROM?: string;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'WEBHOOK_SECRET must be at least 32 characters' })
  WEBHOOK_SECRET?: string;

  @IsOptional()
  @IsIn(['true', 'false'], { message: 'WEBHOOK_ALLOW_PRIVATE must be true or false' })
  WEBHOOK_ALLOW_PRIVATE?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'NOTIFY_RETRY_BASE_MS must be a whole number of milliseconds' })
  @Min(10)
  @Max(600_000)
  NOTIFY_RETRY_BASE_MS?: number;
}
