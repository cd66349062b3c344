import { HttpStatus } from '@nestjs/common';
import { CodedException } from '../http/problem-details';

/** Authentication's error codes (docs/errors.md). */
export enum AuthExceptionCode {
  /** No bearer token, or one that is malformed, badly signed or expired. */
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  ADMINS_ONLY = 'ADMINS_ONLY',
}

const STATUS: Record<AuthExceptionCode, HttpStatus> = {
  UNAUTHENTICATED: HttpStatus.UNAUTHORIZED,
  ADMINS_ONLY: HttpStatus.FORBIDDEN,
};

export class AuthException extends CodedException {
  constructor(code: AuthExceptionCode, message: string) {
    super(code, STATUS[code], message);
  }
}
