import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../app-config';

describe(loadConfig.name, () => {
  let dir: string;
  const base = (): NodeJS.ProcessEnv => ({ EXPORT_DIR: join(dir, 'exports') });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('defaults to the embedded profile: SQLite, in-process queue, port 8000', () => {
    const config = loadConfig(base(), false);
    expect(config.database).toEqual({ kind: 'sqlite', path: expect.stringMatching(/data\/exports\.sqlite$/) as string });
    expect(config.embedded).toBe(true);
    expect(config.port).toBe(8000);
  });

  it('generates a dev JWT key once and keeps it', () => {
    const first = loadConfig(base(), false);
    const second = loadConfig(base(), false);
    expect(first.jwtSecretGenerated).toBe(true);
    expect(first.jwtSecret).toHaveLength(64);
    expect(second.jwtSecret).toBe(first.jwtSecret);
  });

  it('reads MySQL and Redis URLs', () => {
    const config = loadConfig(
      { ...base(), DATABASE_URL: 'mysql://root:pw@db:3306/fleet', REDIS_URL: 'redis://cache:6379/2', PORT: '9000' },
      false,
    );
    expect(config.database).toMatchObject({ kind: 'mysql', database: 'fleet' });
    expect(config.redisUrl).toBe('redis://cache:6379/2');
    expect(config.port).toBe(9000);
  });

  it.each([
    [{ DATABASE_URL: 'postgres://x/y' }, 'DATABASE_URL must look like'],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL must look like'],
    [{ PORT: 'eighty' }, 'PORT must be a whole number'],
    [{ PORT: '70000' }, 'PORT must not be greater than 65535'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET must be at least 32 characters'],
    [{ NODE_ENV: 'production' }, 'JWT_SECRET is required when NODE_ENV=production'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV must be one of'],
    [{ EXPORT_CONCURRENCY: '0' }, 'EXPORT_CONCURRENCY must not be less than 1'],
  ])('refuses %p with a message naming the variable', (env, message) => {
    expect(() => loadConfig({ ...base(), ...env }, false)).toThrow(ConfigError);
    expect(() => loadConfig({ ...base(), ...env }, false)).toThrow(message);
  });

  it('reads a replica for export reads and the throttles', () => {
    const config = loadConfig(
      {
        ...base(),
        DATABASE_URL: 'mysql://root:pw@db:3306/fleet',
        DATABASE_READ_URL: 'mariadb://reader:secret@replica:3306/fleet',
        EXPORT_MAX_DB_LOAD: 'Threads_running=16,Threads_connected=400',
        EXPORT_MAX_ROWS_PER_SECOND: '5000',
      },
      false,
    );
    expect(config.readDatabase).toEqual({ kind: 'mysql', url: 'mysql://reader:secret@replica:3306/fleet', database: 'fleet' });
    expect(config.exportMaxDbLoad).toEqual([
      { variable: 'Threads_running', max: 16 },
      { variable: 'Threads_connected', max: 400 },
    ]);
    expect(config.exportMaxRowsPerSecond).toBe(5000);
    const defaults = loadConfig(base(), false);
    expect([defaults.readDatabase, defaults.exportMaxDbLoad, defaults.exportMaxRowsPerSecond]).toEqual([undefined, [], undefined]);
  });

  it.each([
    [{ DATABASE_URL: 'mysql://root@db/fleet', DATABASE_READ_URL: 'sqlite:./replica.sqlite' }, 'DATABASE_READ_URL must look like mysql://'],
    [{ DATABASE_READ_URL: 'mysql://reader:secret@replica:3306/fleet' }, 'DATABASE_READ_URL needs a MySQL DATABASE_URL'],
    [
      { DATABASE_URL: 'mysql://root@db/fleet', EXPORT_MAX_DB_LOAD: 'Threads_running>16' },
      'EXPORT_MAX_DB_LOAD must be a comma-separated list',
    ],
    [{ EXPORT_MAX_DB_LOAD: 'Threads_running=16' }, 'EXPORT_MAX_DB_LOAD needs a MySQL database'],
    [{ EXPORT_MAX_ROWS_PER_SECOND: '0' }, 'EXPORT_MAX_ROWS_PER_SECOND must not be less than 1'],
  ])('refuses %p', (env, message) => {
    expect(() => loadConfig({ ...base(), ...env }, false)).toThrow(message);
  });

  it('never repeats a read URL (and its password) in a config error', () => {
    expect(() => loadConfig({ ...base(), DATABASE_READ_URL: 'mysql://reader:hunter2@replica:3306/fleet' }, false)).toThrow(
      /^(?!.*hunter2)/s,
    );
    expect(() => loadConfig({ ...base(), DATABASE_URL: 'mysql://root@db/fleet', DATABASE_READ_URL: 'mysql://r:hunter2@x' }, false)).toThrow(
      /^(?!.*hunter2)/s,
    );
  });

  it('names every wrong variable at once', () => {
    expect(() => loadConfig({ ...base(), PORT: 'x', REDIS_URL: 'nope' }, false)).toThrow(/PORT.*REDIS_URL|REDIS_URL.*PORT/);
  });

  it('says one sentence about a variable that breaks several of its rules', () => {
    expect(() => loadConfig({ ...base(), PORT: 'abc' }, false)).toThrow(/^Invalid configuration: PORT must be a whole number$/);
  });

  it.each([
    [{ HOST: 'my laptop' }, 'HOST must be an IP address'],
    [{ TRUST_PROXY: 'yes' }, 'TRUST_PROXY must be true, false, a number of proxies'],
    [{ TRUST_PROXY: '10.0.0.0/33' }, 'TRUST_PROXY must be'],
    [{ JWT_MAX_TTL: 'forever' }, 'JWT_MAX_TTL must be a duration'],
    [{ JWT_MAX_TTL: '30s' }, 'JWT_MAX_TTL must be at least 1m'],
    [{ JWT_JWKS_URL: 'http://idp.example.com/jwks.json' }, 'JWT_JWKS_URL must be an https URL (plain http only on loopback)'],
    [{ JWT_ROLES_CLAIM: 'realm access' }, 'JWT_ROLES_CLAIM must be a claim name or a dotted path'],
    [{ HOST: '0.0.0.0', DEV_SIGN_IN: 'true' }, 'DEV_SIGN_IN=true on a server listening beyond loopback (HOST=0.0.0.0) needs a JWT_SECRET'],
  ])('refuses %p', (env, message) => {
    expect(() => loadConfig({ ...base(), ...env }, false)).toThrow(message);
  });

  it('reads token settings, with a 24h lifetime cap and roles under "roles" by default', () => {
    expect(loadConfig(base(), false).jwt).toEqual({
      maxTtl: '24h',
      maxTtlSeconds: 86_400,
      issuer: undefined,
      audience: undefined,
      jwksUrl: undefined,
      rolesClaim: 'roles',
    });
    const env = {
      JWT_MAX_TTL: '2h',
      JWT_ISSUER: 'https://idp.example.com/realms/fleet',
      JWT_AUDIENCE: 'exports-api',
      JWT_JWKS_URL: 'http://127.0.0.1:8080/jwks.json',
      JWT_ROLES_CLAIM: 'realm_access.roles',
    };
    expect(loadConfig({ ...base(), ...env }, false).jwt).toEqual({
      maxTtl: '2h',
      maxTtlSeconds: 7200,
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      jwksUrl: env.JWT_JWKS_URL,
      rolesClaim: env.JWT_ROLES_CLAIM,
    });
  });

  it.each([
    [undefined, false],
    ['false', false],
    ['true', true],
    ['2', 2],
    ['loopback, 10.0.0.0/8,fd00::/8', ['loopback', '10.0.0.0/8', 'fd00::/8']],
  ])('reads TRUST_PROXY=%p as express takes it', (value, expected) => {
    expect(loadConfig({ ...base(), ...(value === undefined ? {} : { TRUST_PROXY: value }) }, false).trustProxy).toEqual(expected);
  });

  describe('listening address, dev sign-in and private webhooks', () => {
    const SECRET = { JWT_SECRET: 'j'.repeat(32) };
    const profile = (env: NodeJS.ProcessEnv) => {
      const { host, loopbackOnly, devSignIn, webhookAllowPrivate, developmentServer } = loadConfig({ ...base(), ...env }, false);
      return { host, loopbackOnly, devSignIn, webhookAllowPrivate, developmentServer };
    };

    it('keeps a server with the generated dev key to this machine, with dev sign-in and local webhooks', () => {
      expect(profile({})).toEqual({
        host: '127.0.0.1',
        loopbackOnly: true,
        devSignIn: true,
        webhookAllowPrivate: true,
        developmentServer: true,
      });
      expect(profile({ HOST: '::1' })).toMatchObject({ loopbackOnly: true, devSignIn: true });
    });

    it('offers neither dev sign-in nor private webhooks when that server is asked to listen beyond loopback', () => {
      expect(profile({ HOST: '0.0.0.0' })).toEqual({
        host: '0.0.0.0',
        loopbackOnly: false,
        devSignIn: false,
        webhookAllowPrivate: false,
        developmentServer: true,
      });
      expect(profile({ HOST: '192.168.1.20' })).toMatchObject({ devSignIn: false, webhookAllowPrivate: false });
    });

    it('presumes a server with its own JWT_SECRET is shared: every interface, neither, unless asked for', () => {
      expect(profile(SECRET)).toEqual({
        host: undefined,
        loopbackOnly: false,
        devSignIn: false,
        webhookAllowPrivate: false,
        developmentServer: false,
      });
      expect(profile({ ...SECRET, HOST: '127.0.0.1' })).toMatchObject({ loopbackOnly: true, devSignIn: false, webhookAllowPrivate: false });
      expect(profile({ ...SECRET, DEV_SIGN_IN: 'true', WEBHOOK_ALLOW_PRIVATE: 'true' })).toMatchObject({
        devSignIn: true,
        webhookAllowPrivate: true,
        developmentServer: true,
      });
    });

    it('never allows private webhooks by default in production, and takes WEBHOOK_ALLOW_PRIVATE either way', () => {
      expect(profile({ ...SECRET, NODE_ENV: 'production' }).webhookAllowPrivate).toBe(false);
      expect(profile({ ...SECRET, NODE_ENV: 'production', WEBHOOK_ALLOW_PRIVATE: 'true' }).webhookAllowPrivate).toBe(true);
      expect(profile({ WEBHOOK_ALLOW_PRIVATE: 'false' }).webhookAllowPrivate).toBe(false);
      expect(() => profile({ WEBHOOK_ALLOW_PRIVATE: 'yes' })).toThrow('WEBHOOK_ALLOW_PRIVATE must be true or false');
    });
  });
});
