import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtAuthGuard } from './jwt-auth.guard';
import { JwtVerifier } from './jwt-verifier';
import { TokenService } from './token.service';

@Module({ providers: [JwtVerifier, TokenService], exports: [JwtVerifier, TokenService] })
export class AuthModule {}

/** The global guard, registered only where HTTP routes exist. */
export const globalAuthGuard = { provide: APP_GUARD, useClass: JwtAuthGuard };
