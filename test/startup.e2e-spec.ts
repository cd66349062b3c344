import { startService } from './support/processes';
import { createTestStack } from './support/test-app';
import type { TestStack } from './support/test-app';

describe('Start-up of the built service (npm start, embedded profile)', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await createTestStack({ database: 'sqlite', redis: false, env: { LOG_LEVEL: 'info' } });
  });

  afterAll(async () => {
    await stack?.teardown();
  });

  it('prints no deprecation warning and declares no route in a legacy syntax', async () => {
    const service = await startService('all', stack.env);
    // One request, so that the request-logging middleware on /api has run too.
    expect((await fetch(`http://127.0.0.1:${service.port}/api/exports/types`)).status).toBe(401);
    expect(await service.stop()).toBe(0);

    const output = service.output();
    expect(output).toContain('"url":"/api/exports/types"');
    expect(output).not.toMatch(/deprecat/i);
    expect(output).not.toContain('Unsupported route path');
    expect(output).not.toContain('LegacyRouteConverter');
  });
});
