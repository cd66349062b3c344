import type { Logger } from '@nestjs/common';
import { Worker } from 'bullmq';
import type { Processor, WorkerOptions } from 'bullmq';
import type { AppConfig } from '../config/app-config';
import { queueTelemetry } from '../tracing/tracing';
import { redisOptions } from './redis-options';

/**
 * A BullMQ consumer on the configured Redis and prefix. Consumers are built by hand rather than
 * with `@Processor` because their settings come from the validated runtime config.
 */
export function createQueueWorker<T>(
  config: AppConfig,
  queue: string,
  processor: Processor<T>,
  logger: Logger,
  options: Omit<WorkerOptions, 'connection' | 'prefix'> = {},
): Worker<T> {
  if (!config.redisUrl) throw new Error(`The ${queue} queue consumer needs REDIS_URL`);
  const worker = new Worker<T>(queue, processor, {
    ...options,
    ...queueTelemetry(),
    connection: { ...redisOptions(config.redisUrl), maxRetriesPerRequest: null },
    prefix: config.queuePrefix,
  });
  worker.on('error', (error) => logger.error(`${queue} queue connection error: ${error.message}`));
  return worker;
}
