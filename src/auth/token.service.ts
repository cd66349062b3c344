import { Injectable } from '@nestjs/common';
import { SignJWT } from 'jose';
import { AppConfig, parseDuration } from '../config/app-config';
import { AuthException, AuthExceptionCode } from './auth.exception';
import { rolesAt } from './auth-user';
import type { AuthUser } from './auth-user';
import { JwtVerifier } from './jwt-verifier';

export interface TokenRequest {
  userId: string;
  roles?: string[];
  /** A duration such as `1h`, `30m`, `7d`; at most JWT_MAX_TTL. */
  ttl?: string;
}

/** A lifetime beyond JWT_MAX_TTL: such a token would be refused anyway. */
export class TokenLifetimeError extends Error {}

/** Mints the HS256 tokens of the CLI and dev sign-in, and checks tokens for routes that read one themselves. */
@Injectable()
export class TokenService {
  private readonly secret: Uint8Array;

  constructor(
    private readonly config: AppConfig,
    private readonly verifier: JwtVerifier,
  ) {
    this.secret = new TextEncoder().encode(config.jwtSecret);
  }

  async sign({ userId, roles = [], ttl = '1h' }: TokenRequest): Promise<string> {
    const { maxTtl, maxTtlSeconds, issuer, audience, rolesClaim } = this.config.jwt;
    const ttlSeconds = parseDuration(ttl) / 1000;
    if (ttlSeconds > maxTtlSeconds) throw new TokenLifetimeError(`A token may live at most ${maxTtl} (JWT_MAX_TTL), not ${ttl}`);
    const now = Math.floor(Date.now() / 1000);
    const token = new SignJWT(rolesAt(rolesClaim, roles))
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId)
      .setIssuedAt(now)
      .setExpirationTime(now + ttlSeconds);
    if (issuer) token.setIssuer(issuer);
    if (audience) token.setAudience(audience);
    return token.sign(this.secret);
  }

  /** The same check as the bearer guard's. */
  async verify(token: string): Promise<AuthUser> {
    const verified = await this.verifier.verify(token);
    if (!verified) throw new AuthException(AuthExceptionCode.UNAUTHENTICATED, 'A valid bearer token is required');
    return verified.user;
  }
}
