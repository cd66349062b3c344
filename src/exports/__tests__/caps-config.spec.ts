import { ConfigError, loadConfig } from '../../config/app-config';

const config = (env: NodeJS.ProcessEnv) => loadConfig({ EXPORT_DIR: '/tmp/unused-exports', JWT_SECRET: 'j'.repeat(32), ...env }, false);

describe('per-user caps and schedule reconciliation settings', () => {
  it('defaults to 20 schedules and 20 live streams per user, reconciled every 30 s', () => {
    expect(config({})).toMatchObject({ maxSchedulesPerUser: 20, maxEventStreamsPerUser: 20, scheduleReconcileIntervalMs: 30_000 });
  });

  it('reads them from the environment', () => {
    expect(config({ MAX_SCHEDULES_PER_USER: '3', MAX_EVENT_STREAMS_PER_USER: '7', SCHEDULE_RECONCILE_INTERVAL: '2m' })).toMatchObject({
      maxSchedulesPerUser: 3,
      maxEventStreamsPerUser: 7,
      scheduleReconcileIntervalMs: 120_000,
    });
  });

  it.each([
    [{ MAX_SCHEDULES_PER_USER: '0' }, 'MAX_SCHEDULES_PER_USER must not be less than 1'],
    [{ MAX_SCHEDULES_PER_USER: 'many' }, 'MAX_SCHEDULES_PER_USER must be a whole number'],
    [{ MAX_EVENT_STREAMS_PER_USER: '-1' }, 'MAX_EVENT_STREAMS_PER_USER must be a whole number'],
    [{ SCHEDULE_RECONCILE_INTERVAL: '0s' }, 'SCHEDULE_RECONCILE_INTERVAL must be at least 1s'],
    [{ SCHEDULE_RECONCILE_INTERVAL: 'often' }, 'SCHEDULE_RECONCILE_INTERVAL must be a duration such as 30s or 5m'],
  ])('refuses %j', (env, message) => {
    expect(() => config(env)).toThrow(ConfigError);
    expect(() => config(env)).toThrow(message);
  });
});
