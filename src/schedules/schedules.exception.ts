import { HttpStatus } from '@nestjs/common';
import { CodedException } from '../http/problem-details';

/** Schedules' error codes (docs/errors.md). */
export enum SchedulesExceptionCode {
  VALIDATION_FAILED = 'VALIDATION_FAILED',
  SCHEDULE_NOT_FOUND = 'SCHEDULE_NOT_FOUND',
  TOO_MANY_SCHEDULES = 'TOO_MANY_SCHEDULES',
  SCHEDULER_UNAVAILABLE = 'SCHEDULER_UNAVAILABLE',
}

const STATUS: Record<SchedulesExceptionCode, HttpStatus> = {
  VALIDATION_FAILED: HttpStatus.BAD_REQUEST,
  SCHEDULE_NOT_FOUND: HttpStatus.NOT_FOUND,
  TOO_MANY_SCHEDULES: HttpStatus.CONFLICT,
  SCHEDULER_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
};

export class SchedulesException extends CodedException {
  constructor(code: SchedulesExceptionCode, message: string | string[]) {
    super(code, STATUS[code], message);
  }
}
