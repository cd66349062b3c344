import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Response as TestResponse } from 'supertest';

/** Answers whose body is not ours to shape: terminus' health body (monitors read its `status`). */
const OWN_BODY_PATHS = ['/api/health'];

/** Asserts an error answer is problem details with this status and code, and returns its body. */
export function expectProblem(response: TestResponse, status: number, code: string): Record<string, unknown> {
  expect({ status: response.status, code: (response.body as { code?: unknown }).code }).toEqual({ status, code });
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({
    type: `urn:exports:problem:${code}`,
    title: expect.any(String),
    status,
    detail: expect.any(String),
  });
  return response.body as Record<string, unknown>;
}

/**
 * Watches every answer of an app under test: a 4xx or 5xx of the API that is not problem details
 * with a `code` is recorded, and `check` (run when the app closes) fails the test file with them.
 */
export function watchProblems(app: INestApplication): { check(): void } {
  const violations: string[] = [];
  app.use((req: Request, res: Response, next: NextFunction) => {
    const chunks: Buffer[] = [];
    const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
    const end = res.end.bind(res) as (chunk?: unknown, ...rest: unknown[]) => Response;
    const isError = (): boolean =>
      res.statusCode >= 400 && req.originalUrl.startsWith('/api/') && !OWN_BODY_PATHS.some((path) => req.originalUrl.startsWith(path));
    const keep = (chunk: unknown): void => {
      if (isError() && (typeof chunk === 'string' || Buffer.isBuffer(chunk))) chunks.push(Buffer.from(chunk));
    };
    res.write = ((chunk: unknown, ...rest: unknown[]) => (keep(chunk), write(chunk, ...rest))) as Response['write'];
    res.end = ((chunk?: unknown, ...rest: unknown[]) => (keep(chunk), end(chunk, ...rest))) as Response['end'];
    res.on('finish', () => {
      if (!isError()) return;
      const type = String(res.getHeader('content-type') ?? '');
      let code: unknown;
      try {
        code = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { code?: unknown }).code;
      } catch {
        code = undefined;
      }
      if (!type.startsWith('application/problem+json') || typeof code !== 'string') {
        violations.push(`${req.method} ${req.originalUrl} → ${res.statusCode} ${type || '(no content type)'} without a problem code`);
      }
    });
    next();
  });
  return {
    check: () => {
      if (violations.length > 0) throw new Error(`Error answers that are not problem details:\n${violations.join('\n')}`);
    },
  };
}
