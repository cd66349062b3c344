import type { JwtService } from '@nestjs/jwt';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

const COOKIE = 'exports_admin';

function deny(res: Response, status: 401 | 403, message: string): void {
  res.status(status).json({ statusCode: status, error: status === 401 ? 'Unauthorized' : 'Forbidden', message });
}

/**
 * Admins only, for pages a browser opens (the queue dashboard): a bearer header, or `?token=` once,
 * which is swapped for an HttpOnly cookie scoped to the page and dropped from the address bar.
 */
export function adminOnly(jwt: JwtService, basePath: string): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    const header = req.headers.authorization;
    const queryToken = typeof req.query.token === 'string' ? req.query.token : undefined;
    const cookies = req.cookies as Record<string, string> | undefined;
    const token = header?.startsWith('Bearer ') ? header.slice(7) : (queryToken ?? cookies?.[COOKIE]);
    if (!token) return deny(res, 401, 'A valid bearer token is required');

    let claims: { sub?: unknown; roles?: unknown; exp?: number };
    try {
      claims = jwt.verify<{ sub?: unknown; roles?: unknown; exp?: number }>(token, { algorithms: ['HS256'] });
    } catch {
      return deny(res, 401, 'A valid bearer token is required');
    }
    if (typeof claims.sub !== 'string' || claims.sub.length === 0) return deny(res, 401, 'A valid bearer token is required');
    if (!Array.isArray(claims.roles) || !claims.roles.includes('admin')) return deny(res, 403, 'The queue dashboard is for admins');

    if (queryToken) {
      const maxAge = claims.exp ? Math.max(0, claims.exp * 1000 - Date.now()) : 3600_000;
      res.cookie(COOKIE, queryToken, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: basePath, maxAge });
      const url = new URL(req.originalUrl, 'http://localhost');
      url.searchParams.delete('token');
      return res.redirect(303, `${url.pathname}${url.search}`);
    }
    next();
  };
}
