import { Catch, HttpException, Logger } from '@nestjs/common';
import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CodedException, codeOfStatus, HttpExceptionCode, problemOf, sendProblem } from './problem-details';
import type { ProblemDetails } from './problem-details';

/** Health answers keep @nestjs/terminus's body: monitors read its `status: "error"` and `details`. */
const OWN_BODY_PATHS = ['/api/health'];

/** What Nest's own exceptions (pipes, router, throttler, guards) say: their `message`, a sentence or one per field. */
function messageOf(exception: HttpException): string | string[] {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (typeof message === 'string' || (Array.isArray(message) && message.every((item) => typeof item === 'string'))) return message;
  return exception.message;
}

/**
 * Every error answer of the API as RFC 9457 problem details with a stable `code`: the modules'
 * coded exceptions, Nest's built-in ones (a code from their status), and anything else as a 500
 * INTERNAL_ERROR that reveals nothing (the error goes to the log).
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ExceptionsHandler');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<Request>();
    if (!(exception instanceof HttpException)) this.logger.error(exception);
    if (res.headersSent) {
      res.end();
      return;
    }
    if (exception instanceof HttpException && OWN_BODY_PATHS.some((path) => req.path.startsWith(path))) {
      res.status(exception.getStatus()).json(exception.getResponse());
      return;
    }
    if (exception instanceof CodedException && exception.retryAfterSeconds !== undefined) {
      res.setHeader('Retry-After', String(exception.retryAfterSeconds));
    }
    sendProblem(res, problemFor(exception, req.path));
  }
}

/** A 500 says nothing of its cause, which may name tables, paths or hosts; the log has it. */
const INTERNAL_DETAIL = 'The server had a problem and the request was not completed. Try again; if it keeps happening, tell an operator.';

function problemFor(exception: unknown, instance: string): ProblemDetails {
  if (!(exception instanceof HttpException)) {
    return problemOf(500, HttpExceptionCode.INTERNAL_ERROR, INTERNAL_DETAIL, instance);
  }
  const status = exception.getStatus();
  const code = exception instanceof CodedException ? exception.code : codeOfStatus(status);
  const message = status === 500 && !(exception instanceof CodedException) ? INTERNAL_DETAIL : messageOf(exception);
  return problemOf(status, code, message, instance);
}
