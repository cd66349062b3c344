import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { config as loadDotenv } from 'dotenv';
import { EnvDto } from './env.dto';

export type DatabaseConfig = { kind: 'mysql'; url: string; database: string } | { kind: 'sqlite'; path: string };

export class ConfigError extends Error {}

/** The validated, defaulted configuration. Built once from the environment by `loadConfig`. */
export class AppConfig {
  constructor(
    readonly env: 'development' | 'production' | 'test',
    readonly database: DatabaseConfig,
    readonly redisUrl: string | undefined,
    readonly jwtSecret: string,
    readonly jwtSecretGenerated: boolean,
    readonly exportDir: string,
    readonly port: number,
    readonly logLevel: string,
    readonly exportConcurrency: number,
    readonly exportAttempts: number,
    readonly exportLockMs: number,
    readonly exportProgressMs: number,
    readonly queuePrefix: string,
  ) {}

  get embedded(): boolean {
    return this.redisUrl === undefined;
  }
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

export function loadConfig(source: NodeJS.ProcessEnv = process.env, readDotenv = true): AppConfig {
  if (readDotenv) loadDotenv({ quiet: true });
  const env = plainToInstance(EnvDto, { ...source }, { enableImplicitConversion: false });
  const errors = validateSync(env, { skipMissingProperties: false, forbidUnknownValues: false });
  const messages = errors.flatMap((e) => Object.values(e.constraints ?? {}));

  const nodeEnv = (env.NODE_ENV ?? 'development') as AppConfig['env'];
  if (nodeEnv === 'production' && !env.JWT_SECRET) messages.push('JWT_SECRET is required when NODE_ENV=production');
  if (messages.length > 0) throw new ConfigError(`Invalid configuration: ${messages.join('; ')}`);

  const exportDir = resolve(env.EXPORT_DIR ?? './data/exports');
  return new AppConfig(
    nodeEnv,
    parseDatabase(env.DATABASE_URL ?? 'sqlite:./data/exports.sqlite'),
    env.REDIS_URL,
    env.JWT_SECRET ?? devJwtSecret(exportDir),
    env.JWT_SECRET === undefined,
    exportDir,
    env.PORT ?? 8000,
    env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'warn' : 'info'),
    env.EXPORT_CONCURRENCY ?? 2,
    env.EXPORT_ATTEMPTS ?? 3,
    env.EXPORT_LOCK_MS ?? 30_000,
    env.EXPORT_PROGRESS_MS ?? 1000,
    env.QUEUE_PREFIX ?? 'exports',
  );
}
