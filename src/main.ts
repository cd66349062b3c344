// First: tracing, when configured, must be in place before the modules it instruments load.
import './tracing/start-server-tracing';
import 'reflect-metadata';
import { setPriority } from 'node:os';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { parseRole } from './app-role';
import type { AppRole } from './app-role';
import { ConfigError, loadConfig } from './config/app-config';
import { exitOnStartupError } from './config/config-error';
import type { AppConfig } from './config/app-config';
import { runMigrations } from './database/migrate';
import { serveWorkerMetrics } from './metrics/worker-metrics.server';

async function startHttp(config: AppConfig, role: AppRole): Promise<void> {
  // HTTP-only modules (Swagger UI, Bull Board, helmet) stay out of worker processes' memory.
  const { configureHttp } = await import('./http/configure-http');
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, role), { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  configureHttp(app, config);
  await (config.host === undefined ? app.listen(config.port) : app.listen(config.port, config.host));
  const logger = app.get(Logger);
  const reach = config.loopbackOnly ? `this machine only (HOST=${config.host})` : `listening on ${config.host ?? 'every interface'}`;
  logger.log(`Exports ${role === 'all' ? 'API and worker' : 'API'} on ${localUrl(config)}/api (docs: /api/docs), ${reach}`);
  if (config.jwtSecretGenerated) {
    logger.log('Dev JWT key in use (no JWT_SECRET set). Get a token with: npm run -s cli -- token --user alice');
  }
  if (config.jwtSecretGenerated && !config.loopbackOnly) {
    logger.warn(
      `Dev sign-in is off: HOST=${config.host} can be reached from other machines and there is no JWT_SECRET (set one for a shared server, or HOST=127.0.0.1 for your own)`,
    );
  }
}

/** Where someone on this machine reaches the server. */
function localUrl({ host, port }: AppConfig): string {
  if (host === undefined || host === '0.0.0.0' || host === '::') return `http://localhost:${port}`;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
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

main().catch(exitOnStartupError);
