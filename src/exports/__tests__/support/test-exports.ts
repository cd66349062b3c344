import { HttpException, Logger } from '@nestjs/common';
import type { DiscoveryService } from '@nestjs/core';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { loadConfig } from '../../../config/app-config';
import type { AppConfig } from '../../../config/app-config';
import type { ExportMetrics } from '../../../metrics/export-metrics.service';
import type { ExportAuditService } from '../../audit/export-audit.service';
import type { ExportJobsRepository } from '../../export-jobs.repository';
import { ExportRequestParser } from '../../export-request.parser';
import { ExportsService } from '../../exports.service';
import { ExportRunner } from '../../jobs/export-runner.service';
import { ExportOpsService } from '../../jobs/export-ops.service';
import { ExportEvents } from '../../ports/export-events';
import { NotifyTargetChecks } from '../../ports/notify-target-checks';
import type { ExportQueryPlanner } from '../../query/export-query.planner';
import type { ExportColumn, ExportQueryProvider, FilterSpec } from '../../query/export-query.provider';
import { ExportQueryRegistry } from '../../query/export-query.registry';
import { RetentionService } from '../../retention/retention.service';
import { ReadThrottleFactory } from '../../rows/read-throttle';
import type { ServerLoadProbe } from '../../rows/server-load.probe';
import type { WorkerRegistry } from '../../workers/worker-registry.service';
import { CsvWriter } from '../../writers/csv.writer';
import { ExportFormats } from '../../writers/export-formats';
import { JsonWriter } from '../../writers/json.writer';
import { NdjsonWriter } from '../../writers/ndjson.writer';
import { PdfWriter } from '../../writers/pdf.writer';
import { XlsxWriter } from '../../writers/xlsx.writer';
import { FakeExportJobsRepository } from './fake-export-jobs.repository';
import {
  FakeExportAudit,
  FakeExportMetrics,
  FinishedExports,
  FakeExportPlanner,
  FakeExportQueue,
  FakeExportStorage,
  FakeRowSources,
  FakeWorkerRegistry,
} from './fakes';

/** A made-up export type shaped like the real ones: a flat table with date, amount and value filters. */
export class TollsFixtureQuery implements ExportQueryProvider {
  readonly exportType: string = 'TOLLS';
  readonly title: string = 'Fixture tolls';
  readonly fileStem: string = 'tolls';
  readonly requiredRole?: string;
  readonly fileDateFilter = 'posting_date';
  readonly orderBy = ['t.posting_date', 't.id'];
  readonly columns: readonly ExportColumn[] = [
    { key: 'id', header: 'ID', type: 'integer', expression: 't.id' },
    { key: 'plate', header: 'Plate', type: 'text', expression: 't.plate' },
    { key: 'amount', header: 'Amount', type: 'decimal', expression: 't.amount' },
    { key: 'posting_date', header: 'Posting Date', type: 'date', expression: 't.posting_date' },
    { key: 'note', header: 'Note', type: 'text', expression: 't.note', optional: true },
  ];
  readonly filters: readonly FilterSpec[] = [
    { name: 'posting_date', kind: 'date', expression: 't.posting_date', stage: 'where', column: 'posting_date' },
    { name: 'amount', kind: 'amount', expression: 't.amount', stage: 'where', column: 'amount' },
    { name: 'plate', kind: 'values', expression: 't.plate', stage: 'where', column: 'plate' },
  ];

  query(qb: SelectQueryBuilder<ObjectLiteral>): SelectQueryBuilder<ObjectLiteral> {
    return qb.from('fixture_tolls', 't');
  }
}

/** A second made-up type that only holders of the `finance` role may export. */
export class WidgetsFixtureQuery extends TollsFixtureQuery {
  override readonly exportType = 'WIDGETS';
  override readonly title = 'Fixture widgets';
  override readonly fileStem = 'widgets';
  override readonly requiredRole = 'finance';
}

/** The registry as Nest builds it: discovering the given providers at module init. */
export function registryOf(providers: ExportQueryProvider[]): ExportQueryRegistry {
  const discovery = { getProviders: () => providers.map((instance) => ({ instance })) } as unknown as DiscoveryService;
  const registry = new ExportQueryRegistry(discovery);
  registry.onModuleInit();
  return registry;
}

export function testConfig(env: NodeJS.ProcessEnv = {}): AppConfig {
  return loadConfig({ EXPORT_DIR: '/tmp/unused-exports', JWT_SECRET: 'j'.repeat(32), MAX_ACTIVE_EXPORTS: '3', ...env }, false);
}

/** The real writers of every format (nothing starts until a file is opened). */
export function realFormats(config: AppConfig): ExportFormats {
  return new ExportFormats([new XlsxWriter(undefined, config), new CsvWriter(), new JsonWriter(), new NdjsonWriter(), new PdfWriter()]);
}

export interface ExportMocks {
  jobs: FakeExportJobsRepository;
  queue: FakeExportQueue;
  storage: FakeExportStorage;
  audit: FakeExportAudit;
  planner: FakeExportPlanner;
  rows: FakeRowSources;
  notifier: FinishedExports;
  workers: FakeWorkerRegistry;
  metrics: FakeExportMetrics;
}

export interface TestExports {
  sut: {
    service: ExportsService;
    runner: ExportRunner;
    parser: ExportRequestParser;
    registry: ExportQueryRegistry;
    notifyChecks: NotifyTargetChecks;
    config: AppConfig;
  };
  mocks: ExportMocks;
}

/**
 * The engine's services over in-memory fakes (immich's `newTestService`): the real parser, registry,
 * writers, ops and runner; fake jobs table, queue, storage, audit, planner, row sources, and a listener of what the engine announces finished.
 */
export function newTestExports(env: NodeJS.ProcessEnv = {}): TestExports {
  // The services log every outcome; the specs assert outcomes instead (jest gives each spec file its own Logger).
  Logger.overrideLogger(false);
  const config = testConfig(env);
  const mocks: ExportMocks = {
    jobs: new FakeExportJobsRepository(),
    queue: new FakeExportQueue(),
    storage: new FakeExportStorage(),
    audit: new FakeExportAudit(),
    planner: new FakeExportPlanner(),
    rows: new FakeRowSources(),
    notifier: new FinishedExports(),
    workers: new FakeWorkerRegistry(),
    metrics: new FakeExportMetrics(),
  };
  // The fakes implement exactly the methods these classes call (see their `Pick<...>` types).
  const jobs = mocks.jobs as unknown as ExportJobsRepository;
  const audit = mocks.audit as unknown as ExportAuditService;
  const planner = mocks.planner as unknown as ExportQueryPlanner;
  const registry = registryOf([new TollsFixtureQuery(), new WidgetsFixtureQuery()]);
  const notifyChecks = new NotifyTargetChecks();
  const parser = new ExportRequestParser(registry, notifyChecks);
  const events = new ExportEvents();
  events.listen(mocks.notifier);
  const formats = realFormats(config);
  const ops = new ExportOpsService(
    jobs,
    mocks.queue,
    new RetentionService(jobs, mocks.storage, audit),
    mocks.workers as unknown as WorkerRegistry,
    audit,
  );
  const service = new ExportsService(config, parser, planner, formats, jobs, mocks.queue, mocks.storage, audit, ops);
  const runner = new ExportRunner(
    config,
    jobs,
    registry,
    planner,
    mocks.rows,
    // No EXPORT_MAX_DB_LOAD in these configs, so the load is never read.
    new ReadThrottleFactory(config, {} as ServerLoadProbe),
    formats,
    mocks.storage,
    audit,
    mocks.workers as unknown as WorkerRegistry,
    mocks.metrics as unknown as ExportMetrics,
    events,
  );
  return { sut: { service, runner, parser, registry, notifyChecks, config }, mocks };
}

/** The HTTP exception a call throws, or rejects with, as status and response body; fails the test if it does not. */
export async function httpErrorOf(call: () => unknown): Promise<{ status: number; message: unknown }> {
  try {
    await call();
  } catch (error) {
    if (error instanceof HttpException) {
      const body = error.getResponse();
      return { status: error.getStatus(), message: typeof body === 'string' ? body : (body as { message: unknown }).message };
    }
    throw error;
  }
  throw new Error('expected an HTTP exception, but the call succeeded');
}
