import { HttpStatus } from '@nestjs/common';
import { CodedException } from '../http/problem-details';

/** The engine's error codes: stable, for clients to branch on (docs/errors.md). */
export enum ExportsExceptionCode {
  VALIDATION_FAILED = 'VALIDATION_FAILED',
  TYPE_FORBIDDEN = 'TYPE_FORBIDDEN',
  ADMINS_ONLY = 'ADMINS_ONLY',
  EXPORT_NOT_FOUND = 'EXPORT_NOT_FOUND',
  EXPORT_NOT_READY = 'EXPORT_NOT_READY',
  EXPORT_NOT_RETRYABLE = 'EXPORT_NOT_RETRYABLE',
  EXPORT_NOT_CANCELLABLE = 'EXPORT_NOT_CANCELLABLE',
  EXPORT_EXPIRED = 'EXPORT_EXPIRED',
  EXPORT_FILE_GONE = 'EXPORT_FILE_GONE',
  IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED',
  FORMAT_LIMIT_EXCEEDED = 'FORMAT_LIMIT_EXCEEDED',
  TOO_MANY_ACTIVE_EXPORTS = 'TOO_MANY_ACTIVE_EXPORTS',
  QUEUE_UNAVAILABLE = 'QUEUE_UNAVAILABLE',
}

const STATUS: Record<ExportsExceptionCode, HttpStatus> = {
  VALIDATION_FAILED: HttpStatus.BAD_REQUEST,
  TYPE_FORBIDDEN: HttpStatus.FORBIDDEN,
  ADMINS_ONLY: HttpStatus.FORBIDDEN,
  EXPORT_NOT_FOUND: HttpStatus.NOT_FOUND,
  EXPORT_NOT_READY: HttpStatus.CONFLICT,
  EXPORT_NOT_RETRYABLE: HttpStatus.CONFLICT,
  EXPORT_NOT_CANCELLABLE: HttpStatus.CONFLICT,
  EXPORT_EXPIRED: HttpStatus.GONE,
  EXPORT_FILE_GONE: HttpStatus.GONE,
  IDEMPOTENCY_KEY_REUSED: HttpStatus.UNPROCESSABLE_ENTITY,
  FORMAT_LIMIT_EXCEEDED: HttpStatus.UNPROCESSABLE_ENTITY,
  TOO_MANY_ACTIVE_EXPORTS: HttpStatus.TOO_MANY_REQUESTS,
  QUEUE_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
};

/** A refused export request or action; `message` is for people (a 400's: one per offending field). */
export class ExportsException extends CodedException {
  declare readonly code: ExportsExceptionCode;

  constructor(code: ExportsExceptionCode, message: string | string[], retryAfterSeconds?: number) {
    super(code, STATUS[code], message, retryAfterSeconds);
  }
}

const ACTIVE_LIMIT_RETRY_AFTER_S = 30;

/** 429 with Retry-After: the caller has as many exports running as allowed. */
export class TooManyActiveExportsException extends ExportsException {
  constructor(readonly active: number) {
    super(
      ExportsExceptionCode.TOO_MANY_ACTIVE_EXPORTS,
      `You have ${active} exports pending or running, the most allowed at once. Wait for one to finish or cancel one, then try again.`,
      ACTIVE_LIMIT_RETRY_AFTER_S,
    );
  }
}
