import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { requestExport, waitForExport } from './support/exports';
import { ezpassRows, insertRows } from './support/factories';
import { WebhookReceiver } from './support/notification-peers';
import { expectExit, runCli } from './support/cli';
import { readSse } from './support/sse';
import { startOtlpReceiver } from './support/otlp-receiver';
import type { OtlpReceiver, ReceivedSpan } from './support/otlp-receiver';
import { startService } from './support/processes';
import type { ServiceProcess } from './support/processes';
import { createTestStack } from './support/test-app';
import type { TestStack } from './support/test-app';
import { bearer, tokenFor } from './support/tokens';

const ROWS = 300;
const MODULE_LIST_PRELOAD = join(__dirname, 'support', 'module-list.preload.js');
/** Paths of OpenTelemetry's SDK, exporters and instrumentations, and BullMQ's bridge to them; the API package is a no-op without them. */
const SDK_MODULE = /node_modules\/(@opentelemetry\/(?!api\/)|bullmq-otel\/)/;

function tracingEnv(receiver: OtlpReceiver, scheduleDelayMs = 100): Record<string, string> {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: String(scheduleDelayMs),
  };
}

function only(spans: ReceivedSpan[], predicate: (span: ReceivedSpan) => boolean, what: string): ReceivedSpan {
  const found = spans.filter(predicate);
  if (found.length !== 1)
    throw new Error(`${found.length} spans for ${what}: ${spans.map((span) => `${span.service} ${span.name}`).join(', ')}`);
  return found[0];
}

/** The names of a span's ancestors, nearest first, following parent ids within its trace. */
function ancestry(span: ReceivedSpan, spans: ReceivedSpan[]): string[] {
  const names: string[] = [];
  for (
    let parent = spans.find((s) => s.spanId === span.parentSpanId);
    parent;
    parent = spans.find((s) => s.spanId === parent?.parentSpanId)
  ) {
    names.push(`${parent.service} ${parent.name}`);
  }
  return names;
}

/** A service process that lists the modules it loaded when it exits (see module-list.preload.js). */
function withModuleList(env: Record<string, string>): { env: Record<string, string>; loaded: () => string[]; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'exports-modules-'));
  const file = join(dir, 'modules.txt');
  return {
    env: { ...env, NODE_OPTIONS: `--require ${MODULE_LIST_PRELOAD}`, MODULE_LIST_FILE: file },
    loaded: () => readFileSync(file, 'utf8').split('\n'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

describe('Traces over OTLP/HTTP: API and worker processes on MariaDB and BullMQ', () => {
  let stack: TestStack;
  let receiver: OtlpReceiver;
  let api: ServiceProcess;
  let worker: ServiceProcess;
  let webhooks: WebhookReceiver;
  const alice = tokenFor('alice');
  const http = () => request(`http://127.0.0.1:${api.port}`);

  beforeAll(async () => {
    stack = await createTestStack({ database: 'mariadb', redis: true, env: { LOG_LEVEL: 'info' } });
    await insertRows(stack.db, 'ezpass_transactions', ezpassRows(ROWS, 7));
    receiver = await startOtlpReceiver();
    webhooks = await WebhookReceiver.start();
    [api, worker] = await Promise.all([
      startService('api', { ...stack.env, ...tracingEnv(receiver) }),
      startService('worker', { ...stack.env, ...tracingEnv(receiver) }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await receiver?.close();
    await webhooks?.close();
    await stack?.teardown();
  });

  it('traces one export from POST /request through the queue to the worker’s read, write and commit, as one trace', async () => {
    const id = await requestExport(http, alice, { export_type: 'EZPASS', format: 'csv', notify: { webhook_url: webhooks.url('/done') } });
    const final = await waitForExport(http, alice, id);
    expect(final.status).toBe('COMPLETED');
    await receiver.waitForSpans((spans) =>
      ['process exports', 'process notifications'].every((name) => spans.some((span) => span.name === name)),
    );

    const post = only(receiver.spans, (span) => span.name === 'POST /api/exports/request', 'the request');
    expect(post.service).toBe('exports-api');
    expect(post.attributes).toMatchObject({
      'export.id': id,
      'export.type': 'EZPASS',
      'export.format': 'csv',
      'http.response.status_code': 202,
    });

    const trace = receiver.spans.filter((span) => span.traceId === post.traceId);
    const inTrace = (name: string) => only(trace, (span) => span.name === name, name);
    const attempt = inTrace('export.attempt');
    expect(attempt.service).toBe('exports-worker');
    expect(attempt.attributes).toMatchObject({
      'export.id': id,
      'export.type': 'EZPASS',
      'export.format': 'csv',
      'export.outcome': 'completed',
    });
    // Connected, not merely sharing an id: API request → queue add → worker's job → attempt.
    expect(ancestry(attempt, trace)).toEqual([
      'exports-worker process exports',
      'exports-api add exports.export',
      'exports-api POST /api/exports/request',
    ]);
    const [count] = await stack.db.query<{ n: number | string }[]>('SELECT COUNT(*) AS n FROM ezpass_transactions');
    expect(inTrace('export.snapshot').attributes['export.total_records']).toBe(Number(count.n));
    expect(inTrace('export.write').attributes['export.records']).toBe(ROWS);
    expect(inTrace('export.commit').attributes['export.bytes']).toBe(final.file_size);
    for (const phase of ['export.snapshot', 'export.write', 'export.commit']) {
      expect(inTrace(phase).parentSpanId).toBe(attempt.spanId);
    }
    // The webhook about it is a job queued by the attempt: its delivery carries the trace on to the receiver.
    expect(ancestry(inTrace('process notifications'), trace)).toContain('exports-worker export.attempt');
    expect(webhooks.received.map((hook) => hook.headers.traceparent)).toEqual([expect.stringMatching(`^00-${post.traceId}-`)]);
    // BullMQ's timers would otherwise send a trace of their own every few seconds.
    expect(
      receiver.spans.filter((span) => /^(startStalledCheckTimer|moveStalledJobsToWait|extendLocks|getNextJob) /.test(span.name)),
    ).toEqual([]);

    // The worker's log lines about the export lead to the trace.
    const started = worker
      .output()
      .split('\n')
      .filter((line) => line.includes('"export started"'))
      .map((line) => JSON.parse(line) as { exportId: number; trace_id?: string; span_id?: string })
      .find((line) => line.exportId === id);
    expect(started).toMatchObject({ trace_id: post.traceId, span_id: attempt.spanId });
  });

  it('sends no credential: event-stream tokens, signed-link signatures and the CLI’s bearer token stay out of the spans', async () => {
    const id = await requestExport(http, alice, { export_type: 'EZPASS', format: 'csv' });
    expect((await waitForExport(http, alice, id)).status).toBe('COMPLETED');
    const { token: eventsToken } = (await http().post(`/api/exports/${id}/events-token`).set(bearer(alice))).body as { token: string };
    expect((await readSse(`http://127.0.0.1:${api.port}/api/exports/${id}/events?token=${eventsToken}`)).status).toBe(200);
    const { url: link } = (await http().post(`/api/exports/${id}/link`).set(bearer(alice))).body as { url: string };
    expect((await http().get(link)).status).toBe(200);
    const signature = new URL(link, 'http://x').searchParams.get('signature') as string;
    const output = mkdtempSync(join(tmpdir(), 'exports-cli-'));
    try {
      const cli = await runCli(
        ['exports', 'download', String(id), '--output', output, '--token', alice, '--url', `http://127.0.0.1:${api.port}`],
        {
          ...stack.env,
          ...tracingEnv(receiver),
        },
      );
      expectExit(cli, 0);
    } finally {
      rmSync(output, { recursive: true, force: true });
    }

    await receiver.waitForSpans(
      (spans) =>
        ['GET /api/exports/:id/events', 'GET /api/exports/:id/file'].every((name) => spans.some((span) => span.name === name)) &&
        spans.some((span) => span.service === 'exports-cli'),
    );
    const events = only(
      receiver.spans,
      (span) => span.name === 'GET /api/exports/:id/events' && span.attributes['url.path'] === `/api/exports/${id}/events`,
      'the stream',
    );
    expect(events.attributes['url.query']).toBe('');
    const file = only(receiver.spans, (span) => span.name === 'GET /api/exports/:id/file', 'the signed link');
    expect(String(file.attributes['url.query'])).toMatch(/^expires=\d+$/);
    const sent = receiver.bodies.join('\n');
    for (const secret of [eventsToken, signature, alice]) expect(sent).not.toContain(secret);
  });
});

describe('Traces in the embedded profile (SQLite, in-process queue, one process)', () => {
  let stack: TestStack;
  let receiver: OtlpReceiver;
  const alice = tokenFor('alice');

  beforeAll(async () => {
    stack = await createTestStack({ database: 'sqlite', redis: false, env: { LOG_LEVEL: 'info' } });
    await insertRows(stack.db, 'ezpass_transactions', ezpassRows(ROWS, 8));
    receiver = await startOtlpReceiver();
  });

  afterAll(async () => {
    await receiver?.close();
    await stack?.teardown();
  });

  it('keeps each request’s trace through the in-process queue, and sends the buffered spans when stopped', async () => {
    // One export at a time: the second waits in the queue and is started when the first ends, outside its request.
    const modules = withModuleList({ ...stack.env, ...tracingEnv(receiver, 600_000), EXPORT_CONCURRENCY: '1' });
    const server = await startService('all', modules.env);
    const http = () => request(`http://127.0.0.1:${server.port}`);
    try {
      const ids = [
        await requestExport(http, alice, { export_type: 'EZPASS', format: 'json' }),
        await requestExport(http, alice, { export_type: 'EZPASS', format: 'csv' }),
      ];
      for (const id of ids) expect((await waitForExport(http, alice, id)).status).toBe('COMPLETED');
      // Nothing is due before the 10-minute batch delay: what arrives was flushed by the SIGTERM drain.
      expect(await server.stop('SIGTERM')).toBe(0);

      for (const id of ids) {
        const post = only(
          receiver.spans,
          (span) => span.name === 'POST /api/exports/request' && span.attributes['export.id'] === id,
          `request ${id}`,
        );
        const attempt = only(
          receiver.spans,
          (span) => span.name === 'export.attempt' && span.attributes['export.id'] === id,
          `attempt ${id}`,
        );
        expect(post.service).toBe('exports');
        expect(attempt.attributes).toMatchObject({ 'export.type': 'EZPASS', 'export.outcome': 'completed' });
        expect(attempt.traceId).toBe(post.traceId);
        expect(ancestry(attempt, receiver.spans)).toEqual(['exports POST /api/exports/request']);
        const phases = receiver.spans.filter((span) => span.parentSpanId === attempt.spanId).map((span) => span.name);
        expect(phases.sort()).toEqual(['export.commit', 'export.snapshot', 'export.write']);
      }
      expect(modules.loaded().filter((path) => SDK_MODULE.test(path))).not.toEqual([]);
    } finally {
      await server.stop('SIGKILL');
      modules.remove();
    }
  });

  it('loads no SDK and sends nothing when OTEL_EXPORTER_OTLP_ENDPOINT is unset', async () => {
    const before = receiver.requests;
    // Everything but the endpoint: the receiver is where the spans would go if the endpoint were ignored.
    const modules = withModuleList({ ...stack.env, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_SERVICE_NAME: 'exports' });
    const server = await startService('all', modules.env);
    const http = () => request(`http://127.0.0.1:${server.port}`);
    try {
      const id = await requestExport(http, alice, { export_type: 'EZPASS', format: 'csv' });
      expect((await waitForExport(http, alice, id)).status).toBe('COMPLETED');
      expect(await server.stop('SIGTERM')).toBe(0);

      const loaded = modules.loaded();
      expect(loaded.some((path) => path.includes('/dist/src/exports/jobs/export-runner.service.js'))).toBe(true);
      expect(loaded.filter((path) => SDK_MODULE.test(path))).toEqual([]);
      expect(receiver.requests).toBe(before);
      expect(server.output()).not.toContain('trace_id');
    } finally {
      await server.stop('SIGKILL');
      modules.remove();
    }
  });
});
