import { Injectable, Logger } from '@nestjs/common';
import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { LRUCache } from 'lru-cache';
import type { CryptoKey, JWSHeaderParameters, JWTPayload, JWTVerifyOptions } from 'jose';
import { AppConfig } from '../config/app-config';
import { userFromClaims } from './auth-user';
import type { AuthUser } from './auth-user';

export interface VerifiedToken {
  user: AuthUser;
  /** From `exp`, which every accepted token has. */
  expiresAt: Date;
}

type KeyResolver = (header: JWSHeaderParameters) => Promise<CryptoKey>;

/** Signature algorithms of an identity provider's key set. */
const KEY_SET_ALGORITHMS = ['RS256', 'ES256'];

/**
 * Accepted tokens remembered, so a client polling every second is not checked again each time: at
 * most this many (a few MB of token strings), each for at most ACCEPTED_FOR_MS and never past its `exp`.
 */
const ACCEPTED_TOKENS = 10_000;
const ACCEPTED_FOR_MS = 60_000;

/**
 * The one check of a bearer token, for the guard, the token service and the dashboard middleware.
 * The algorithm picks the key: HS256 only ever with JWT_SECRET, RS256/ES256 only with the key set at
 * JWT_JWKS_URL (fetched by jose, cached, fetched again for an unknown `kid`), so a public key can never
 * pass for an HMAC secret. Every token needs `exp`, a lifetime within JWT_MAX_TTL, and the configured
 * `iss` and `aud`.
 */
@Injectable()
export class JwtVerifier {
  private readonly logger = new Logger(JwtVerifier.name);
  private readonly keyFor: KeyResolver;
  private readonly options: JWTVerifyOptions;
  private readonly maxTtlSeconds: number;
  private readonly rolesClaim: string;
  private readonly accepted = new LRUCache<string, VerifiedToken>({ max: ACCEPTED_TOKENS });

  constructor(config: AppConfig) {
    // Imported once: given the raw bytes, jose imports the key again for every token it checks.
    const secret = crypto.subtle.importKey('raw', new TextEncoder().encode(config.jwtSecret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'verify',
    ]);
    const keySet = config.jwt.jwksUrl ? createRemoteJWKSet(new URL(config.jwt.jwksUrl)) : undefined;
    this.keyFor = (header) => (header.alg === 'HS256' || !keySet ? secret : keySet(header));
    this.options = {
      algorithms: keySet ? ['HS256', ...KEY_SET_ALGORITHMS] : ['HS256'],
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
      requiredClaims: ['exp'],
    };
    this.maxTtlSeconds = config.jwt.maxTtlSeconds;
    this.rolesClaim = config.jwt.rolesClaim;
  }

  /** The caller a token names, or undefined for a missing token or any token that must not be trusted. */
  async verify(token: string | undefined): Promise<VerifiedToken | undefined> {
    if (token === undefined) return undefined;
    const known = this.accepted.get(token);
    if (known) return known;
    const verified = await this.check(token);
    const lifetimeLeft = verified ? verified.expiresAt.getTime() - Date.now() : 0;
    if (verified && lifetimeLeft >= 1) this.accepted.set(token, verified, { ttl: Math.min(Math.floor(lifetimeLeft), ACCEPTED_FOR_MS) });
    return verified;
  }

  private async check(token: string): Promise<VerifiedToken | undefined> {
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, this.keyFor, this.options));
    } catch (error) {
      this.logRefusal(error);
      return undefined;
    }
    const exp = claims.exp as number;
    // Without `iat` the lifetime left is what counts.
    if (exp - (claims.iat ?? Date.now() / 1000) > this.maxTtlSeconds) return undefined;
    const user = userFromClaims(claims, this.rolesClaim);
    if (!user) return undefined;
    // Frozen: later requests with the same token get this very object.
    Object.freeze(user.roles);
    return { user: Object.freeze(user), expiresAt: new Date(exp * 1000) };
  }

  /** An unreachable or broken key set is the operator's problem; a bad token is only the caller's. */
  private logRefusal(error: unknown): void {
    if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || !(error instanceof errors.JOSEError)) {
      this.logger.warn(`The identity provider's key set could not be used: ${error instanceof Error ? error.message : String(error)}`);
    } else {
      this.logger.debug(`Bearer token refused: ${error.code}`);
    }
  }
}
