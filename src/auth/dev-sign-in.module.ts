import { Module } from '@nestjs/common';
import { AuthModule } from './auth.module';
import { DevSignInController } from './dev-sign-in.controller';

/** POST /api/auth/dev-token; AppModule imports it only outside production. */
@Module({ imports: [AuthModule], controllers: [DevSignInController] })
export class DevSignInModule {}
