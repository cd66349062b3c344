import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startService, waitFor } from './support/processes';
import { createTestStack } from './support/test-app';
import type { TestStack } from './support/test-app';

const ROOT = join(__dirname, '..');
const COMPOSE_FILE = join(ROOT, 'docker-compose.yml');
const composeText = readFileSync(COMPOSE_FILE, 'utf8');
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

interface ComposeService {
  restart?: string;
  init?: boolean;
  environment?: Record<string, string>;
  volumes?: string[];
  healthcheck?: { test: string[] };
}
const compose = parse(composeText) as { services: Record<string, ComposeService> };
const { api, worker } = compose.services;

const SECRETS = { JWT_SECRET: 'j'.repeat(40), MYSQL_PASSWORD: 'exports-password', MYSQL_ROOT_PASSWORD: 'root-password' };

/** `docker compose` (the plugin) where it exists, else `docker-compose` (Debian's package; `.ci/run` installs it). */
function composeCli(): string[] {
  if (spawnSync('docker', ['compose', 'version']).status === 0) return ['docker', 'compose'];
  if (spawnSync('docker-compose', ['version']).status === 0) return ['docker-compose'];
  throw new Error('Neither `docker compose` nor `docker-compose` is installed (apt-get install docker-compose)');
}

/** `compose config`: validates the file and interpolates it, without a Docker engine. */
function composeConfig(env: Record<string, string>): { status: number | null; output: string } {
  const [command, ...args] = composeCli();
  const result = spawnSync(command, [...args, '-f', COMPOSE_FILE, 'config'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Runs a service's healthcheck command (`["CMD", "node", ...]`) with this Node and `env`; its exit code. */
function healthcheck(service: ComposeService, env: Record<string, string>): number | null {
  const [kind, program, ...args] = service.healthcheck?.test ?? [];
  expect([kind, program]).toEqual(['CMD', 'node']);
  return spawnSync(process.execPath, args, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: 'ignore' }).status;
}

describe('docker-compose.yml', () => {
  it('validates with its secrets given, and refuses to start without each of them', () => {
    const valid = composeConfig(SECRETS);
    expect(valid).toMatchObject({ status: 0 });
    for (const name of Object.keys(SECRETS)) {
      const others = Object.fromEntries(Object.entries(SECRETS).filter(([other]) => other !== name));
      const refused = composeConfig(others);
      expect(refused.status).not.toBe(0);
      expect(refused.output).toContain(`set ${name}`);
    }
  });

  it('has no default for any password or secret', () => {
    const secrets = [...composeText.matchAll(/\$\{(\w*(?:PASSWORD|SECRET)\w*)(:?[-?])?/g)];
    expect(secrets.map(([, name]) => name).sort()).toEqual(expect.arrayContaining(Object.keys(SECRETS)));
    for (const [use, , operator] of secrets) expect([use, operator]).toEqual([use, ':?']);
  });

  it('restarts every service unless stopped, runs the node services under an init, and checks their health', () => {
    for (const service of Object.values(compose.services)) expect(service.restart).toBe('unless-stopped');
    for (const service of [api, worker]) {
      expect(service.init).toBe(true);
      expect(service.healthcheck?.test.length).toBeGreaterThan(1);
    }
  });

  it("mounts the exports volume where the image's EXPORT_DIR is", () => {
    const exportDir = /^ENV EXPORT_DIR=(\S+)$/m.exec(dockerfile)?.[1];
    expect(exportDir).toBe('/data/exports');
    for (const service of [api, worker]) {
      expect(service.environment?.EXPORT_DIR).toBe(exportDir);
      expect(service.volumes).toContain(`exports:${exportDir}`);
    }
  });
});

describe('Dockerfile (a static check: no Docker engine runs here)', () => {
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const runtime = stages.at(-1) ?? '';

  it('builds and runs on Node 24 LTS', () => {
    expect(stages.map((stage) => stage.split(/\s/)[0])).toEqual(['node:24-bookworm-slim', 'node:24-bookworm-slim']);
  });

  it('creates the export directory owned by the runtime user before switching to it', () => {
    const user = /^USER (\S+)$/m.exec(runtime);
    expect(user?.[1]).toBe('node');
    const beforeUser = runtime.slice(0, user?.index);
    const run = beforeUser.split('\n').find((line) => line.startsWith('RUN ') && line.includes('/data/exports'));
    expect(run).toMatch(/mkdir -p [^&]*\/data\/exports/);
    expect(run).toMatch(/chown node:node [^&]*\/data\/exports/);
  });
});

describe('The compose healthchecks tell the truth (built service, SQLite, BullMQ on Redis)', () => {
  let stack: TestStack;
  let heartbeatFile: string;

  beforeAll(async () => {
    stack = await createTestStack({ database: 'sqlite', redis: true, env: { LOG_LEVEL: 'info', EXPORT_LOCK_MS: '2000' } });
    heartbeatFile = join(stack.exportDir, '..', 'worker.alive');
  });

  afterAll(async () => {
    await stack?.teardown();
  });

  it('api: healthy while it serves /api/health, unhealthy once it is gone', async () => {
    const service = await startService('api', stack.env);
    const env = { PORT: String(service.port) };
    try {
      expect(healthcheck(api, env)).toBe(0);
    } finally {
      await service.stop();
    }
    expect(healthcheck(api, env)).toBe(1);
  });

  it('worker: healthy while its sweeps keep the heartbeat file fresh, unhealthy when they stop', async () => {
    const env = { WORKER_HEARTBEAT_FILE: heartbeatFile };
    const service = await startService('worker', { ...stack.env, ...env });
    try {
      await waitFor(
        () => existsSync(heartbeatFile),
        10_000,
        () => `no heartbeat file:\n${service.output()}`,
      );
      expect(healthcheck(worker, env)).toBe(0);
      // A worker whose sweeps stopped two minutes ago.
      const stale = new Date(Date.now() - 120_000);
      utimesSync(heartbeatFile, stale, stale);
      expect(healthcheck(worker, env)).toBe(1);
      // The next sweep (every second with EXPORT_LOCK_MS=2000) freshens it.
      await waitFor(
        () => statSync(heartbeatFile).mtimeMs > stale.getTime(),
        10_000,
        () => 'the worker did not touch its heartbeat file',
      );
      expect(healthcheck(worker, env)).toBe(0);
    } finally {
      await service.stop();
    }
    rmSync(heartbeatFile);
    expect(existsSync(heartbeatFile)).toBe(false);
    expect(healthcheck(worker, env)).toBe(1);
  });
});
