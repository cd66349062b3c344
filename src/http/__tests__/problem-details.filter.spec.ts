import type { ArgumentsHost } from '@nestjs/common';
import { Logger, NotFoundException } from '@nestjs/common';
import { ProblemDetailsFilter } from '../problem-details.filter';

/** A response that records what the filter sends. */
function newTestHost(path = '/api/exports/1/status') {
  const sent: { status?: number; type?: string; body?: string; headers: Record<string, string> } = { headers: {} };
  const res = {
    headersSent: false,
    status(code: number) {
      sent.status = code;
      return this;
    },
    type(value: string) {
      sent.type = value;
      return this;
    },
    send(body: string) {
      sent.body = body;
      return this;
    },
    setHeader(name: string, value: string) {
      sent.headers[name] = value;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => res, getRequest: () => ({ path }) }) } as unknown as ArgumentsHost;
  return { host, sent, body: () => JSON.parse(sent.body ?? '{}') as Record<string, unknown> };
}

describe(ProblemDetailsFilter.name, () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('answers an unexpected error with 500 INTERNAL_ERROR and none of its internals', () => {
    const { host, sent, body } = newTestHost();
    new ProblemDetailsFilter().catch(new Error("ER_NO_SUCH_TABLE: Table 'exports.export_jobs' doesn't exist at /srv/app"), host);
    expect(sent).toMatchObject({ status: 500, type: 'application/problem+json' });
    expect(body()).toMatchObject({ status: 500, statusCode: 500, code: 'INTERNAL_ERROR', title: 'Internal Server Error' });
    expect(sent.body).not.toMatch(/ER_NO_SUCH_TABLE|export_jobs|\/srv/);
  });

  it("gives Nest's own exceptions a code from their status and keeps their message", () => {
    const { host, body } = newTestHost('/api/nowhere');
    new ProblemDetailsFilter().catch(new NotFoundException('Cannot GET /api/nowhere'), host);
    expect(body()).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
      detail: 'Cannot GET /api/nowhere',
      message: 'Cannot GET /api/nowhere',
      instance: '/api/nowhere',
    });
  });
});
