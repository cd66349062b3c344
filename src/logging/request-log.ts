import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Options } from 'pino-http';
import type { AuthUser } from '../auth/auth-user';
import { loggableUrl } from './loggable-url';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Reuses a caller's X-Request-Id when it is sane, otherwise makes one; echoes it back. */
function requestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/**
 * One small line per request: method, URL (credentials left out), status, time, request id and user.
 * No headers either way: requests carry bearer tokens and cookies, responses presigned Locations.
 */
export const REQUEST_LOG_OPTIONS: Options = {
  genReqId: requestId,
  // Lines logged while handling a request carry its id only, not the request again.
  quietReqLogger: true,
  serializers: {
    req: (req: { method: string; url: string }) => ({ method: req.method, url: loggableUrl(req.url) }),
    res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
  },
  // Read when the response is finished, after the bearer guard has set the user.
  customProps: (req: IncomingMessage) => ({ user: (req as IncomingMessage & { user?: AuthUser }).user?.id }),
  autoLogging: { ignore: (req: IncomingMessage) => req.url === '/api/health' },
};
