import { STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';
import type { HttpStatus } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Response } from 'express';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Codes of the HTTP edge itself, and of framework errors that carry none of their own (see docs/errors.md). */
export enum HttpExceptionCode {
  VALIDATION_FAILED = 'VALIDATION_FAILED',
  INVALID_JSON = 'INVALID_JSON',
  REQUEST_TOO_LARGE = 'REQUEST_TOO_LARGE',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  GONE = 'GONE',
  UNPROCESSABLE = 'UNPROCESSABLE',
  RATE_LIMITED = 'RATE_LIMITED',
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
  INTERNAL_ERROR = 'INTERNAL_ERROR',
}

const CODE_BY_STATUS: Record<number, HttpExceptionCode> = {
  400: HttpExceptionCode.VALIDATION_FAILED,
  401: HttpExceptionCode.UNAUTHENTICATED,
  403: HttpExceptionCode.FORBIDDEN,
  404: HttpExceptionCode.NOT_FOUND,
  409: HttpExceptionCode.CONFLICT,
  410: HttpExceptionCode.GONE,
  413: HttpExceptionCode.REQUEST_TOO_LARGE,
  422: HttpExceptionCode.UNPROCESSABLE,
  429: HttpExceptionCode.RATE_LIMITED,
  503: HttpExceptionCode.SERVICE_UNAVAILABLE,
};

/** The code of an HTTP status, for exceptions that carry none (Nest's pipes and router, @nestjs/throttler, ...). */
export function codeOfStatus(status: number): string {
  return CODE_BY_STATUS[status] ?? (status >= 500 ? HttpExceptionCode.INTERNAL_ERROR : HttpExceptionCode.VALIDATION_FAILED);
}

/**
 * An error with a stable code, which clients branch on (never on the sentence). Each module keeps
 * its codes and their statuses in its own `*.exception.ts`; ProblemDetailsFilter sends them.
 */
export class CodedException extends HttpException {
  constructor(
    readonly code: string,
    status: HttpStatus,
    message: string | string[],
    /** Sent as Retry-After (whole seconds). */
    readonly retryAfterSeconds?: number,
  ) {
    super({ statusCode: status, message }, status);
  }
}

export class ProblemFieldError {
  @ApiPropertyOptional({ example: 'filters.from_posting_date', description: 'The request field, when the message names one' })
  field?: string;
  @ApiProperty({ example: 'filters.from_posting_date must be a date (YYYY-MM-DD)' }) message!: string;
}

/** RFC 9457 problem details, plus `code` (stable) and, for compatibility, Nest's `statusCode` and `message`. */
export class ProblemDetails {
  @ApiProperty({ example: 'urn:exports:problem:EXPORT_NOT_FOUND', description: 'urn:exports:problem:<code>' }) type!: string;
  @ApiProperty({ example: 'Not Found', description: 'The HTTP status phrase' }) title!: string;
  @ApiProperty({ example: 404 }) status!: number;
  @ApiProperty({ example: 'Export 123 not found', description: 'What went wrong, in a sentence for people' }) detail!: string;
  @ApiProperty({ example: 'EXPORT_NOT_FOUND', description: 'Stable; see docs/errors.md' }) code!: string;
  @ApiPropertyOptional({ type: [ProblemFieldError], description: 'Every offending field, for VALIDATION_FAILED' })
  errors?: ProblemFieldError[];
  @ApiPropertyOptional({ example: '/api/exports/123/status', description: 'The request path' }) instance?: string;
  @ApiProperty({ example: 404, description: 'Same as status (kept for existing clients)' }) statusCode!: number;
  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    description: 'The detail as before problem details: a sentence, or one per field for a 400 (kept for existing clients)',
  })
  message!: string | string[];
}

/** The field a validation message is about: the API's messages start with its path (`filters.to_date must ...`). */
function fieldOf(message: string): string | undefined {
  return /^(?:property )?([a-z_][a-z0-9_]*(?:\.[a-z0-9_]+)*)\s/.exec(message)?.[1];
}

export function problemOf(status: number, code: string, message: string | string[], instance?: string): ProblemDetails {
  const messages = Array.isArray(message) ? message : [message];
  return {
    type: `urn:exports:problem:${code}`,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail: messages.join(' '),
    code,
    ...(Array.isArray(message) && status === 400
      ? { errors: messages.map((text) => ({ ...(fieldOf(text) ? { field: fieldOf(text) } : {}), message: text })) }
      : {}),
    ...(instance ? { instance } : {}),
    statusCode: status,
    message,
  };
}

export function sendProblem(res: Response, problem: ProblemDetails): void {
  res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}
