import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { sign } from 'jsonwebtoken';
import { startService } from './support/processes';
import type { ServiceProcess } from './support/processes';
import { createTempDir } from './support/test-env';
import { bearer } from './support/tokens';

/** An address of this machine that other machines reach it at. */
function machineAddress(): string {
  const address = Object.values(networkInterfaces())
    .flat()
    .find((nic) => nic?.family === 'IPv4' && !nic.internal)?.address;
  if (!address) throw new Error('This test needs a non-loopback IPv4 address on this machine (see os.networkInterfaces())');
  return address;
}

const answers = async (host: string, port: number): Promise<boolean> =>
  (await fetch(`http://${host}:${port}/api/health`).catch(() => undefined))?.ok === true;

describe('A server without JWT_SECRET and without NODE_ENV (the built service, as `npm start` runs it)', () => {
  let dir: ReturnType<typeof createTempDir>;
  let service: ServiceProcess | undefined;

  /** Zero configuration but for its own files; PATH only, so nothing is inherited from the test's environment. */
  const start = async (env: Record<string, string> = {}): Promise<ServiceProcess> => {
    service = await startService('all', { DATABASE_URL: `sqlite:${dir.path}/exports.sqlite`, EXPORT_DIR: `${dir.path}/exports`, ...env });
    return service;
  };
  const url = (path: string, host = '127.0.0.1'): string => `http://${host}:${service?.port}${path}`;

  beforeEach(() => {
    dir = createTempDir('listen-host');
  });

  afterEach(async () => {
    await service?.stop();
    service = undefined;
    dir.remove();
  });

  it("answers on 127.0.0.1 only, not on the machine's other addresses, and offers dev sign-in there", async () => {
    const { port, output } = await start();
    expect(await answers('127.0.0.1', port)).toBe(true);
    expect(await answers(machineAddress(), port)).toBe(false);
    expect(await (await fetch(url('/api/auth/options'))).json()).toEqual({ dev_sign_in: true, development: true });
    expect(output()).toContain('this machine only (HOST=127.0.0.1)');
  });

  it('asked to listen on every interface with HOST=0.0.0.0, offers no dev sign-in and says why in one line', async () => {
    const { port, output } = await start({ HOST: '0.0.0.0' });
    expect(await answers(machineAddress(), port)).toBe(true);
    const devToken = await fetch(url('/api/auth/dev-token'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ user_id: 'mallory' }),
    });
    expect(devToken.status).toBe(404);
    expect(await (await fetch(url('/api/auth/options'))).json()).toEqual({ dev_sign_in: false, development: true });
    expect(
      output()
        .split('\n')
        .filter((line) => line.includes('Dev sign-in is off')),
    ).toEqual([expect.stringContaining('HOST=0.0.0.0 can be reached from other machines and there is no JWT_SECRET')]);
  });

  it('with HOST=0.0.0.0, refuses webhooks to private addresses too', async () => {
    await start({ HOST: '0.0.0.0' });
    const devKey = readFileSync(join(dir.path, '.dev-jwt-secret'), 'utf8');
    const token = sign({ roles: [] }, devKey, { subject: 'alice', expiresIn: '1h' });
    const response = await fetch(url('/api/exports/request'), {
      method: 'POST',
      headers: { ...bearer(token), 'Content-Type': 'application/json' },
      body: JSON.stringify({ export_type: 'EZPASS', format: 'csv', notify: { webhook_url: 'http://127.0.0.1:9/hook' } }),
    });
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain('notify.webhook_url must be a public address');
  });
});
