import { HttpStatus } from '@nestjs/common';
import { CodedException } from '../http/problem-details';

/** Live progress' and signed links' error codes (docs/errors.md). */
export enum LiveExceptionCode {
  DOWNLOAD_LINK_INVALID = 'DOWNLOAD_LINK_INVALID',
  DOWNLOAD_LINK_EXPIRED = 'DOWNLOAD_LINK_EXPIRED',
  EVENTS_TOKEN_INVALID = 'EVENTS_TOKEN_INVALID',
  EVENTS_TOKEN_EXPIRED = 'EVENTS_TOKEN_EXPIRED',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  TOO_MANY_STREAMS = 'TOO_MANY_STREAMS',
}

const STATUS: Record<LiveExceptionCode, HttpStatus> = {
  DOWNLOAD_LINK_INVALID: HttpStatus.FORBIDDEN,
  DOWNLOAD_LINK_EXPIRED: HttpStatus.FORBIDDEN,
  EVENTS_TOKEN_INVALID: HttpStatus.UNAUTHORIZED,
  EVENTS_TOKEN_EXPIRED: HttpStatus.UNAUTHORIZED,
  UNAUTHENTICATED: HttpStatus.UNAUTHORIZED,
  TOO_MANY_STREAMS: HttpStatus.TOO_MANY_REQUESTS,
};

export class LiveException extends CodedException {
  constructor(code: LiveExceptionCode, message: string, retryAfterSeconds?: number) {
    super(code, STATUS[code], message, retryAfterSeconds);
  }
}
