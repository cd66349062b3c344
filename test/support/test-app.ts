import type { INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { TestingModuleBuilder } from '@nestjs/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import type { AppRole } from '../../src/app-role';
import { loadConfig } from '../../src/config/app-config';
import type { AppConfig } from '../../src/config/app-config';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { runMigrations } from '../../src/database/migrate';
import { DOMAIN_MODULES } from '../../src/domains';
import { configureHttp } from '../../src/http/configure-http';
import { watchProblems } from './problems';
import { createMariaDb, createQueuePrefix, createTempDir, REDIS_SERVER, TEST_JWT_SECRET } from './test-env';

export interface TestStack {
  env: Record<string, string>;
  config: AppConfig;
  exportDir: string;
  /** A connection of the test's own to the same database, for setup and for checking results. */
  db: DataSource;
  /** The domain modules the stack's database and apps have. */
  domains: readonly Type[];
  teardown(): Promise<void>;
}

export interface StackOptions {
  database: 'mariadb' | 'sqlite';
  redis: boolean;
  env?: Record<string, string>;
  /** Domain modules to migrate and serve; every one of the service's by default. */
  domains?: readonly Type[];
}

/** A fresh database (migrated), export folder and queue prefix; nothing shared with other runs. */
export async function createTestStack(options: StackOptions): Promise<TestStack> {
  const dir = createTempDir();
  const maria = options.database === 'mariadb' ? await createMariaDb() : undefined;
  const queue = options.redis ? createQueuePrefix() : undefined;
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    JWT_SECRET: TEST_JWT_SECRET,
    // Limits get their own tests; elsewhere they would only throttle the suite.
    RATE_LIMIT_PER_MINUTE: '100000',
    EXPORT_REQUESTS_PER_MINUTE: '100000',
    MAX_ACTIVE_EXPORTS: '1000',
    // Test receivers listen on loopback; the guard's own tests turn this off.
    WEBHOOK_ALLOW_PRIVATE: 'true',
    EXPORT_DIR: `${dir.path}/exports`,
    DATABASE_URL: maria ? maria.url : `sqlite:${dir.path}/exports.sqlite`,
    ...(queue ? { REDIS_URL: REDIS_SERVER, QUEUE_PREFIX: queue.prefix } : {}),
    ...options.env,
  };
  const config = loadConfig(env, false);
  const domains = options.domains ?? DOMAIN_MODULES;
  await runMigrations(config.database, domains);
  const db = new DataSource(dataSourceOptions(config.database, domains));
  await db.initialize();
  return {
    env,
    config,
    exportDir: config.exportDir,
    db,
    domains,
    teardown: async () => {
      await db.destroy();
      await queue?.clear();
      await maria?.drop();
      dir.remove();
    },
  };
}

export interface TestApp {
  app: INestApplication;
  http: () => ReturnType<typeof request>;
  close(): Promise<void>;
}

/** Boots the real AppModule in this process against a stack; `customize` may override a provider. */
export async function startTestApp(
  stack: TestStack,
  role: AppRole = 'all',
  customize: (builder: TestingModuleBuilder) => TestingModuleBuilder = (builder) => builder,
): Promise<TestApp> {
  const moduleRef = await customize(
    Test.createTestingModule({ imports: [AppModule.forRoot(stack.config, role, stack.domains)] }),
  ).compile();
  const app = moduleRef.createNestApplication({ bodyParser: false, logger: false });
  // First, so it sees every answer, the body parser's and the dashboard's too.
  const problems = watchProblems(app);
  configureHttp(app, stack.config);
  await app.init();
  return {
    app,
    http: () => request(app.getHttpServer()),
    close: async () => {
      await app.close();
      problems.check();
    },
  };
}
