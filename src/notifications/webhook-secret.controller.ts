import { Body, Controller, Header, HttpCode, HttpStatus, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { IsUrl, MaxLength } from 'class-validator';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { AppConfig } from '../config/app-config';
import { EXPORT_REQUESTS_THROTTLER } from '../http/rate-limit.module';
import { canonicalWebhookUrl, webhookTargetSecret } from './webhook-signature';

class WebhookSecretRequestDto {
  @ApiProperty({ example: 'https://hooks.example.com/exports', description: 'The notify.webhook_url your exports and schedules use' })
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'webhook_url must be an http(s) URL' })
  @MaxLength(2048, { message: 'webhook_url must be at most 2048 characters' })
  webhook_url!: string;
}

class WebhookSecretDto {
  @ApiProperty({ example: 'https://hooks.example.com/exports', description: 'The URL as it is keyed (normalised)' }) webhook_url!: string;
  @ApiProperty({
    example: 'whsec_3q2-7wZ0...',
    description: "HMAC-SHA256 key of the Exports-Signature header of every event this caller's exports send to this URL",
  })
  secret!: string;
}

/** Each owner's webhook target has its own signing secret; this is how its owner learns it. */
@ApiTags('exports')
@ApiBearerAuth()
@SkipThrottle({ [EXPORT_REQUESTS_THROTTLER]: true })
@ApiUnauthorizedResponse({ description: 'Missing, invalid or expired bearer token' })
@Controller('exports/webhook-secret')
export class WebhookSecretController {
  constructor(private readonly config: AppConfig) {}

  @Post()
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: "The signing secret of the caller's webhook target at this URL",
    description:
      'Events the caller’s exports and schedules POST to this URL are signed with it (Exports-Signature). It is the same every time it is asked for; another user gets another secret for the same URL.',
  })
  @ApiOkResponse({ type: WebhookSecretDto })
  @ApiBadRequestResponse({ description: 'webhook_url is not an http(s) URL' })
  secret(@CurrentUser() user: AuthUser, @Body() body: WebhookSecretRequestDto): WebhookSecretDto {
    return {
      webhook_url: canonicalWebhookUrl(body.webhook_url),
      secret: webhookTargetSecret(this.config.webhookSecret, user.id, body.webhook_url),
    };
  }
}
