import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { ExportJobsRepository } from '../src/exports/export-jobs.repository';
import { ExportAccessSigner } from '../src/live/export-access.signer';
import { ExportChangeFeed } from '../src/live/export-change.feed';
import type { ServerSentEvent } from '../web/src/sse';
import { download, requestExport, waitForExport } from './support/exports';
import type { StatusBody } from './support/exports';
import { seedEzpass } from './support/faults/seed';
import { launchBrowser } from './support/browser';
import { waitFor } from './support/processes';
import { openSse, readSse } from './support/sse';
import { createTestStack, startTestApp } from './support/test-app';
import type { TestApp, TestStack } from './support/test-app';
import { bearer, tokenFor } from './support/tokens';

const statuses = (events: { event: string; data: string }[]): StatusBody[] =>
  events.filter((event) => event.event === 'status').map((event) => JSON.parse(event.data) as StatusBody);

describe('Live progress and signed download links (MariaDB + Redis; API and worker as separate apps)', () => {
  let stack: TestStack;
  let api: TestApp;
  let worker: TestApp;
  let base: string;
  const alice = tokenFor('alice');
  const bob = tokenFor('bob');
  const http = (): ReturnType<typeof request> => request(base);

  beforeAll(async () => {
    stack = await createTestStack({ database: 'mariadb', redis: true, env: { EXPORT_PROGRESS_MS: '100', EXPORT_CONCURRENCY: '1' } });
    await seedEzpass(stack.db, 150_000, 5);
    // Two Nest apps with their own change feeds: events reach the API only through Redis.
    [api, worker] = await Promise.all([startTestApp(stack, 'api'), startTestApp(stack, 'worker')]);
    await api.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await Promise.all([api?.close(), worker?.close()]);
    await stack?.teardown();
  });

  it('streams status events with a query token: progress ticks up to 100, then the stream ends with the file URL', async () => {
    // One export at a time: the first keeps ours PENDING until the stream is surely connected.
    const ahead = await requestExport(http, alice, { export_type: 'EZPASS', format: 'csv', filters: {} });
    const id = await requestExport(http, alice, { export_type: 'EZPASS', format: 'csv', filters: {} });
    const grant = await http().post(`/api/exports/${id}/events-token`).set(bearer(alice));
    expect(grant.status).toBe(200);
    expect(grant.body.events_url).toBe(`/api/exports/${id}/events?token=${encodeURIComponent(grant.body.token as string)}`);

    const stream = await readSse(`${base}${grant.body.events_url as string}`);
    expect(stream.status).toBe(200);
    expect(stream.contentType).toMatch(/^text\/event-stream/);
    const seen = statuses(stream.events);
    expect((await waitForExport(http, alice, ahead)).status).toBe('COMPLETED');
    const progress = seen.filter((status) => status.status === 'PROCESSING').map((status) => status.progress);
    // Progress beats every 100 ms reach the API through Redis pub/sub, far faster than its 5 s fallback poll.
    expect(new Set(progress.filter((p) => p > 0 && p < 100)).size).toBeGreaterThanOrEqual(3);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const last = seen[seen.length - 1];
    expect(last).toMatchObject({
      export_id: id,
      status: 'COMPLETED',
      progress: 100,
      processed_records: 150_000,
      file_url: `/api/exports/${id}/download`,
    });
  });

  it("feeds a browser's EventSource (no headers, query token) up to 100", async () => {
    // The browser is up before the exports are requested: starting Chromium on a busy machine can
    // take longer than both exports, and a stream opened after the end sees only COMPLETED.
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(`${base}/export-center`);
      const ahead = await requestExport(http, alice, { export_type: 'EZPASS', format: 'csv', filters: {} });
      const id = await requestExport(http, alice, { export_type: 'EZPASS', format: 'csv', filters: {} });
      const { events_url: eventsUrl } = (await http().post(`/api/exports/${id}/events-token`).set(bearer(alice))).body as {
        events_url: string;
      };
      const seen = await page.evaluate(
        (url) =>
          new Promise<{ status: string; progress: number }[]>((resolve, reject) => {
            const received: { status: string; progress: number }[] = [];
            const source = new EventSource(url);
            source.addEventListener('status', (event) => {
              const status = JSON.parse((event as MessageEvent).data as string) as { status: string; progress: number };
              received.push({ status: status.status, progress: status.progress });
              if (status.status === 'COMPLETED') {
                source.close();
                resolve(received);
              }
            });
            setTimeout(() => reject(new Error(`no COMPLETED after 60 s: ${JSON.stringify(received)}`)), 60_000);
          }),
        eventsUrl,
      );
      const progress = seen.filter((status) => status.status === 'PROCESSING').map((status) => status.progress);
      expect(new Set(progress.filter((p) => p > 0 && p < 100)).size).toBeGreaterThanOrEqual(3);
      expect(seen[seen.length - 1]).toEqual({ status: 'COMPLETED', progress: 100 });
      expect((await waitForExport(http, alice, ahead)).status).toBe('COMPLETED');
    } finally {
      await browser.close();
    }
  });

  it('accepts the bearer header too, and sends the final status at once for a finished export', async () => {
    const id = await requestExport(http, alice, { export_type: 'EZPASS', format: 'csv', filters: { from_amount: '50' } });
    await waitForExport(http, alice, id);
    const stream = await readSse(`${base}/api/exports/${id}/events`, bearer(alice));
    expect(statuses(stream.events).map((status) => status.status)).toEqual(['COMPLETED']);
  });

  it('refuses a missing, forged or misdirected token, and hides other users’ exports', async () => {
    const id = await requestExport(http, alice, { export_type: 'EZPASS', format: 'csv', filters: { from_amount: '60' } });
    const other = await requestExport(http, alice, { export_type: 'EZPASS', format: 'csv', filters: { from_amount: '70' } });
    const { token } = (await http().post(`/api/exports/${id}/events-token`).set(bearer(alice))).body as { token: string };
    const [payload, signature] = token.split('.');
    const forged = `${Buffer.from(JSON.stringify({ sub: 'alice', adm: true, eid: id, exp: 9_999_999_999 })).toString('base64url')}.${signature}`;

    expect((await http().get(`/api/exports/${id}/events`)).status).toBe(401);
    expect((await http().get(`/api/exports/${id}/events`).query({ token: forged })).status).toBe(401);
    expect(
      (
        await http()
          .get(`/api/exports/${id}/events`)
          .query({ token: `${payload}.${signature}x` })
      ).status,
    ).toBe(401);
    expect((await http().get(`/api/exports/${other}/events`).query({ token })).status).toBe(401);
    // An events token is no bearer token.
    expect((await http().get(`/api/exports/${id}/status`).set(bearer(token))).status).toBe(401);
    expect((await http().get(`/api/exports/${id}/events`).set(bearer(bob))).status).toBe(404);
    expect((await http().post(`/api/exports/${id}/events-token`).set(bearer(bob))).status).toBe(404);
    await waitForExport(http, alice, id);
    await waitForExport(http, alice, other);
  });

  it('signs a download link that works without a bearer header and only as issued', async () => {
    const id = await requestExport(http, alice, { export_type: 'EZPASS', format: 'csv', filters: { from_amount: '40' } });
    await waitForExport(http, alice, id);
    const link = await http().post(`/api/exports/${id}/link`).set(bearer(alice));
    expect(link.status).toBe(200);
    const expiresIn = new Date(link.body.expires_at as string).getTime() - Date.now();
    expect(expiresIn).toBeGreaterThan(14 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(15 * 60_000);

    const url = new URL(link.body.url as string, base);
    const viaLink = await http().get(`${url.pathname}${url.search}`).buffer(true);
    const viaBearer = await download(http, alice, id);
    expect(viaLink.status).toBe(200);
    expect(viaLink.headers['content-disposition']).toBe(viaBearer.headers['content-disposition']);
    expect(Buffer.from(viaLink.text)).toEqual(viaBearer.body);

    const signature = url.searchParams.get('signature') as string;
    const expires = url.searchParams.get('expires') as string;
    const tampered = signature.slice(0, -1) + (signature.endsWith('A') ? 'B' : 'A');
    expect((await http().get(`/api/exports/${id}/file`).query({ expires, signature: tampered })).status).toBe(403);
    expect(
      (
        await http()
          .get(`/api/exports/${id}/file`)
          .query({ expires: String(Number(expires) + 3600), signature })
      ).status,
    ).toBe(403);
    expect(
      (
        await http()
          .get(`/api/exports/${id + 1}/file`)
          .query({ expires, signature })
      ).status,
    ).toBe(403);
    expect((await http().get(`/api/exports/${id}/file`)).status).toBe(403);

    const stale = new URL(api.app.get(ExportAccessSigner).signDownload(id, Date.now() - 3_600_000).url, base);
    const expired = await http().get(`${stale.pathname}${stale.search}`);
    expect(expired.status).toBe(403);
    expect(expired.body.message).toMatch(/expired/);

    expect((await http().post(`/api/exports/${id}/link`).set(bearer(bob))).status).toBe(404);
  });

  it('refuses a link for an export that is not finished', async () => {
    const id = await requestExport(http, alice, { export_type: 'EZPASS', format: 'json', filters: {} });
    expect((await http().post(`/api/exports/${id}/cancel`).set(bearer(alice))).status).toBe(200);
    const link = await http().post(`/api/exports/${id}/link`).set(bearer(alice));
    expect(link.status).toBe(409);
    expect(link.body.message).toMatch(/CANCELLED/);
  });
});

describe('Live-progress stream limits (MariaDB + Redis, API only: exports stay PENDING)', () => {
  const CAP = 3;
  let stack: TestStack;
  let api: TestApp;
  let base: string;
  const alice = tokenFor('alice');
  const admin = tokenFor('root', ['admin']);
  const http = (): ReturnType<typeof request> => request(base);
  const eventsUrl = (id: number): string => `${base}/api/exports/${id}/events`;
  const statusWith = (progress: number) => (event: ServerSentEvent) =>
    event.event === 'status' && (JSON.parse(event.data) as StatusBody).progress === progress;

  beforeAll(async () => {
    stack = await createTestStack({ database: 'mariadb', redis: true, env: { MAX_EVENT_STREAMS_PER_USER: String(CAP) } });
    api = await startTestApp(stack, 'api');
    // The feed's publisher connects on first use and drops what it is given before (no offline queue).
    api.app.get(ExportChangeFeed).publish(0);
    await api.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await api?.close();
    await stack?.teardown();
  });

  it("reads each change once on this node however many streams watch the export, and caps a user's streams with 429", async () => {
    const id = await requestExport(http, alice, { export_type: 'EZPASS', format: 'csv' });
    const streams = [
      ...(await Promise.all(Array.from({ length: CAP }, () => openSse(eventsUrl(id), bearer(alice))))),
      ...(await Promise.all(Array.from({ length: CAP }, () => openSse(eventsUrl(id), bearer(admin))))),
    ];
    expect(streams.map((stream) => stream.status)).toEqual(Array<number>(2 * CAP).fill(200));
    await Promise.all(streams.map((stream) => stream.until(statusWith(0))));

    const reads = jest.spyOn(api.app.get(ExportJobsRepository), 'findById');
    await stack.db.query('UPDATE export_jobs SET progress = 42 WHERE id = ?', [id]);
    api.app.get(ExportChangeFeed).publish(id);
    await Promise.all(streams.map((stream) => stream.until(statusWith(42))));
    // One read for six streams (a second only if the 5-second fallback poll happened to fall in between).
    expect(reads.mock.calls.filter(([read]) => read === id).length).toBeLessThanOrEqual(2);
    reads.mockRestore();

    const refused = await http().get(`/api/exports/${id}/events`).set(bearer(alice));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body.message).toBe(
      `You have ${CAP} live-progress streams open, the most allowed at once. Close one, or follow this export with GET /api/exports/${id}/status, then try again.`,
    );
    // An events token opens a stream of the same user: refused too.
    const { events_url: byToken } = (await http().post(`/api/exports/${id}/events-token`).set(bearer(alice))).body as {
      events_url: string;
    };
    expect((await http().get(byToken)).status).toBe(429);

    // A stream that ends gives its slot back.
    streams[0].close();
    await waitFor(
      async () => {
        const again = await openSse(eventsUrl(id), bearer(alice));
        if (again.status === 200) streams.push(again);
        else again.close();
        return again.status === 200;
      },
      10_000,
      () => 'a slot to free up',
    );
    for (const stream of streams) stream.close();
  });

  it('ends a stream with an expired event when its events token expires', async () => {
    const id = await requestExport(http, alice, { export_type: 'EZPASS', format: 'csv' });
    // Issued almost ten minutes ago: it has two seconds left.
    const { token } = api.app.get(ExportAccessSigner).signEvents({ id: 'alice', roles: [], isAdmin: false }, id, Date.now() - 598_000);
    const stream = await readSse(`${eventsUrl(id)}?token=${encodeURIComponent(token)}`, {}, 20_000);
    expect(stream.status).toBe(200);
    expect(stream.events.map((event) => event.event)).toEqual(['status', 'expired']);
    expect((JSON.parse(stream.events[0].data) as StatusBody).status).toBe('PENDING');
    expect(JSON.parse(stream.events[1].data)).toEqual({ message: 'The token of this stream has expired; open it again with a new one' });
    expect((await http().get(`/api/exports/${id}/events`).query({ token })).status).toBe(401);
  });
});
