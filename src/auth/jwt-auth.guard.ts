import { Injectable } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { AuthUser } from './auth-user';
import { AuthException, AuthExceptionCode } from './auth.exception';
import { bearerToken } from './bearer-token';
import { JwtVerifier } from './jwt-verifier';
import { IS_PUBLIC } from './public.decorator';

/** Global guard: every route needs a valid bearer token unless it is marked @Public(). */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: JwtVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    const verified = await this.verifier.verify(bearerToken(request.headers.authorization));
    if (!verified) throw new AuthException(AuthExceptionCode.UNAUTHENTICATED, 'A valid bearer token is required');
    request.user = verified.user;
    return true;
  }
}
