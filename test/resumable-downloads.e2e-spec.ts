import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { Response } from 'supertest';
import { requestExport, waitForExport } from './support/exports';
import { seedEzpass } from './support/faults/seed';
import { startS3Server } from './support/s3-server';
import type { TestS3Server } from './support/s3-server';
import { createTestStack, startTestApp } from './support/test-app';
import type { TestApp, TestStack } from './support/test-app';
import { bearer, tokenFor } from './support/tokens';

/** Enough EZPass rows for a csv of several hundred KB. */
const ROWS = 4000;
const alice = tokenFor('alice');

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

function binaryParser(res: Response, callback: (error: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}

/** One finished export served by an app, and the two routes that download it. */
interface Served {
  app: TestApp;
  id: number;
  /** Another export's file, whose ETag is stale for this one. */
  otherId: number;
}

/** The bearer route and the signed-link route: the same answers to the same headers. */
const ROUTES: [string, (served: Served, id: number) => Promise<{ path: string; auth: Record<string, string> }>][] = [
  ['GET /download', async (_served, id) => ({ path: `/api/exports/${id}/download`, auth: bearer(alice) })],
  [
    'GET /file (signed link)',
    async ({ app }, id) => {
      const link = await app.http().post(`/api/exports/${id}/link`).set(bearer(alice));
      return { path: link.body.url as string, auth: {} };
    },
  ],
];

async function startStack(env: Record<string, string>): Promise<{ stack: TestStack; served: Served }> {
  const stack = await createTestStack({ database: 'mariadb', redis: true, env });
  await seedEzpass(stack.db, ROWS, 11);
  const app = await startTestApp(stack);
  const id = await requestExport(app.http, alice, { export_type: 'EZPASS', format: 'csv' });
  const otherId = await requestExport(app.http, alice, { export_type: 'EZPASS', format: 'csv' });
  for (const each of [id, otherId]) expect((await waitForExport(app.http, alice, each)).status).toBe('COMPLETED');
  return { stack, served: { app, id, otherId } };
}

async function downloadedEvents(served: Served): Promise<number> {
  const audit = await served.app.http().get(`/api/exports/${served.id}/audit`).set(bearer(alice));
  return (audit.body as { event: string }[]).filter((event) => event.event === 'downloaded').length;
}

/** A storage the API streams from itself: its env, and the stored bytes of a key read back directly. */
interface StreamedStorage {
  setUp(): Promise<Record<string, string>>;
  stored(stack: TestStack, key: string): Promise<Buffer>;
  tearDown(): Promise<void>;
}

/** Range, If-Range and ETag on a storage the API streams from itself. */
function describeStreamedDownloads(profile: string, storage: StreamedStorage): void {
  describe(profile, () => {
    let stack: TestStack;
    let served: Served;

    beforeAll(async () => {
      ({ stack, served } = await startStack(await storage.setUp()));
    });

    afterAll(async () => {
      await served?.app.close();
      await stack?.teardown();
      await storage.tearDown();
    });

    describe.each(ROUTES)('%s', (_route, locate) => {
      let full: Buffer;
      let etag: string;
      const get = async (headers: Record<string, string> = {}, id = served.id): Promise<Answer> => {
        const { path, auth } = await locate(served, id);
        const response = await served.app.http().get(path).set(auth).set(headers).buffer(true).parse(binaryParser);
        return { status: response.status, headers: response.headers, body: response.body as Buffer };
      };

      beforeAll(async () => {
        const answer = await get();
        full = answer.body;
        etag = answer.headers.etag;
      });

      it('serves the whole file with a strong ETag, Last-Modified and Accept-Ranges', async () => {
        const answer = await get();
        expect(answer.status).toBe(200);
        expect(answer.body.length).toBeGreaterThan(300 * 1024);
        const [{ storage_key: key }] = await stack.db.query<{ storage_key: string }[]>('SELECT storage_key FROM export_jobs WHERE id = ?', [
          served.id,
        ]);
        expect(answer.body.equals(await storage.stored(stack, key))).toBe(true);
        expect(answer.headers['content-length']).toBe(String(answer.body.length));
        expect(answer.headers.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
        expect(answer.headers['accept-ranges']).toBe('bytes');
        const { body } = await served.app.http().get(`/api/exports/${served.id}/status`).set(bearer(alice));
        expect(answer.headers['last-modified']).toBe(new Date(body.completed_at as string).toUTCString());
        expect(answer.headers['content-range']).toBeUndefined();
        // Stable for the file's life.
        expect((await get()).headers.etag).toBe(etag);
      });

      it('resumes from byte N with 206 and exactly the rest of the file', async () => {
        const start = 123_457;
        const answer = await get({ Range: `bytes=${start}-` });
        expect(answer.status).toBe(206);
        expect(answer.headers['content-range']).toBe(`bytes ${start}-${full.length - 1}/${full.length}`);
        expect(answer.headers['content-length']).toBe(String(full.length - start));
        expect(answer.headers.etag).toBe(etag);
        expect(answer.body.equals(full.subarray(start))).toBe(true);
      });

      it('serves bytes N-M and a suffix of the file', async () => {
        const part = await get({ Range: 'bytes=1000-65535' });
        expect(part.status).toBe(206);
        expect(part.headers['content-range']).toBe(`bytes 1000-65535/${full.length}`);
        expect(part.headers['content-length']).toBe('64536');
        expect(part.body.equals(full.subarray(1000, 65536))).toBe(true);

        const suffix = await get({ Range: 'bytes=-500' });
        expect(suffix.status).toBe(206);
        expect(suffix.headers['content-range']).toBe(`bytes ${full.length - 500}-${full.length - 1}/${full.length}`);
        expect(suffix.body.equals(full.subarray(full.length - 500))).toBe(true);
      });

      it('answers 416 with the size for a range past the end', async () => {
        const answer = await get({ Range: `bytes=${full.length}-` });
        expect(answer.status).toBe(416);
        expect(answer.headers['content-range']).toBe(`bytes */${full.length}`);
      });

      it('serves the whole file for several ranges or a malformed Range', async () => {
        for (const range of ['bytes=0-1,5-6', 'bytes=x-y', 'lines=1-2']) {
          const answer = await get({ Range: range });
          expect(answer.status).toBe(200);
          expect(answer.body.equals(full)).toBe(true);
        }
      });

      it('honours Range when If-Range is the current ETag', async () => {
        const answer = await get({ Range: 'bytes=4096-', 'If-Range': etag });
        expect(answer.status).toBe(206);
        expect(answer.body.equals(full.subarray(4096))).toBe(true);
      });

      it('serves the whole file when If-Range is a stale ETag or a date', async () => {
        const other = await get({}, served.otherId);
        expect(other.headers.etag).not.toBe(etag);
        for (const ifRange of [other.headers.etag, new Date().toUTCString()]) {
          const answer = await get({ Range: 'bytes=4096-', 'If-Range': ifRange });
          expect(answer.status).toBe(200);
          expect(answer.headers['content-range']).toBeUndefined();
          expect(answer.body.equals(full)).toBe(true);
        }
      });

      it("records 'downloaded' for answers from byte 0, not for resumes or 416s", async () => {
        const before = await downloadedEvents(served);
        await get();
        await get({ Range: 'bytes=0-99' });
        expect(await downloadedEvents(served)).toBe(before + 2);
        await get({ Range: 'bytes=100-' });
        await get({ Range: `bytes=${full.length + 1}-` });
        expect(await downloadedEvents(served)).toBe(before + 2);
      });
    });
  });
}

describe('Resumable downloads: Range, If-Range and ETag (MariaDB, BullMQ)', () => {
  describeStreamedDownloads('local disk', {
    setUp: () => Promise.resolve({}),
    stored: (stack, key) => readFile(join(stack.exportDir, key)),
    tearDown: () => Promise.resolve(),
  });

  let proxied: TestS3Server | undefined;
  describeStreamedDownloads('S3 (s3rver) streamed through the API, S3_DOWNLOAD_REDIRECT=false', {
    setUp: async () => {
      proxied = await startS3Server();
      return { ...proxied.env, S3_DOWNLOAD_REDIRECT: 'false' };
    },
    stored: async (_stack, key) => {
      const object = await proxied!.client.send(new GetObjectCommand({ Bucket: proxied!.bucket, Key: key }));
      return Buffer.from(await object.Body!.transformToByteArray());
    },
    tearDown: async () => {
      await proxied?.stop();
    },
  });

  describe('S3 (s3rver) behind the 302 to a presigned URL', () => {
    let s3: TestS3Server;
    let stack: TestStack;
    let served: Served;

    beforeAll(async () => {
      s3 = await startS3Server();
      ({ stack, served } = await startStack(s3.env));
    });

    afterAll(async () => {
      await served?.app.close();
      await stack?.teardown();
      await s3?.stop();
    });

    it.each(ROUTES)('%s: following the redirect with Range gets 206, exactly those bytes and S3’s ETag', async (_route, locate) => {
      const { path, auth } = await locate(served, served.id);
      const redirect = await served.app.http().get(path).set(auth).set('Range', 'bytes=100000-');
      expect(redirect.status).toBe(302);
      const whole = await fetch(redirect.headers.location);
      expect(whole.status).toBe(200);
      const full = Buffer.from(await whole.arrayBuffer());

      const part = await fetch(redirect.headers.location, { headers: { Range: 'bytes=100000-' } });
      expect(part.status).toBe(206);
      expect(part.headers.get('content-range')).toBe(`bytes 100000-${full.length - 1}/${full.length}`);
      expect(part.headers.get('etag')).toBe(whole.headers.get('etag'));
      expect(Buffer.from(await part.arrayBuffer()).equals(full.subarray(100000))).toBe(true);
    });
  });
});
