import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import { ExportQueue } from '../exports/jobs/export-queue';
import { WorkerRegistry } from '../exports/workers/worker-registry.service';
import { WORKER_ALIVE_MS } from '../metrics/export-metrics.service';

/**
 * The queue's depth and whether any worker reported recently: the answer to "stuck in PENDING".
 * Reported, not failed on: an API node is healthy even while workers restart.
 */
@Injectable()
export class WorkersHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly workers: WorkerRegistry,
    private readonly queue: ExportQueue,
  ) {}

  async check(key: string): Promise<HealthIndicatorResult> {
    const [alive, counts] = await Promise.all([
      this.workers.seenSince(new Date(Date.now() - WORKER_ALIVE_MS)),
      // Redis being down is the redis indicator's to report; here the depth is just unknown.
      this.queue.counts().catch(() => 'unavailable' as const),
    ]);
    return this.health.check(key).up({
      alive: alive.length,
      last_heartbeat: alive[0]?.heartbeat_at ? new Date(alive[0].heartbeat_at).toISOString() : null,
      queue: counts,
      ...(alive.length === 0
        ? { warning: `No export worker has reported in ${WORKER_ALIVE_MS / 1000} s: new exports stay PENDING until one runs` }
        : {}),
    });
  }
}
