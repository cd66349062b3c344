import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { AuthModule } from './auth.module';
import { DevSignInController } from './dev-sign-in.controller';
import { SignInOptionsController } from './sign-in-options.controller';

/** GET /api/auth/options everywhere HTTP is served; POST /api/auth/dev-token only where dev sign-in is on. */
@Module({})
export class SignInModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: SignInModule,
      imports: [AuthModule],
      controllers: [SignInOptionsController, ...(config.devSignIn ? [DevSignInController] : [])],
    };
  }
}
