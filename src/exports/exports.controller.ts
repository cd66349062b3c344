import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  HttpStatus,
  Param,
  ParseIntPipe,
  Post,
  Query,
  Res,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiGoneResponse,
  ApiHeader,
  ApiTooManyRequestsResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Response } from 'express';
import { EXPORT_REQUESTS_THROTTLER } from '../http/rate-limit.module';
import { annotateActiveSpan, exportAttributes } from '../tracing/spans';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { CreateExportDto } from './dto/create-export.dto';
import { ExportAcceptedDto, ExportPageDto, ExportStatusDto } from './dto/export-status.dto';
import { ExportListQueryDto } from './dto/export-list-query.dto';
import { ExportTypeDto } from './dto/export-type.dto';
import { PageQueryDto } from './dto/page-query.dto';
import { ExportEventDto } from './dto/export-event.dto';
import type { RangeHeaders } from './byte-range';
import { ApiDownloadResponses, DownloadRanges, sendDownload } from './download-response';
import { ExportsService } from './exports.service';
import { ExportQueryRegistry } from './query/export-query.registry';

@ApiTags('exports')
@ApiBearerAuth()
@SkipThrottle({ [EXPORT_REQUESTS_THROTTLER]: true })
@ApiUnauthorizedResponse({ description: 'Missing, invalid or expired bearer token' })
@Controller('exports')
export class ExportsController {
  constructor(
    private readonly exports: ExportsService,
    private readonly registry: ExportQueryRegistry,
  ) {}

  @Post('request')
  @HttpCode(HttpStatus.ACCEPTED)
  @SkipThrottle({ [EXPORT_REQUESTS_THROTTLER]: false })
  @ApiOperation({ summary: 'Request an export; it runs in the background' })
  @ApiBody({ type: CreateExportDto })
  @ApiAcceptedResponse({ type: ExportAcceptedDto, headers: { Location: { description: 'The status URL', schema: { type: 'string' } } } })
  @ApiBadRequestResponse({ description: 'Invalid type, format, filter or column; every offending field is named in `message`' })
  @ApiForbiddenResponse({ description: 'The export type needs a role the caller does not have (named in `message`); nothing was created' })
  @ApiUnprocessableEntityResponse({ description: 'A PDF export matching more than 10,000 records' })
  @ApiServiceUnavailableResponse({ description: 'The queue is unreachable; nothing was created' })
  @ApiTooManyRequestsResponse({ description: 'Too many exports pending or running for this user (see Retry-After), or too many requests' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Retries with the same key and body within 24 h return the first export (200); the same key with another body is 422',
  })
  @ApiOkResponse({ type: ExportAcceptedDto, description: 'Replay of an earlier request with the same Idempotency-Key' })
  async request(
    @CurrentUser() user: AuthUser,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ExportAcceptedDto> {
    const { job, created } = await this.exports.request(user, body, idempotencyKey);
    annotateActiveSpan(exportAttributes(job));
    const statusUrl = `/api/exports/${job.id}/status`;
    if (created) res.setHeader('Location', statusUrl);
    else res.status(HttpStatus.OK);
    return {
      export_id: job.id,
      status: job.status,
      message: created
        ? 'Export job created successfully. Poll status_url for progress; download from file_url once COMPLETED.'
        : 'This Idempotency-Key was used before: here is the export it created.',
      status_url: statusUrl,
    };
  }

  @Get('types')
  @ApiOperation({ summary: 'The export types the caller may export, with their columns and filters' })
  @ApiOkResponse({ type: [ExportTypeDto] })
  types(@CurrentUser() user: AuthUser): ExportTypeDto[] {
    return this.registry.permitted(user).map((provider) => ExportTypeDto.from(provider));
  }

  @Get('my-exports')
  @ApiOperation({ summary: "The caller's exports, newest first" })
  @ApiOkResponse({ type: ExportPageDto })
  list(@CurrentUser() user: AuthUser, @Query() query: PageQueryDto): Promise<ExportPageDto> {
    return this.exports.list(user, query.page, query.per_page);
  }

  @Get()
  @ApiOperation({ summary: "Everyone's exports, newest first, narrowed by owner, status and type (admins only)" })
  @ApiOkResponse({ type: ExportPageDto })
  @ApiBadRequestResponse({ description: 'An unknown status or export type, or a bad page; every offending parameter is named' })
  @ApiForbiddenResponse({ description: 'Not an admin' })
  listAll(@CurrentUser() user: AuthUser, @Query() query: ExportListQueryDto): Promise<ExportPageDto> {
    return this.exports.listAll(
      user,
      { userId: query.user_id, status: query.status, exportType: query.export_type },
      query.page,
      query.per_page,
    );
  }

  @Get(':id/status')
  @ApiOperation({ summary: 'Status and progress of one export' })
  @ApiOkResponse({ type: ExportStatusDto })
  @ApiNotFoundResponse({ description: "Unknown, or another user's export" })
  status(@CurrentUser() user: AuthUser, @Param('id', ParseIntPipe) id: number): Promise<ExportStatusDto> {
    return this.exports.status(user, id);
  }

  @Post(':id/cancel')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Cancel a PENDING or PROCESSING export (owner or admin)' })
  @ApiOkResponse({ type: ExportStatusDto })
  @ApiNotFoundResponse({ description: "Unknown, or another user's export" })
  @ApiConflictResponse({ description: 'Already finished' })
  cancel(@CurrentUser() user: AuthUser, @Param('id', ParseIntPipe) id: number): Promise<ExportStatusDto> {
    return this.exports.cancel(user, id);
  }

  @Post(':id/retry')
  @HttpCode(HttpStatus.OK)
  @SkipThrottle({ [EXPORT_REQUESTS_THROTTLER]: false })
  @ApiOperation({ summary: 'Run a FAILED or CANCELLED export again under the same id (owner or admin)' })
  @ApiOkResponse({ type: ExportStatusDto, description: 'The export, PENDING again' })
  @ApiNotFoundResponse({ description: "Unknown, or another user's export" })
  @ApiConflictResponse({ description: 'Not FAILED or CANCELLED' })
  @ApiTooManyRequestsResponse({ description: 'The owner has too many exports pending or running (see Retry-After), or too many requests' })
  retry(@CurrentUser() user: AuthUser, @Param('id', ParseIntPipe) id: number): Promise<ExportStatusDto> {
    return this.exports.retry(user, id);
  }

  @Get(':id/audit')
  @ApiOperation({ summary: 'Audit trail of one export: created, started, completed, failed, cancelled, downloaded, expired' })
  @ApiOkResponse({ type: [ExportEventDto] })
  @ApiNotFoundResponse({ description: "Unknown, or another user's export" })
  async audit(@CurrentUser() user: AuthUser, @Param('id', ParseIntPipe) id: number): Promise<ExportEventDto[]> {
    return (await this.exports.events(user, id)).map((event) => ExportEventDto.from(event));
  }

  @Get(':id/download')
  @ApiOperation({ summary: 'Download a finished export; an interrupted download resumes with Range and If-Range' })
  @ApiProduces('text/csv', 'application/json', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/pdf')
  @ApiDownloadResponses()
  @ApiNotFoundResponse({ description: "Unknown, or another user's export" })
  @ApiConflictResponse({ description: 'Not finished yet' })
  @ApiGoneResponse({ description: 'Expired: the file was deleted by retention' })
  async download(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseIntPipe) id: number,
    @DownloadRanges() ranges: RangeHeaders,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile | undefined> {
    return sendDownload(res, await this.exports.download(user, id, ranges));
  }
}
