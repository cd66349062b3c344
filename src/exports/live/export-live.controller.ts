import {
  Controller,
  Get,
  UnauthorizedException,
  Headers,
  HttpCode,
  HttpStatus,
  Param,
  ParseIntPipe,
  Post,
  Query,
  Req,
  Res,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiProperty,
  ApiQuery,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import type { AuthUser } from '../../auth/auth-user';
import { CurrentUser } from '../../auth/current-user.decorator';
import { Public } from '../../auth/public.decorator';
import { TokenService } from '../../auth/token.service';
import { EXPORT_REQUESTS_THROTTLER } from '../../http/rate-limit.module';
import { ExportStatusDto } from '../dto/export-status.dto';
import { ExportJobsRepository } from '../export-jobs.repository';
import { ExportsService } from '../exports.service';
import { ExportAccessSigner } from './export-access.signer';
import { ExportChangeFeed } from './export-change.feed';
import { streamStatus } from './export-status.stream';
import { sendDownload } from '../download-response';

class DownloadLinkDto {
  @ApiProperty({
    example: '/api/exports/123/file?expires=1764431234&signature=3q2-7w',
    description: 'Downloads without a bearer header until it expires',
  })
  url!: string;
  @ApiProperty({ format: 'date-time' }) expires_at!: string;
}

class EventsTokenDto {
  @ApiProperty({ description: 'For the `token` query parameter of the events route only; valid 10 minutes' }) token!: string;
  @ApiProperty({ format: 'date-time' }) expires_at!: string;
  @ApiProperty({ example: '/api/exports/123/events?token=...' }) events_url!: string;
}

/** Routes for browsers and emails: live progress and download links that need no bearer header. */
@ApiTags('exports')
@SkipThrottle({ [EXPORT_REQUESTS_THROTTLER]: true })
@Controller('exports')
export class ExportLiveController {
  constructor(
    private readonly exports: ExportsService,
    private readonly jobs: ExportJobsRepository,
    private readonly signer: ExportAccessSigner,
    private readonly tokens: TokenService,
    private readonly changes: ExportChangeFeed,
  ) {}

  @Post(':id/link')
  @HttpCode(HttpStatus.OK)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'A signed download link for a finished export, valid for DOWNLOAD_LINK_TTL (15 min by default)' })
  @ApiOkResponse({ type: DownloadLinkDto })
  @ApiNotFoundResponse({ description: "Unknown, or another user's export" })
  @ApiConflictResponse({ description: 'Not finished yet' })
  async link(@CurrentUser() user: AuthUser, @Param('id', ParseIntPipe) id: number): Promise<DownloadLinkDto> {
    this.exports.assertDownloadable(await this.exports.findVisible(user, id));
    const link = this.signer.signDownload(id);
    return { url: link.url, expires_at: link.expiresAt.toISOString() };
  }

  @Get(':id/file')
  @Public()
  @ApiOperation({ summary: 'Download through a signed link (from POST /{id}/link); no bearer header' })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ description: 'The file, as an attachment' })
  @ApiForbiddenResponse({ description: 'Signature does not match this export, or the link expired' })
  async file(
    @Param('id', ParseIntPipe) id: number,
    @Query('expires') expires: unknown,
    @Query('signature') signature: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile | undefined> {
    this.signer.verifyDownload(id, expires, signature);
    const owner = await this.jobs.findById(id);
    const user: AuthUser = { id: owner?.user_id ?? '', roles: [], isAdmin: false };
    return sendDownload(res, await this.exports.download(user, id));
  }

  @Post(':id/events-token')
  @HttpCode(HttpStatus.OK)
  @ApiBearerAuth()
  @ApiOperation({ summary: "A short-lived token for this export's events stream, for clients that cannot send headers (EventSource)" })
  @ApiOkResponse({ type: EventsTokenDto })
  @ApiNotFoundResponse({ description: "Unknown, or another user's export" })
  async eventsToken(@CurrentUser() user: AuthUser, @Param('id', ParseIntPipe) id: number): Promise<EventsTokenDto> {
    await this.exports.findVisible(user, id);
    const { token, expiresAt } = this.signer.signEvents(user, id);
    return { token, expires_at: expiresAt.toISOString(), events_url: `/api/exports/${id}/events?token=${encodeURIComponent(token)}` };
  }

  @Get(':id/events')
  @Public()
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Live status as Server-Sent Events',
    description:
      'Each message is `event: status` with the same JSON as GET /{id}/status: one at once, then one per change (about once a second while running). The stream ends after COMPLETED, FAILED, CANCELLED or EXPIRED. Authenticate with the bearer header, or with `?token=` from POST /{id}/events-token.',
  })
  @ApiQuery({ name: 'token', required: false, description: 'From POST /{id}/events-token, when no bearer header can be sent' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ type: ExportStatusDto, description: 'A text/event-stream of status events' })
  @ApiUnauthorizedResponse({ description: 'No valid bearer header or events token' })
  @ApiNotFoundResponse({ description: "Unknown, or another user's export" })
  async events(
    @Param('id', ParseIntPipe) id: number,
    @Headers('authorization') authorization: string | undefined,
    @Query('token') token: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const user = await this.authenticate(id, authorization, token);
    await this.exports.findVisible(user, id);
    streamStatus(req, res, {
      load: () => this.exports.status(user, id),
      subscribe: (onChange) => this.changes.subscribe(id, onChange),
    });
  }

  private async authenticate(id: number, authorization: string | undefined, token: unknown): Promise<AuthUser> {
    const bearer = /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1];
    if (bearer) return this.tokens.verify(bearer);
    if (typeof token === 'string' && token.length > 0 && token.length < 1024) return this.signer.verifyEvents(id, token);
    throw new UnauthorizedException('A bearer token or an events token is required');
  }
}
