import { Body, Controller, Get, HttpCode, HttpStatus, Param, ParseIntPipe, Post, Query, Res, StreamableFile } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { CreateExportDto } from './dto/create-export.dto';
import { ExportAcceptedDto, ExportPageDto, ExportStatusDto } from './dto/export-status.dto';
import { ExportTypeDto } from './dto/export-type.dto';
import { PageQueryDto } from './dto/page-query.dto';
import { ExportsService } from './exports.service';
import { ExportQueryRegistry } from './query/export-query.registry';

/** `filename` for old clients (ASCII only), `filename*` (RFC 5987) for the exact UTF-8 name. */
function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

@ApiTags('exports')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing, invalid or expired bearer token' })
@Controller('exports')
export class ExportsController {
  constructor(
    private readonly exports: ExportsService,
    private readonly registry: ExportQueryRegistry,
  ) {}

  @Post('request')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Request an export; it runs in the background' })
  @ApiBody({ type: CreateExportDto })
  @ApiAcceptedResponse({ type: ExportAcceptedDto })
  @ApiBadRequestResponse({ description: 'Invalid type, format, filter or column; every offending field is named in `message`' })
  @ApiUnprocessableEntityResponse({ description: 'A PDF export matching more than 10,000 records' })
  @ApiServiceUnavailableResponse({ description: 'The queue is unreachable; nothing was created' })
  async request(@CurrentUser() user: AuthUser, @Body() body: unknown): Promise<ExportAcceptedDto> {
    const job = await this.exports.request(user, body);
    return {
      export_id: job.id,
      status: job.status,
      message: 'Export job created successfully. Poll status_url for progress; download from file_url once COMPLETED.',
      status_url: `/api/exports/${job.id}/status`,
    };
  }

  @Get('types')
  @ApiOperation({ summary: 'Export types with their columns and filters' })
  @ApiOkResponse({ type: [ExportTypeDto] })
  types(): ExportTypeDto[] {
    return this.registry.all().map((provider) => ExportTypeDto.from(provider));
  }

  @Get('my-exports')
  @ApiOperation({ summary: "The caller's exports, newest first" })
  @ApiOkResponse({ type: ExportPageDto })
  list(@CurrentUser() user: AuthUser, @Query() query: PageQueryDto): Promise<ExportPageDto> {
    return this.exports.list(user, query.page, query.per_page);
  }

  @Get(':id/status')
  @ApiOperation({ summary: 'Status and progress of one export' })
  @ApiOkResponse({ type: ExportStatusDto })
  @ApiNotFoundResponse({ description: "Unknown, or another user's export" })
  status(@CurrentUser() user: AuthUser, @Param('id', ParseIntPipe) id: number): Promise<ExportStatusDto> {
    return this.exports.status(user, id);
  }

  @Get(':id/download')
  @ApiOperation({ summary: 'Download a finished export' })
  @ApiProduces('text/csv', 'application/json', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/pdf')
  @ApiOkResponse({ description: 'The file, as an attachment' })
  @ApiNotFoundResponse({ description: "Unknown, or another user's export" })
  @ApiConflictResponse({ description: 'Not finished yet' })
  async download(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseIntPipe) id: number,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const file = await this.exports.download(user, id);
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    return new StreamableFile(file.stream, { type: file.contentType, length: file.size, disposition: contentDisposition(file.fileName) });
  }
}
