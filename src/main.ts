import 'reflect-metadata';
import { setPriority } from 'node:os';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { parseRole } from './app-role';
import type { AppRole } from './app-role';
import { ConfigError, loadConfig } from './config/app-config';
import type { AppConfig } from './config/app-config';
import { runMigrations } from './database/migrate';
import { serveWorkerMetrics } from './metrics/worker-metrics.server';

async function startHttp(config: AppConfig, role: AppRole): Promise<void> {
  // HTTP-only modules (Swagger UI, Bull Board, helmet) stay out of worker processes' memory.
  const { configureHttp } = await import('./http/configure-http');
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, role), { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  configureHttp(app, config);
  await app.listen(config.port);
  const logger = app.get(Logger);
  logger.log(`Exports ${role === 'all' ? 'API and worker' : 'API'} on http://localhost:${config.port}/api (docs: /api/docs)`);
  if (config.jwtSecretGenerated) {
    logger.log('Dev JWT key in use (no JWT_SECRET set). Get a token with: npm run -s cli -- token --user alice');
  }
}

async function startWorker(config: AppConfig): Promise<void> {
  // Exports are batch work: on a shared machine the API and the database answer first.
  if (config.workerNice > 0) setPriority(config.workerNice);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, 'worker'), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks(undefined, { useProcessExit: true });
  if (config.metricsPort) {
    const server = serveWorkerMetrics(app, config.metricsPort);
    process.once('SIGTERM', () => server.close());
    app.get(Logger).log(`Worker metrics on http://localhost:${config.metricsPort}/metrics`);
  }
}

async function main(): Promise<void> {
  const role = parseRole(process.argv[2] ?? process.env.APP_ROLE);
  const config = loadConfig();
  if (config.embedded && role !== 'all') {
    throw new ConfigError(
      `REDIS_URL is required to run the ${role} role on its own (the in-process queue needs API and worker in one process)`,
    );
  }
  await runMigrations(config.database);
  await (role === 'worker' ? startWorker(config) : startHttp(config, role));
}

main().catch((error: unknown) => {
  // One clear line for configuration mistakes; the stack only for the unexpected.
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
