import { Injectable, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { userFromClaims } from './auth-user';
import type { AuthUser, JwtClaims } from './auth-user';

export interface TokenRequest {
  userId: string;
  roles?: string[];
  /** A duration such as `1h`, `30m`, `7d`. */
  ttl?: string;
}

@Injectable()
export class TokenService {
  constructor(private readonly jwt: JwtService) {}

  sign({ userId, roles = [], ttl = '1h' }: TokenRequest): string {
    return this.jwt.sign({ roles }, { subject: userId, expiresIn: ttl as `${number}h` });
  }

  /** The same checks as the bearer guard, for routes that read a token themselves. */
  verify(token: string): AuthUser {
    let claims: JwtClaims;
    try {
      claims = this.jwt.verify<JwtClaims & object>(token, { algorithms: ['HS256'] });
    } catch {
      throw new UnauthorizedException('A valid bearer token is required');
    }
    const user = userFromClaims(claims);
    if (!user) throw new UnauthorizedException('A valid bearer token is required');
    return user;
  }
}
