import { Body, Controller, Get, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
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
  @ApiProperty({ description: 'A bearer token without roles, valid for 8 hours' }) token!: string;
}

/**
 * Sign-in without an identity provider, for development and demos: anyone who can reach the server
 * gets a token for any user id. Registered only with AppConfig.devSignIn: never with NODE_ENV=production, and with a real JWT_SECRET
 * only when DEV_SIGN_IN=true.
 */
@ApiTags('auth')
@Public()
@Controller('auth/dev-token')
export class DevSignInController {
  constructor(private readonly tokens: TokenService) {}

  @Get()
  @ApiOperation({ summary: 'Answers 200 when dev sign-in is available (404 in production)' })
  available(): { available: true } {
    return { available: true };
  }

  @Post()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'A token for any user id (never admin); development only' })
  @ApiOkResponse({ type: DevTokenDto })
  issue(@Body() body: DevTokenRequestDto): DevTokenDto {
    return { token: this.tokens.sign({ userId: body.user_id ?? 'demo', ttl: DEV_TOKEN_TTL }) };
  }
}
