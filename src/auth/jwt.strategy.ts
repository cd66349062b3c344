import { Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfig } from '../config/app-config';
import type { AuthUser, JwtClaims } from './auth-user';

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(config: AppConfig) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.jwtSecret,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  validate(claims: JwtClaims): AuthUser {
    const { sub, roles } = claims;
    if (typeof sub !== 'string' || sub.length === 0 || sub.length > 64) throw new UnauthorizedException();
    const roleList = Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [];
    return { id: sub, roles: roleList, isAdmin: roleList.includes('admin') };
  }
}
