import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageVersion } from '../src/cli/version';
import { expectExit, runCli } from './support/cli';
import { ezpassRows, insertRows } from './support/factories';
import { startService } from './support/processes';
import type { ServiceProcess } from './support/processes';
import { createTestStack } from './support/test-app';
import type { TestStack } from './support/test-app';
import { createTempDir } from './support/test-env';
import { bearer, tokenFor } from './support/tokens';

const FROM = '2024-01-20';
const REQUEST = ['exports', 'request', '--type', 'EZPASS', '--format', 'csv', '--filter', `from_posting_date=${FROM}`];
/** Control characters other than the newline (escape sequences, carriage returns): what a terminal would act on. */
const controlCharacters = (text: string): string[] => [...text].filter((c) => c !== '\n' && (c < ' ' || c === '\x7f'));

interface JsonStatus {
  export_id: number;
  status: string;
  progress: number;
  processed_records: number;
  total_records: number;
  file_name: string;
  file_size: number;
  error?: string;
  downloaded_to?: string;
}

/** One server process of its own and a CLI that talks to it, the way a user's script would. */
function clientOf(stack: () => TestStack, server: () => ServiceProcess) {
  const alice = tokenFor('alice');
  const env = () => ({ JWT_SECRET: stack().env.JWT_SECRET, EXPORTS_URL: `http://127.0.0.1:${server().port}`, EXPORTS_TOKEN: alice });
  return {
    alice,
    cli: (...args: string[]) => runCli(args, env()),
    /** The file as the API serves it. */
    apiDownload: async (id: number): Promise<Buffer> => {
      const response = await fetch(`http://127.0.0.1:${server().port}/api/exports/${id}/download`, { headers: bearer(alice) });
      expect(response.status).toBe(200);
      return Buffer.from(await response.arrayBuffer());
    },
    matchingRows: async (): Promise<number> =>
      Number((await stack().db.query('SELECT COUNT(*) AS n FROM ezpass_transactions WHERE posting_date >= ?', [FROM]))[0].n),
  };
}

/** The acceptance flow: request, wait with progress, download; the saved file is the API's file. */
function itRequestsWaitsAndDownloads(client: ReturnType<typeof clientOf>): void {
  it('requests, waits and downloads: exit 0, plain progress lines on a pipe, the saved file equals the API download', async () => {
    const dir = createTempDir('cli-download');
    try {
      const result = await client.cli(...REQUEST, '--wait', '--download', dir.path);
      expectExit(result, 0);
      expect(controlCharacters(result.stdout)).toEqual([]);
      const lines = result.stdout.trim().split('\n');
      const completed = /^Export (\d+) COMPLETED: ([\d,]+) rows, (\S+) \(/.exec(lines[lines.length - 2]);
      expect(completed).not.toBeNull();
      const [, id, rows, fileName] = completed as RegExpExecArray;
      expect(Number(rows.replace(/,/g, ''))).toBe(await client.matchingRows());
      expect(lines.slice(0, -2).every((line) => line.startsWith(`Export ${id}: `))).toBe(true);
      expect(lines[lines.length - 1]).toBe(`Saved ${join(dir.path, fileName)}`);
      expect(readdirSync(dir.path)).toEqual([fileName]);
      expect(readFileSync(join(dir.path, fileName)).equals(await client.apiDownload(Number(id)))).toBe(true);
    } finally {
      dir.remove();
    }
  });

  it('--json prints one JSON status and nothing else, for request --wait, wait and download', async () => {
    const dir = createTempDir('cli-json');
    try {
      const requested = await client.cli(...REQUEST, '--wait', '--json');
      expectExit(requested, 0);
      const done = JSON.parse(requested.stdout) as JsonStatus;
      expect(done).toMatchObject({ status: 'COMPLETED', progress: 100, processed_records: await client.matchingRows() });
      expect(done.total_records).toBe(done.processed_records);

      const waited = await client.cli('exports', 'wait', String(done.export_id), '--json', '--download', dir.path);
      expectExit(waited, 0);
      const saved = JSON.parse(waited.stdout) as JsonStatus;
      expect(saved).toMatchObject({ export_id: done.export_id, status: 'COMPLETED', downloaded_to: join(dir.path, done.file_name) });
      expect(readFileSync(join(dir.path, done.file_name)).equals(await client.apiDownload(done.export_id))).toBe(true);

      const downloaded = await client.cli('exports', 'download', String(done.export_id), '--output', dir.path, '--json');
      expectExit(downloaded, 0);
      expect(JSON.parse(downloaded.stdout)).toMatchObject({ export_id: done.export_id, file_size: done.file_size });
      expect(readdirSync(dir.path)).toEqual([done.file_name]);
    } finally {
      dir.remove();
    }
  });
}

describe('CLI as an API client: request, wait, download against a separate server process', () => {
  describe('embedded profile (SQLite, in-process queue)', () => {
    let stack: TestStack;
    let server: ServiceProcess;
    const client = clientOf(
      () => stack,
      () => server,
    );

    beforeAll(async () => {
      stack = await createTestStack({ database: 'sqlite', redis: false });
      await insertRows(stack.db, 'ezpass_transactions', ezpassRows(400, 7));
      server = await startService('all', stack.env);
    });

    afterAll(async () => {
      await server?.stop();
      await stack?.teardown();
    });

    itRequestsWaitsAndDownloads(client);

    it('prints only the id without --wait, and follows it later with `exports wait`', async () => {
      const requested = await client.cli(...REQUEST);
      expectExit(requested, 0);
      expect(requested.stdout).toMatch(/^\d+\n$/);
      const waited = await client.cli('exports', 'wait', requested.stdout.trim());
      expectExit(waited, 0);
      expect(waited.stdout).toContain(`Export ${requested.stdout.trim()} COMPLETED`);
    });

    it('signs its own token with --user from the JWT key, and the export is that user’s', async () => {
      const requested = await runCli([...REQUEST, '--user', 'bob', '--json'], {
        JWT_SECRET: stack.env.JWT_SECRET,
        EXPORTS_URL: `http://127.0.0.1:${server.port}`,
      });
      expectExit(requested, 0);
      const { export_id } = JSON.parse(requested.stdout) as JsonStatus;
      expect((await stack.db.query('SELECT user_id FROM export_jobs WHERE id = ?', [export_id]))[0].user_id).toBe('bob');
      expectExit(await client.cli('exports', 'wait', String(export_id)), 1);
    });

    it('exits 2 on usage errors: a missing option, a malformed filter, a filter the API refuses (named on stderr)', async () => {
      const missing = await client.cli('exports', 'request', '--format', 'csv');
      expectExit(missing, 2);
      expect(missing.stderr).toContain("required option '--type <type>'");
      expectExit(await client.cli(...REQUEST, '--filter', 'no-equals-sign'), 2);
      const refused = await client.cli(...REQUEST, '--filter', 'from_posting_date=2024-13-01', '--filter', 'colour=red');
      expectExit(refused, 2);
      expect(refused.stderr).toMatch(/from_posting_date/);
      expect(refused.stderr).toMatch(/colour/);
      expect(await stack.db.query("SELECT id FROM export_jobs WHERE filters LIKE '%colour%'")).toEqual([]);
    });

    it('exits 1 when the export is not downloadable or not there', async () => {
      expectExit(await client.cli('exports', 'download', '999999', '--output', stack.exportDir), 1);
      const missing = await client.cli('exports', 'wait', '999999');
      expectExit(missing, 1);
      // The problem's detail, said once (its `message` repeats it for older clients).
      expect(missing.stderr.match(/Export 999999 not found/g)).toHaveLength(1);
    });

    it('lists every exports verb in `cli --help` and prints the package version for --version', async () => {
      const help = await client.cli('--help');
      expectExit(help, 0);
      for (const verb of ['request', 'wait <id>', 'download <id>', 'list', 'inspect', 'retry <id>', 'cancel <id>', 'cleanup']) {
        expect(help.stdout).toContain(`exports ${verb}`);
      }
      expect((await client.cli('--version')).stdout.trim()).toBe(packageVersion());
    });
  });

  describe('an export that FAILS (EXPORT_DIR is a file, so nothing can be written)', () => {
    let stack: TestStack;
    let server: ServiceProcess;
    const client = clientOf(
      () => stack,
      () => server,
    );

    beforeAll(async () => {
      stack = await createTestStack({ database: 'sqlite', redis: false, env: { EXPORT_ATTEMPTS: '1' } });
      await insertRows(stack.db, 'ezpass_transactions', ezpassRows(50, 8));
      const notADirectory = join(stack.exportDir, '..', 'export-dir-is-a-file');
      writeFileSync(notADirectory, '');
      server = await startService('all', { ...stack.env, EXPORT_DIR: notADirectory });
    });

    afterAll(async () => {
      await server?.stop();
      await stack?.teardown();
    });

    it('exits 1 with the reason on stderr, and --json holds the FAILED status and its error', async () => {
      const waited = await client.cli(...REQUEST, '--wait', '--download', stack.exportDir);
      expectExit(waited, 1);
      expect(waited.stderr).toMatch(/^Export \d+ FAILED: The export failed unexpectedly/m);

      const json = await client.cli(...REQUEST, '--wait', '--json');
      expectExit(json, 1);
      const failed = JSON.parse(json.stdout) as JsonStatus;
      expect(failed.status).toBe('FAILED');
      expect(failed.error).toMatch(/^The export failed unexpectedly/);
      expect(failed.downloaded_to).toBeUndefined();
    });
  });

  describe('production shape (MariaDB, BullMQ on Redis, separate API and worker processes)', () => {
    let stack: TestStack;
    let api: ServiceProcess;
    let worker: ServiceProcess;
    const client = clientOf(
      () => stack,
      () => api,
    );

    beforeAll(async () => {
      // The worker says it is ready in its log.
      stack = await createTestStack({ database: 'mariadb', redis: true, env: { LOG_LEVEL: 'info' } });
      await insertRows(stack.db, 'ezpass_transactions', ezpassRows(400, 9));
      [api, worker] = await Promise.all([startService('api', stack.env), startService('worker', stack.env)]);
    });

    afterAll(async () => {
      await Promise.all([api?.stop(), worker?.stop()]);
      await stack?.teardown();
    });

    itRequestsWaitsAndDownloads(client);
  });
});
