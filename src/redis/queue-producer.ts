import type { Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';

/**
 * Queue calls give up after this long: while Redis is unreachable ioredis holds commands until it
 * reconnects, and a request should get its 503 now rather than hang.
 */
export const QUEUE_DEADLINE_MS = 2000;

export async function withinDeadline<T>(call: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${QUEUE_DEADLINE_MS} ms`)), QUEUE_DEADLINE_MS);
  });
  try {
    return await Promise.race([call(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Without a listener an 'error' event (Redis unreachable) would crash the process; it is logged instead. */
export function watchConnection(queue: Queue, logger: Logger, label: string): void {
  queue.on('error', (error) => logger.warn(`${label} connection: ${error.message}`));
}

/**
 * For beforeApplicationShutdown: BullMQ checks the Redis version as it connects, and closing before
 * that check is done makes it emit an 'error' nobody can listen to (a short CLI run could crash on
 * exit), so this lets it finish first.
 */
export async function settleConnection(queue: Queue): Promise<void> {
  await withinDeadline(() => queue.waitUntilReady()).catch(() => undefined);
}
