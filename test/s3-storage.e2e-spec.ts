import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DeleteObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { Logger } from '@nestjs/common';
import { contentDisposition } from '../src/exports/content-disposition';
import { S3_PART_SIZE, S3ExportStorage } from '../src/exports/storage/s3-export.storage';
import { EzpassExportQuery } from '../src/ezpass/ezpass-export.query';
import { expectedCsvRows, parseCsv, requestExport, waitForExport } from './support/exports';
import type { StatusBody } from './support/exports';
import { seedEzpass } from './support/faults/seed';
import { startService, waitFor } from './support/processes';
import type { ServiceProcess } from './support/processes';
import { startS3Server } from './support/s3-server';
import type { TestS3Server } from './support/s3-server';
import { createTestStack, startTestApp } from './support/test-app';
import type { TestApp, TestStack } from './support/test-app';
import { bearer, tokenFor } from './support/tokens';
import { oracleSql } from './support/oracle';

const MiB = 1024 * 1024;
const columns = new EzpassExportQuery().columns.filter((column) => !column.optional);

/** `size` random bytes in 64 KiB chunks, generated as they are read. */
function randomSource(size: number): { stream: Readable; sha256: () => string } {
  const hash = createHash('sha256');
  function* chunks(): Generator<Buffer> {
    for (let left = size; left > 0; left -= 64 * 1024) {
      const chunk = randomBytes(Math.min(left, 64 * 1024));
      hash.update(chunk);
      yield chunk;
    }
  }
  return { stream: Readable.from(chunks()), sha256: () => hash.digest('hex') };
}

async function sha256Of(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function filesUnder(dir: string): string[] {
  return existsSync(dir)
    ? readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => entry.name)
    : [];
}

async function storageKeyOf(stack: TestStack, id: number): Promise<string> {
  const [job] = await stack.db.query<{ storage_key: string }[]>('SELECT storage_key FROM export_jobs WHERE id = ?', [id]);
  return job.storage_key;
}

describe('S3-compatible export storage (s3rver)', () => {
  let s3: TestS3Server;
  /** The requests s3rver received for one object, by kind of multipart step. */
  const requestsFor = (key: string) => {
    const mine = s3.requests.filter(
      (line) => line.split(' ')[1].startsWith(`/${s3.bucket}/${key}?`) || line.endsWith(`/${s3.bucket}/${key}`),
    );
    return {
      created: mine.filter((line) => /^POST \S+\?uploads/.test(line)).length,
      parts: mine.filter((line) => /^PUT \S+\?.*partNumber=\d+/.test(line)).length,
      completed: mine.filter((line) => /^POST \S+\?uploadId=/.test(line)).length,
      aborted: mine.filter((line) => /^DELETE \S+\?.*uploadId=/.test(line)).length,
    };
  };

  beforeAll(async () => {
    s3 = await startS3Server();
  });

  afterAll(async () => {
    await s3?.stop();
  });

  describe(S3ExportStorage.name, () => {
    let storage: S3ExportStorage;

    beforeAll(() => {
      storage = new S3ExportStorage(s3.config);
      // The failing-upload test makes the SDK and the storage log errors that are expected there.
      Logger.overrideLogger(false);
    });

    afterAll(() => {
      storage.onModuleDestroy();
    });

    it('uploads a file bigger than one part in parts while it is written; the object appears only on commit', async () => {
      const size = 2 * S3_PART_SIZE + 3 * MiB;
      const source = randomSource(size);
      const file = await storage.create('big.bin');
      await pipeline(source.stream, file.stream);

      // The two full parts go up while the file is written; the tail part and the completion wait for the commit.
      await waitFor(() => requestsFor('big.bin').parts === 2, 10_000);
      // A negative needs a quiet moment: a completion triggered by the end of the stream would come within milliseconds.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(requestsFor('big.bin')).toEqual({ created: 1, parts: 2, completed: 0, aborted: 0 });
      expect(await s3.keys()).not.toContain('big.bin');

      expect(await file.commit()).toBe(size);
      expect(await s3.keys()).toContain('big.bin');
      expect(requestsFor('big.bin')).toEqual({ created: 1, parts: 3, completed: 1, aborted: 0 });
      const stored = await storage.open('big.bin');
      expect(stored?.size).toBe(size);
      expect(await sha256Of(stored!.stream)).toBe(source.sha256());
    });

    it('leaves no object when discarded before commit, and aborts the multipart upload', async () => {
      const file = await storage.create('discarded.bin');
      await pipeline(randomSource(S3_PART_SIZE + MiB).stream, file.stream);
      await file.discard();

      expect(await s3.keys()).not.toContain('discarded.bin');
      expect(requestsFor('discarded.bin')).toMatchObject({ created: 1, completed: 0, aborted: 1 });
      expect(await s3.uploads.keys()).not.toContain('discarded.bin');
      expect(await storage.open('discarded.bin')).toBeUndefined();
    });

    it('deletes the object when discarded after commit', async () => {
      const file = await storage.create('committed.csv');
      await pipeline(Readable.from([Buffer.from('a,b\r\n1,2\r\n')]), file.stream);
      expect(await file.commit()).toBe(10);
      expect(await s3.keys()).toContain('committed.csv');

      await file.discard();
      expect(await s3.keys()).not.toContain('committed.csv');
    });

    it('removes an object; open and downloadUrl then report it missing', async () => {
      const file = await storage.create('removed.csv');
      await pipeline(Readable.from([Buffer.from('x\r\n')]), file.stream);
      await file.commit();
      const options = { fileName: 'removed.csv', contentType: 'text/csv', expiresInSeconds: 60 };
      expect(await storage.downloadUrl!('removed.csv', options)).toMatch(new RegExp(`^${s3.endpoint}/${s3.bucket}/removed\\.csv\\?`));

      await storage.remove('removed.csv');
      expect(await s3.keys()).not.toContain('removed.csv');
      expect(await storage.open('removed.csv')).toBeUndefined();
      expect(await storage.downloadUrl!('removed.csv', options)).toBeUndefined();
    });

    it('fails the writer as soon as the upload fails, and leaves no object', async () => {
      const broken = new S3ExportStorage({ ...s3.config, bucket: 'no-such-bucket' });
      try {
        const file = await broken.create('lost.bin');
        // Far more than the upload buffers: finishing would mean the writer never learnt of the failure.
        await expect(pipeline(randomSource(20 * S3_PART_SIZE).stream, file.stream)).rejects.toThrow(
          /^Uploading lost\.bin to S3 failed: The specified bucket does not exist/,
        );
        await file.discard();
        expect(await s3.keys()).not.toContain('lost.bin');
      } finally {
        broken.onModuleDestroy();
      }
    });
  });

  describe('exports with S3_BUCKET set (MariaDB, BullMQ)', () => {
    let stack: TestStack;
    let app: TestApp;
    const alice = tokenFor('alice');
    const status = async (id: number): Promise<StatusBody> => (await app.http().get(`/api/exports/${id}/status`).set(bearer(alice))).body;
    const keyOf = (id: number) => storageKeyOf(stack, id);

    beforeAll(async () => {
      stack = await createTestStack({
        database: 'mariadb',
        redis: true,
        env: { ...s3.env, EXPORT_PROGRESS_MS: '100', EXPORT_CONCURRENCY: '1' },
      });
      await seedEzpass(stack.db, 120_000, 5);
      app = await startTestApp(stack);
    });

    afterAll(async () => {
      await app?.close();
      await stack?.teardown();
    });

    describe('a finished csv export', () => {
      let id: number;
      let key: string;
      let bytes: Buffer;

      beforeAll(async () => {
        id = await requestExport(app.http, alice, { export_type: 'EZPASS', format: 'csv' });
        expect((await waitForExport(app.http, alice, id)).status).toBe('COMPLETED');
        key = await keyOf(id);
        const object = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
        bytes = Buffer.from(await object.Body!.transformToByteArray());
      });

      it('is an object in the bucket holding exactly the SQL rows, uploaded in parts, with nothing under EXPORT_DIR', async () => {
        const [header, ...rows] = await parseCsv(bytes.toString('utf8'));
        expect(header).toEqual(columns.map((column) => column.header));
        const expected = await expectedCsvRows(
          stack.db,
          columns,
          oracleSql(
            'EZPASS',
            columns.map((column) => column.key),
          ),
        );
        expect(rows.length).toBe(120_000);
        expect(rows).toEqual(expected);

        expect((await status(id)).file_size).toBe(bytes.length);
        expect(bytes.length).toBeGreaterThan(S3_PART_SIZE);
        expect(requestsFor(key)).toMatchObject({ created: 1, parts: Math.ceil(bytes.length / S3_PART_SIZE), completed: 1 });
        expect(filesUnder(stack.exportDir)).toEqual([]);
      });

      it('downloads through a 302 to a presigned URL on the S3 server that serves the file under its name', async () => {
        const response = await app.http().get(`/api/exports/${id}/download`).set(bearer(alice));
        expect(response.status).toBe(302);
        expect(response.headers['cache-control']).toBe('private, no-store');
        const { location } = response.headers;
        expect(location.startsWith(`${s3.endpoint}/${s3.bucket}/${key}?`)).toBe(true);
        expect(new URL(location).searchParams.get('X-Amz-Expires')).toBe('300');

        const file = await fetch(location);
        expect(file.status).toBe(200);
        const { file_name: fileName } = await status(id);
        expect(file.headers.get('content-disposition')).toBe(contentDisposition(fileName as string));
        expect(file.headers.get('content-type')).toBe('text/csv; charset=utf-8');
        expect(Buffer.from(await file.arrayBuffer()).equals(bytes)).toBe(true);
      });

      it('answers 410 once the object is gone', async () => {
        await s3.client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: key }));
        const response = await app.http().get(`/api/exports/${id}/download`).set(bearer(alice));
        expect(response.status).toBe(410);
      });
    });

    it('leaves no object when an export is stopped mid-upload, and aborts its multipart upload', async () => {
      const id = await requestExport(app.http, alice, { export_type: 'EZPASS', format: 'json' });
      await waitFor(
        () => s3.requests.some((line) => line.startsWith(`POST /${s3.bucket}/${id}-`) && line.includes('?uploads')),
        60_000,
        () => 'no multipart upload started',
      );
      const cancelled = await app.http().post(`/api/exports/${id}/cancel`).set(bearer(alice));
      expect(cancelled.body.status).toBe('CANCELLED');

      await waitFor(
        () => s3.requests.some((line) => line.startsWith(`DELETE /${s3.bucket}/${id}-`) && line.includes('uploadId=')),
        10_000,
        () => 'the multipart upload was not aborted',
      );
      expect((await s3.keys()).filter((key) => key.startsWith(`${id}-`))).toEqual([]);
      await waitFor(
        async () => !(await s3.uploads.keys()).some((key) => key.startsWith(`${id}-`)),
        10_000,
        () => 'the multipart upload is still in progress',
      );
      expect((await app.http().get(`/api/exports/${id}/download`).set(bearer(alice))).status).toBe(409);
    });
  });

  describe('a worker killed with SIGKILL mid-upload (MariaDB, BullMQ, workers as separate processes)', () => {
    let stack: TestStack;
    let api: TestApp;
    const workers: ServiceProcess[] = [];
    const alice = tokenFor('alice');

    beforeAll(async () => {
      stack = await createTestStack({
        database: 'mariadb',
        redis: true,
        env: { ...s3.env, LOG_LEVEL: 'info', EXPORT_PROGRESS_MS: '100', EXPORT_LOCK_MS: '3000', EXPORT_CONCURRENCY: '1' },
      });
      await seedEzpass(stack.db, 60_000, 9);
      api = await startTestApp(stack, 'api');
    });

    afterAll(async () => {
      await Promise.all(workers.map((worker) => worker.stop('SIGKILL')));
      await api?.close();
      await stack?.teardown();
    });

    it('leaves its multipart upload, which the maintenance sweep aborts once the export has completed elsewhere', async () => {
      workers.push(await startService('worker', stack.env));
      // Export ids restart with each database: only this test's requests count.
      const seen = s3.requests.length;
      const id = await requestExport(api.http, alice, { export_type: 'EZPASS', format: 'json' });
      const firstPart = (line: string) => line.startsWith(`PUT /${s3.bucket}/${id}-`) && line.includes('partNumber=1');
      await waitFor(
        () => s3.requests.slice(seen).some(firstPart),
        60_000,
        () => 'no part was uploaded',
      );
      workers[0].child.kill('SIGKILL');
      await workers[0].exited;
      const killedUploads = (await s3.uploads.keys()).filter((key) => key.startsWith(`${id}-`));
      expect(killedUploads).toHaveLength(1);
      const [killedUpload] = killedUploads;

      workers.push(await startService('worker', stack.env));
      expect((await waitForExport(api.http, alice, id, { timeoutMs: 60_000 })).status).toBe('COMPLETED');
      await waitFor(
        async () => !(await s3.uploads.keys()).includes(killedUpload),
        30_000,
        () => `the upload of ${killedUpload} is still in progress`,
      );
      expect(await s3.keys()).toContain(await storageKeyOf(stack, id));
    });
  });
});
