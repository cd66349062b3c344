import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { bearerToken } from '../auth/bearer-token';
import { AuthExceptionCode } from '../auth/auth.exception';
import type { JwtVerifier } from '../auth/jwt-verifier';
import { problemOf, sendProblem } from '../http/problem-details';

const COOKIE = 'exports_admin';

function deny(res: Response, status: 401 | 403, message: string): void {
  sendProblem(res, problemOf(status, status === 401 ? AuthExceptionCode.UNAUTHENTICATED : AuthExceptionCode.ADMINS_ONLY, message));
}

/**
 * Admins only, for pages a browser opens (the queue dashboard): a bearer header, or `?token=` once,
 * which is swapped for an HttpOnly cookie scoped to the page and dropped from the address bar.
 */
export function adminOnly(verifier: JwtVerifier, basePath: string): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const queryToken = typeof req.query.token === 'string' ? req.query.token : undefined;
    const cookies = req.cookies as Record<string, string> | undefined;
    const token = bearerToken(req.headers.authorization) ?? queryToken ?? cookies?.[COOKIE];
    const verified = await verifier.verify(token);
    if (!verified) return deny(res, 401, 'A valid bearer token is required');
    if (!verified.user.isAdmin) return deny(res, 403, 'The queue dashboard is for admins');

    if (queryToken) {
      const maxAge = Math.max(0, verified.expiresAt.getTime() - Date.now());
      res.cookie(COOKIE, queryToken, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: basePath, maxAge });
      const url = new URL(req.originalUrl, 'http://localhost');
      url.searchParams.delete('token');
      return res.redirect(303, `${url.pathname}${url.search}`);
    }
    next();
  };
}
