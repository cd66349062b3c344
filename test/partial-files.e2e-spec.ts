import { randomUUID } from 'node:crypto';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateMultipartUploadCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import type { ExportJob } from '../src/exports/export-job.entity';
import { ExportStorage } from '../src/exports/storage/export-storage';
import type { PendingFile } from '../src/exports/storage/export-storage';
import { PartialFileSweeper } from '../src/exports/storage/partial-file.sweeper';
import { S3_PART_SIZE } from '../src/exports/storage/s3-export.storage';
import { exportFiles, insertJob, partialFiles } from './support/faults/jobs';
import { waitFor } from './support/processes';
import { startS3Server } from './support/s3-server';
import type { TestS3Server } from './support/s3-server';
import { createTestStack, startTestApp } from './support/test-app';
import type { TestApp, TestStack } from './support/test-app';

const secondsAgo = (seconds: number): Date => new Date(Date.now() - seconds * 1000);

/** Where partial files live, as a test sees them: begun by the storage, or left behind by a killed worker. */
interface PartialStore {
  env: Record<string, string>;
  /** What a killed attempt left: begun, written to for the last time at `writtenAt`, never committed. */
  leaveDead(stack: TestStack, key: string, writtenAt: Date): Promise<void>;
  /** Something in the same place that no export wrote. */
  leaveForeign(stack: TestStack): Promise<string>;
  /** A file being written, begun (S3: its upload initiated) at `begunAt`. */
  begin(storage: ExportStorage, key: string, begunAt: Date): Promise<PendingFile>;
  keys(stack: TestStack): Promise<string[]>;
  committed(stack: TestStack, key: string): Promise<boolean>;
  stop(): Promise<void>;
}

function localDisk(): PartialStore {
  const partialPath = (stack: TestStack, key: string) => join(stack.exportDir, '.partial', key);
  return {
    env: {},
    leaveDead: async (stack, key, writtenAt) => {
      mkdirSync(join(stack.exportDir, '.partial'), { recursive: true });
      writeFileSync(partialPath(stack, key), '[\n{"id":1}');
      utimesSync(partialPath(stack, key), writtenAt, writtenAt);
    },
    leaveForeign: async (stack) => {
      writeFileSync(partialPath(stack, 'notes.txt'), 'not an export');
      utimesSync(partialPath(stack, 'notes.txt'), secondsAgo(3600), secondsAgo(3600));
      return 'notes.txt';
    },
    begin: async (storage, key) => {
      const file = await storage.create(key);
      file.stream.write('[\n{"id":1}');
      return file;
    },
    keys: async (stack) => partialFiles(stack.exportDir).sort(),
    committed: async (stack, key) => exportFiles(stack.exportDir, Number(key.split('-')[0])).includes(key),
    stop: async () => undefined,
  };
}

async function s3Bucket(): Promise<PartialStore> {
  // Pages of two uploads: the sweep has to follow the listing's markers.
  const s3: TestS3Server = await startS3Server({ uploadsPageSize: 2 });
  const leave = async (key: string, initiated: Date): Promise<void> => {
    const { UploadId } = await s3.client.send(new CreateMultipartUploadCommand({ Bucket: s3.bucket, Key: key }));
    await s3.client.send(new UploadPartCommand({ Bucket: s3.bucket, Key: key, UploadId, PartNumber: 1, Body: Buffer.alloc(1024) }));
    await s3.uploads.setInitiated(key, initiated);
  };
  return {
    env: s3.env,
    leaveDead: (_stack, key, writtenAt) => leave(key, writtenAt),
    leaveForeign: async () => {
      await leave('backups/nightly.sql', secondsAgo(3600));
      return 'backups/nightly.sql';
    },
    begin: async (storage, key, begunAt) => {
      const file = await storage.create(key);
      // More than a part, so that the upload is initiated and its first part sent.
      file.stream.write(Buffer.alloc(S3_PART_SIZE + 1024));
      await waitFor(
        async () => (await s3.uploads.keys()).includes(key),
        10_000,
        () => `no upload of ${key} began`,
      );
      await s3.uploads.setInitiated(key, begunAt);
      return file;
    },
    keys: async () => (await s3.uploads.keys()).sort(),
    committed: async (_stack, key) => (await s3.keys()).includes(key),
    stop: () => s3.stop(),
  };
}

describe.each([
  ['local disk (EXPORT_DIR/.partial)', localDisk],
  ['S3 multipart uploads (s3rver)', s3Bucket],
])('Sweeping partial files left by dead attempts: %s (MariaDB)', (_name, makeStore) => {
  let store: PartialStore;
  let stack: TestStack;
  let app: TestApp;
  let sweeper: PartialFileSweeper;
  let storage: ExportStorage;
  const key = (id: number) => `${id}-${randomUUID()}.json`;
  const job = (fields: Partial<ExportJob> & Pick<ExportJob, 'status'>) => insertJob(stack.db, { created_at: secondsAgo(900), ...fields });

  beforeAll(async () => {
    store = await makeStore();
    stack = await createTestStack({ database: 'mariadb', redis: false, env: store.env });
    app = await startTestApp(stack);
    sweeper = app.app.get(PartialFileSweeper);
    storage = app.app.get(ExportStorage);
  });

  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
    await store?.stop();
  });

  it("removes a dead attempt's file and keeps the files of running attempts, which then complete", async () => {
    const over = [];
    for (const status of ['COMPLETED', 'FAILED', 'CANCELLED', 'PENDING'] as const) {
      // PENDING: the attempt failed and a retry waits in the queue.
      const id = await job({ status, started_at: secondsAgo(600) });
      over.push(key(id));
    }
    // The export's row is gone.
    over.push(key(999_999));
    // Killed a minute ago; the export was claimed again since and is running.
    const retried = await job({ status: 'PROCESSING', claim_token: randomUUID(), started_at: secondsAgo(1), heartbeat_at: new Date() });
    over.push(key(retried));
    for (const dead of over) await store.leaveDead(stack, dead, secondsAgo(60));

    // The retry's own file, and a long export claimed ten minutes ago whose file was begun right after.
    const running = await job({ status: 'PROCESSING', claim_token: randomUUID(), started_at: secondsAgo(600), heartbeat_at: new Date() });
    const liveKeys = [key(retried), key(running)];
    const live = [await store.begin(storage, liveKeys[0], new Date()), await store.begin(storage, liveKeys[1], secondsAgo(590))];
    const foreign = await store.leaveForeign(stack);
    expect(await store.keys(stack)).toEqual([...over, ...liveKeys, foreign].sort());

    await sweeper.sweep();

    expect(await store.keys(stack)).toEqual([...liveKeys, foreign].sort());
    for (const file of live) {
      file.stream.end();
      await file.commit();
    }
    for (const liveKey of liveKeys) expect(await store.committed(stack, liveKey)).toBe(true);
  });
});
