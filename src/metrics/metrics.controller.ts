import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Response } from 'express';
import { AuthException, AuthExceptionCode } from '../auth/auth.exception';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { ExportMetrics } from './export-metrics.service';

@ApiTags('operations')
@ApiBearerAuth()
@SkipThrottle()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: ExportMetrics) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Prometheus metrics (admin token; configure it as the scrape job bearer credentials)' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format' })
  @ApiForbiddenResponse({ description: 'Not an admin' })
  async scrape(@CurrentUser() user: AuthUser, @Res({ passthrough: true }) res: Response): Promise<string> {
    if (!user.isAdmin) throw new AuthException(AuthExceptionCode.ADMINS_ONLY, 'Metrics are for admins');
    res.setHeader('Content-Type', this.metrics.contentType);
    return this.metrics.text();
  }
}
