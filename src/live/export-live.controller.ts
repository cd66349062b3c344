import { Controller, Get, Headers, HttpCode, HttpStatus, Param, ParseIntPipe, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
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
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { Public } from '../auth/public.decorator';
import { TokenService } from '../auth/token.service';
import { EXPORT_REQUESTS_THROTTLER } from '../http/rate-limit.module';
import { ExportStatusDto } from '../exports/dto/export-status.dto';
import { ExportJobsRepository } from '../exports/export-jobs.repository';
import { ExportsService } from '../exports/exports.service';
import { EventStreamSlots } from './event-stream-slots';
import { ExportAccessSigner } from './export-access.signer';
import { ExportStatusHub } from './export-status.hub';
import { streamStatus } from './export-status.stream';
import type { RangeHeaders } from '../exports/byte-range';
import { ApiDownloadResponses, DownloadRanges, sendDownload } from '../exports/download-response';
import { LiveException, LiveExceptionCode } from './live.exception';

class DownloadLinkDto {
  @ApiProperty({
    example: '/api/exports/123/file?expires=1764431234&signature=3q2-7w',
    description: 'Downloads without a bearer header until it expires',
  })
  url!: string;
  @ApiProperty({ format: 'date-time' }) expires_at!: string;
}

/** A stream slot frees as soon as one of the user's streams ends; this is a hint, not a promise. */
const STREAM_RETRY_AFTER_S = 10;

/** When a verified JWT expires (its `exp` claim), if it says. */
function jwtExpiry(token: string): Date | undefined {
  const { exp } = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString() || '{}') as { exp?: unknown };
  return typeof exp === 'number' ? new Date(exp * 1000) : undefined;
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
    private readonly hub: ExportStatusHub,
    private readonly slots: EventStreamSlots,
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
  @ApiOperation({ summary: 'Download through a signed link (from POST /{id}/link); no bearer header; resumes with Range and If-Range' })
  @ApiProduces('application/octet-stream')
  @ApiDownloadResponses()
  @ApiForbiddenResponse({ description: 'Signature does not match this export, or the link expired' })
  async file(
    @Param('id', ParseIntPipe) id: number,
    @Query('expires') expires: unknown,
    @Query('signature') signature: unknown,
    @DownloadRanges() ranges: RangeHeaders,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile | undefined> {
    this.signer.verifyDownload(id, expires, signature);
    const owner = await this.jobs.findById(id);
    const user: AuthUser = { id: owner?.user_id ?? '', roles: [], isAdmin: false };
    return sendDownload(res, await this.exports.download(user, id, ranges));
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
      'Each message is `event: status` with the same JSON as GET /{id}/status: one at once, then one per change (about once a second while running). The stream ends after COMPLETED, FAILED, CANCELLED or EXPIRED, or with an `event: expired` when the token it was opened with expires. Authenticate with the bearer header, or with `?token=` from POST /{id}/events-token. At most MAX_EVENT_STREAMS_PER_USER streams per user per API node.',
  })
  @ApiQuery({ name: 'token', required: false, description: 'From POST /{id}/events-token, when no bearer header can be sent' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ type: ExportStatusDto, description: 'A text/event-stream of status events' })
  @ApiUnauthorizedResponse({ description: 'No valid bearer header or events token' })
  @ApiNotFoundResponse({ description: "Unknown, or another user's export" })
  @ApiTooManyRequestsResponse({ description: 'The caller already has MAX_EVENT_STREAMS_PER_USER streams open (see Retry-After)' })
  async events(
    @Param('id', ParseIntPipe) id: number,
    @Headers('authorization') authorization: string | undefined,
    @Query('token') token: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const { user, expiresAt } = await this.authenticate(id, authorization, token);
    await this.exports.findVisible(user, id);
    const release = this.slots.take(user.id);
    if (!release) {
      throw new LiveException(
        LiveExceptionCode.TOO_MANY_STREAMS,
        `You have ${this.slots.cap} live-progress streams open, the most allowed at once. Close one, or follow this export with GET /api/exports/${id}/status, then try again.`,
        STREAM_RETRY_AFTER_S,
      );
    }
    streamStatus(req, res, { watch: (onStatus) => this.hub.watch(id, onStatus), endsAt: expiresAt, onEnd: release });
  }

  private async authenticate(id: number, authorization: string | undefined, token: unknown): Promise<{ user: AuthUser; expiresAt?: Date }> {
    const bearer = /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1];
    if (bearer) return { user: await this.tokens.verify(bearer), expiresAt: jwtExpiry(bearer) };
    if (typeof token === 'string' && token.length > 0 && token.length < 1024) return this.signer.verifyEvents(id, token);
    throw new LiveException(LiveExceptionCode.UNAUTHENTICATED, 'A bearer token or an events token is required');
  }
}
