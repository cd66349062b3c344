import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freePort, waitFor } from './support/processes';
import { createTestStack } from './support/test-app';
import type { TestStack } from './support/test-app';
import { tokenFor } from './support/tokens';

const MAIN = join(__dirname, '..', 'dist', 'src', 'main.js');
const READY = 'Exports API and worker on';
// eslint-disable-next-line no-control-regex -- removing colours is the point
const withoutColours = (text: string): string => text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');

describe('Development logs on a terminal (the built server under a pseudo-terminal)', () => {
  let stack: TestStack;
  let server: ChildProcess;
  let port: number;
  let output = '';

  beforeAll(async () => {
    stack = await createTestStack({ database: 'sqlite', redis: false, env: { NODE_ENV: 'development', LOG_LEVEL: 'info' } });
    port = await freePort();
    // `script` (util-linux) gives the server a terminal as its stdout, as `npm start` in a shell has.
    server = spawn('script', ['-qfec', `${process.execPath} ${MAIN} all`, '/dev/null'], {
      env: { PATH: process.env.PATH ?? '', ...stack.env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    server.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor(
      () => output.includes(READY),
      30_000,
      () => `server did not start:\n${output}`,
    );
  });

  afterAll(async () => {
    if (server?.pid && server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      process.kill(-server.pid, 'SIGTERM');
      await exited;
    }
    await stack?.teardown();
  });

  it('starts with a few human-readable lines, not Nest’s one JSON line per module and route', () => {
    const lines = withoutColours(output).trim().split('\n');
    const startup = lines.slice(0, lines.findIndex((line) => line.includes(READY)) + 1);
    expect(startup.length).toBeLessThanOrEqual(6);
    expect(startup.filter((line) => line.startsWith('{'))).toEqual([]);
    expect(startup[startup.length - 1]).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: Exports API and worker on http:\/\/localhost:\d+\/api/);
    expect(output).not.toContain('Mapped {');
    expect(output).not.toContain('dependencies initialized');
  });

  it('shows a request as one short line', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/api/exports/types`, {
      headers: { Authorization: `Bearer ${tokenFor('alice')}` },
    });
    expect(response.status).toBe(200);
    await waitFor(
      () => withoutColours(output).includes('INFO: GET /api/exports/types 200 '),
      10_000,
      () => `no request line:\n${output}`,
    );
    expect(withoutColours(output)).toMatch(/INFO: GET \/api\/exports\/types 200 \d+ ms \{"user":"alice"\}\n/);
  });
});
