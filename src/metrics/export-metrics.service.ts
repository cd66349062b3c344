import { Injectable } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ExportJobsRepository } from '../exports/export-jobs.repository';
import { ExportQueue } from '../exports/jobs/export-queue';
import { WorkerRegistry } from '../exports/workers/worker-registry.service';

/** A worker counts as alive when it reported within this window (the health check uses it too). */
export const WORKER_ALIVE_MS = 30_000;

/**
 * Prometheus metrics of this process: durations and row counts observed by the worker that ran the
 * export (scrape workers via METRICS_PORT), plus default process metrics. Cluster-wide gauges are
 * added by `ExportGauges`.
 */
@Injectable()
export class ExportMetrics {
  readonly registry = new Registry();
  private readonly duration: Histogram<'type' | 'format' | 'outcome'>;
  private readonly rows: Histogram<'type' | 'format'>;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'exports_process_' });
    this.duration = new Histogram({
      name: 'exports_duration_seconds',
      help: 'Time to produce an export file, per attempt',
      labelNames: ['type', 'format', 'outcome'],
      buckets: [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
      registers: [this.registry],
    });
    this.rows = new Histogram({
      name: 'exports_rows',
      help: 'Records written per completed export',
      labelNames: ['type', 'format'],
      buckets: [100, 1000, 10_000, 100_000, 500_000, 1_000_000, 5_000_000],
      registers: [this.registry],
    });
  }

  observe(type: string, format: string, outcome: 'completed' | 'failed' | 'retrying', seconds: number, records?: number): void {
    this.duration.observe({ type, format, outcome }, seconds);
    if (records !== undefined) this.rows.observe({ type, format }, records);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/**
 * Gauges read at scrape time from the shared database and queue, so any API node reports the whole
 * cluster: exports by type/format/status, queue depth, live workers.
 */
@Injectable()
export class ExportGauges implements OnModuleInit {
  constructor(
    private readonly metrics: ExportMetrics,
    private readonly jobs: ExportJobsRepository,
    private readonly queue: ExportQueue,
    private readonly workers: WorkerRegistry,
  ) {}

  onModuleInit(): void {
    const { jobs, queue, workers } = this;
    const registers = [this.metrics.registry];
    new Gauge({
      name: 'exports_jobs',
      help: 'Exports by type, format and status',
      labelNames: ['type', 'format', 'status'],
      registers,
      async collect() {
        this.reset();
        for (const row of await jobs.countByTypeFormatStatus())
          this.set({ type: row.type, format: row.format, status: row.status }, row.count);
      },
    });
    new Gauge({
      name: 'exports_queue_jobs',
      help: 'Queue jobs by state',
      labelNames: ['state'],
      registers,
      async collect() {
        this.reset();
        for (const [state, count] of Object.entries(await queue.counts())) this.set({ state }, count);
      },
    });
    new Gauge({
      name: 'exports_workers_alive',
      help: `Workers that reported in the last ${WORKER_ALIVE_MS / 1000} s`,
      registers,
      async collect() {
        this.set((await workers.seenSince(new Date(Date.now() - WORKER_ALIVE_MS))).length);
      },
    });
  }
}
