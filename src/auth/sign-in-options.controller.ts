import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { AppConfig } from '../config/app-config';
import { Public } from './public.decorator';

export class SignInOptionsDto {
  @ApiProperty({ description: 'POST /api/auth/dev-token hands out tokens without a password' }) dev_sign_in!: boolean;
  @ApiProperty({ description: 'A development server (generated dev key or dev sign-in): not for real data' }) development!: boolean;
}

/** Lets a sign-in page offer what the server has, instead of probing routes that may not exist. */
@ApiTags('auth')
@Public()
@Controller('auth/options')
export class SignInOptionsController {
  constructor(private readonly config: AppConfig) {}

  @Get()
  @ApiOperation({ summary: 'Which sign-in options this server offers (public)' })
  @ApiOkResponse({ type: SignInOptionsDto })
  options(): SignInOptionsDto {
    return { dev_sign_in: this.config.devSignIn, development: this.config.developmentServer };
  }
}
