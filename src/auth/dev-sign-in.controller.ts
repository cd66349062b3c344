import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { AppConfig, parseDuration } from '../config/app-config';
import { Public } from './public.decorator';
import { TokenService } from './token.service';

const DEV_TOKEN_TTL = '8h';

export class DevTokenRequestDto {
  @ApiPropertyOptional({ example: 'demo', description: 'The token subject; "demo" when omitted' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9._@-]{1,64}$/, { message: 'user_id must be 1-64 letters, digits, . _ @ or -' })
  user_id?: string;
}

class DevTokenDto {
  @ApiProperty({ description: 'A bearer token without roles, valid for 8 hours (or JWT_MAX_TTL when shorter)' }) token!: string;
}

/**
 * Sign-in without an identity provider, for development and demos: anyone who can reach the server
 * gets a token for any user id. Registered only with AppConfig.devSignIn: never with NODE_ENV=production,
 * by default only on a loopback-only server with the generated dev key, otherwise only with DEV_SIGN_IN=true.
 */
@ApiTags('auth')
@Public()
@Controller('auth/dev-token')
export class DevSignInController {
  private readonly ttl: string;

  constructor(
    private readonly tokens: TokenService,
    config: AppConfig,
  ) {
    this.ttl = config.jwt.maxTtlSeconds * 1000 < parseDuration(DEV_TOKEN_TTL) ? config.jwt.maxTtl : DEV_TOKEN_TTL;
  }

  @Post()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'A token for any user id (never admin); development only' })
  @ApiOkResponse({ type: DevTokenDto })
  async issue(@Body() body: DevTokenRequestDto): Promise<DevTokenDto> {
    return { token: await this.tokens.sign({ userId: body.user_id ?? 'demo', ttl: this.ttl }) };
  }
}
