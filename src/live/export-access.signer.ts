import { createHmac, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user';
import { AppConfig } from '../config/app-config';
import { LiveException, LiveExceptionCode } from './live.exception';

export interface SignedDownload {
  /** Path on this API; no bearer header needed until it expires. */
  url: string;
  expiresAt: Date;
}

export interface EventsToken {
  token: string;
  expiresAt: Date;
}

const EVENTS_TOKEN_TTL_MS = 10 * 60 * 1000;

const base64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

function sameSignature(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Capabilities for one export that travel in a URL: a download link and an events-stream token.
 * Each is signed with its own key derived from JWT_SECRET, so neither can pass for the other or
 * for a bearer token.
 */
@Injectable()
export class ExportAccessSigner {
  private readonly linkKey: Buffer;
  private readonly eventsKey: Buffer;

  constructor(private readonly config: AppConfig) {
    this.linkKey = createHmac('sha256', config.jwtSecret).update('exports:download-link').digest();
    this.eventsKey = createHmac('sha256', config.jwtSecret).update('exports:events-token').digest();
  }

  signDownload(exportId: number, now = Date.now()): SignedDownload {
    const expires = Math.floor((now + this.config.downloadLinkTtlMs) / 1000);
    const signature = this.linkSignature(exportId, String(expires));
    return { url: `/api/exports/${exportId}/file?expires=${expires}&signature=${signature}`, expiresAt: new Date(expires * 1000) };
  }

  /** Throws 403 unless the link was signed here for this export and has not expired. */
  verifyDownload(exportId: number, expires: unknown, signature: unknown, now = Date.now()): void {
    if (typeof expires !== 'string' || typeof signature !== 'string' || !/^\d{1,12}$/.test(expires)) {
      throw new LiveException(LiveExceptionCode.DOWNLOAD_LINK_INVALID, 'This download link is not valid');
    }
    if (!sameSignature(signature, this.linkSignature(exportId, expires)))
      throw new LiveException(LiveExceptionCode.DOWNLOAD_LINK_INVALID, 'This download link is not valid');
    if (Number(expires) * 1000 < now)
      throw new LiveException(LiveExceptionCode.DOWNLOAD_LINK_EXPIRED, 'This download link has expired; ask for a new one');
  }

  signEvents(user: AuthUser, exportId: number, now = Date.now()): EventsToken {
    const expiresAt = new Date(now + EVENTS_TOKEN_TTL_MS);
    const payload = base64url(
      JSON.stringify({ sub: user.id, adm: user.isAdmin, eid: exportId, exp: Math.floor(expiresAt.getTime() / 1000) }),
    );
    return { token: `${payload}.${this.eventsSignature(payload)}`, expiresAt };
  }

  /** The user an events token was issued to, and when it expires, if it is genuine, unexpired and for this export. */
  verifyEvents(exportId: number, token: string, now = Date.now()): { user: AuthUser; expiresAt: Date } {
    const [payload, signature, extra] = token.split('.');
    if (!payload || !signature || extra !== undefined || !sameSignature(signature, this.eventsSignature(payload))) {
      throw new LiveException(LiveExceptionCode.EVENTS_TOKEN_INVALID, 'The events token is not valid');
    }
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { sub: string; adm: boolean; eid: number; exp: number };
    if (claims.eid !== exportId) throw new LiveException(LiveExceptionCode.EVENTS_TOKEN_INVALID, 'The events token is for another export');
    if (claims.exp * 1000 < now)
      throw new LiveException(LiveExceptionCode.EVENTS_TOKEN_EXPIRED, 'The events token has expired; ask for a new one');
    return { user: { id: claims.sub, roles: claims.adm ? ['admin'] : [], isAdmin: claims.adm }, expiresAt: new Date(claims.exp * 1000) };
  }

  private linkSignature(exportId: number, expires: string): string {
    return createHmac('sha256', this.linkKey).update(`${exportId}:${expires}`).digest('base64url');
  }

  private eventsSignature(payload: string): string {
    return createHmac('sha256', this.eventsKey).update(payload).digest('base64url');
  }
}
