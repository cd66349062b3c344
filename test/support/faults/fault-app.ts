import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AppModule } from '../../../src/app.module';
import type { AppRole } from '../../../src/app-role';
import { AppConfig, loadConfig } from '../../../src/config/app-config';
import { configureHttp } from '../../../src/http/configure-http';
import type { ExportQueryPlan } from '../../../src/exports/query/export-query.planner';
import { MysqlRowSourceFactory } from '../../../src/exports/rows/mysql-row.source';
import { RowSourceFactory } from '../../../src/exports/rows/row-source';
import type { RowSource } from '../../../src/exports/rows/row-source';
import type { ExportRow } from '../../../src/exports/writers/export-writer';
import type { TestApp, TestStack } from '../test-app';

/**
 * Holds every export of one app after its first batch of rows until `open()` is called, so a test
 * can act while an attempt is, for certain, half-way (as if its process had stalled).
 */
export class RowGate {
  private opened!: () => void;
  private readonly openedPromise = new Promise<void>((resolve) => (this.opened = resolve));
  private reached!: () => void;
  /** Resolves once an export has written its first batch and is waiting at the gate. */
  readonly waiting = new Promise<void>((resolve) => (this.reached = resolve));

  open(): void {
    this.opened();
  }

  wrap(source: RowSource): RowSource {
    const reached = (): void => this.reached();
    const opened = this.openedPromise;
    return {
      snapshotAt: source.snapshotAt,
      count: () => source.count(),
      close: () => source.close(),
      async *batches(): AsyncIterable<ExportRow[]> {
        let first = true;
        for await (const batch of source.batches()) {
          yield batch;
          if (first) {
            first = false;
            reached();
            await opened;
          }
        }
      },
    };
  }
}

export interface FaultAppOptions {
  role?: AppRole;
  /** Environment on top of the stack's, e.g. a different EXPORT_LOCK_MS for this app only. */
  env?: Record<string, string>;
  gate?: RowGate;
}

/** Like `startTestApp`, with its own config overrides and optionally a gate on its MySQL row reads. */
export async function startFaultApp(stack: TestStack, options: FaultAppOptions = {}): Promise<TestApp> {
  const config = options.env ? loadConfig({ ...stack.env, ...options.env }, false) : stack.config;
  let builder = Test.createTestingModule({ imports: [AppModule.forRoot(config, options.role ?? 'all')] });
  const gate = options.gate;
  if (gate) {
    builder = builder.overrideProvider(RowSourceFactory).useFactory({
      factory: (appConfig: AppConfig) => {
        const inner = new MysqlRowSourceFactory(appConfig);
        return { open: async (plan: ExportQueryPlan) => gate.wrap(await inner.open(plan)) };
      },
      inject: [AppConfig],
    });
  }
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication({ bodyParser: false, logger: false });
  configureHttp(app, config);
  await app.init();
  return { app, http: () => request(app.getHttpServer()), close: () => app.close() };
}
