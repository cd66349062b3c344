import { Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { BullmqScheduleTrigger } from './bullmq-schedule.trigger';
import { ExportSchedulesRepository } from './export-schedules.repository';
import type { ScheduleTiming } from './schedule-trigger';

const sameTiming = (a: ScheduleTiming, b: ScheduleTiming): boolean => a.cron === b.cron && a.timezone === b.timezone;

/**
 * BullMQ's job schedulers live only in Redis; export_schedules is the source of truth. Every worker
 * brings the schedulers back in line with it at start and every SCHEDULE_RECONCILE_INTERVAL, so
 * schedules survive a Redis that lost its data (FLUSHDB, a restart without AOF) and a trigger left
 * without its row goes.
 */
@Injectable()
export class ScheduleReconciler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ScheduleReconciler.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly config: AppConfig,
    private readonly schedules: ExportSchedulesRepository,
    private readonly trigger: BullmqScheduleTrigger,
  ) {}

  onApplicationBootstrap(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), this.config.scheduleReconcileIntervalMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Re-registers every schedule whose scheduler is missing or differs; removes schedulers without a schedule. */
  async reconcile(): Promise<{ registered: number; removed: number }> {
    // Schedulers before rows: a schedule being created has its row before its scheduler, so it can never look orphaned.
    const inRedis = new Map((await this.trigger.registered()).map((timing) => [timing.id, timing]));
    const schedules = await this.schedules.timings();
    const missing = schedules.filter((schedule) => {
      const found = inRedis.get(schedule.id);
      return !found || !sameTiming(found, schedule);
    });
    const known = new Set(schedules.map((schedule) => schedule.id));
    const orphans = [...inRedis.keys()].filter((id) => !known.has(id));
    for (const schedule of missing) await this.trigger.upsert(schedule);
    for (const id of orphans) await this.trigger.remove(id);
    if (missing.length + orphans.length > 0) {
      this.logger.warn(
        `Job schedulers out of line with export_schedules: registered ${missing.length} missing from Redis, removed ${orphans.length} without a schedule`,
      );
    }
    return { registered: missing.length, removed: orphans.length };
  }

  private tick(): void {
    this.running ??= this.reconcile()
      .then(() => undefined)
      .catch((error: Error) => this.logger.warn(`Schedule reconciliation failed: ${error.message}`))
      .finally(() => (this.running = undefined));
  }
}
