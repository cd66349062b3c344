import { authUser } from '../../auth/auth-user';
import { httpErrorOf, newTestExports } from '../../exports/__tests__/support/test-exports';
import { NotifyTargetPolicy } from '../notify-target.policy';

const alice = authUser('alice', []);
const SMTP = { SMTP_URL: 'smtp://127.0.0.1:2525' };

/** The request parser with the notification module's checks registered, as the app wires them. */
function parse(body: unknown, env: NodeJS.ProcessEnv = {}) {
  const { sut } = newTestExports(env);
  new NotifyTargetPolicy(sut.config, sut.notifyChecks).onModuleInit();
  return sut.parser.parse(body, alice);
}

describe(NotifyTargetPolicy.name, () => {
  it('refuses an email target while no SMTP server is configured, and accepts it once one is', async () => {
    const body = { export_type: 'TOLLS', format: 'csv', notify: { email: 'ops@example.com' } };
    expect((await httpErrorOf(() => parse(body))).message).toEqual([
      'notify.email cannot be used: email is not configured on this server (SMTP_URL is unset)',
    ]);
    expect(parse(body, SMTP).notify).toEqual({ email: 'ops@example.com' });
  });

  it('names bad notify fields by their path, and refuses a webhook to a private address', async () => {
    expect(
      (
        await httpErrorOf(() =>
          parse({ export_type: 'TOLLS', format: 'csv', notify: { webhook_url: 'ftp://x', email: 'nope', sms: '1' } }, SMTP),
        )
      ).message,
    ).toEqual([
      'property notify.sms should not exist',
      'notify.webhook_url must be an http(s) URL',
      'notify.email must be an email address',
    ]);
    const privateTarget = await httpErrorOf(() =>
      parse({ export_type: 'TOLLS', format: 'csv', notify: { webhook_url: 'http://10.0.0.5/hook' } }),
    );
    expect(privateTarget.status).toBe(400);
    expect(privateTarget.message).toEqual([expect.stringMatching(/^notify\.webhook_url /)]);
  });
});
