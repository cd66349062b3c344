import {
  ConflictException,
  GoneException,
  Injectable,
  Logger,
  NotFoundException,
  ServiceUnavailableException,
  UnprocessableEntityException,
} from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user';
import { ExportStatusDto } from './dto/export-status.dto';
import type { ExportPageDto } from './dto/export-status.dto';
import { MAX_PER_PAGE } from './dto/page-query.dto';
import type { ExportJob } from './export-job.entity';
import { ExportJobsRepository } from './export-jobs.repository';
import { ExportRequestParser } from './export-request.parser';
import { ExportQueue } from './jobs/export-queue';
import { ExportQueryPlanner } from './query/export-query.planner';
import { ExportStorage } from './storage/export-storage';
import type { StoredFile } from './storage/export-storage';
import { ExportFormats } from './writers/export-formats';

export interface ExportDownload extends StoredFile {
  fileName: string;
  contentType: string;
}

@Injectable()
export class ExportsService {
  private readonly logger = new Logger(ExportsService.name);

  constructor(
    private readonly parser: ExportRequestParser,
    private readonly planner: ExportQueryPlanner,
    private readonly formats: ExportFormats,
    private readonly jobs: ExportJobsRepository,
    private readonly queue: ExportQueue,
    private readonly storage: ExportStorage,
  ) {}

  async request(user: AuthUser, body: unknown): Promise<ExportJob> {
    const request = this.parser.parse(body);
    const { maxRecords } = this.formats.get(request.format);
    if (maxRecords !== undefined) {
      const total = await this.planner.count(this.planner.plan(request.provider, request.filters, request.columns));
      if (total > maxRecords) {
        throw new UnprocessableEntityException(
          `${total} records match these filters; ${request.format} exports are limited to ${maxRecords}. Narrow the filters or choose csv, json or excel.`,
        );
      }
    }

    const job = await this.jobs.create({
      userId: user.id,
      exportType: request.provider.exportType,
      format: request.format,
      filters: request.filters,
      columns: request.columnKeys,
    });
    try {
      await this.queue.enqueue(job.id);
    } catch (error) {
      await this.jobs.delete(job.id);
      this.logger.error(`Could not queue export ${job.id}: ${(error as Error).message}`);
      throw new ServiceUnavailableException('The export queue is unavailable right now, so no export was created. Try again in a minute.');
    }
    return job;
  }

  /** The job if the caller may see it; otherwise 404 whether or not it exists. */
  async findVisible(user: AuthUser, id: number): Promise<ExportJob> {
    const job = await this.jobs.findById(id);
    if (!job || (job.user_id !== user.id && !user.isAdmin)) throw new NotFoundException(`Export ${id} not found`);
    return job;
  }

  async status(user: AuthUser, id: number): Promise<ExportStatusDto> {
    return ExportStatusDto.from(await this.findVisible(user, id));
  }

  async list(user: AuthUser, page = 1, perPage = 10): Promise<ExportPageDto> {
    const size = Math.min(perPage, MAX_PER_PAGE);
    const [jobs, total] = await this.jobs.pageForUser(user.id, page, size);
    return {
      items: jobs.map((job) => ExportStatusDto.from(job)),
      total_items: total,
      page,
      per_page: size,
      total_pages: Math.ceil(total / size),
    };
  }

  async download(user: AuthUser, id: number): Promise<ExportDownload> {
    const job = await this.findVisible(user, id);
    if (job.status !== 'COMPLETED' || !job.storage_key || !job.file_name) {
      throw new ConflictException(`Export ${id} is ${job.status}; the file can be downloaded once it is COMPLETED`);
    }
    const file = await this.storage.open(job.storage_key);
    if (!file) throw new GoneException(`The file of export ${id} is no longer available; request the export again`);
    return { ...file, fileName: job.file_name, contentType: this.formats.get(job.format).contentType };
  }
}
