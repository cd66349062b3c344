import { Injectable, Logger } from '@nestjs/common';
import { ExportAuditService } from '../audit/export-audit.service';
import type { ExportJob } from '../export-job.entity';
import { ExportJobsRepository } from '../export-jobs.repository';
import { ExportStorage } from '../storage/export-storage';

/** Deletes finished files once they expire and marks their jobs EXPIRED (downloads then answer 410). */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger(RetentionService.name);

  constructor(
    private readonly jobs: ExportJobsRepository,
    private readonly storage: ExportStorage,
    private readonly audit: ExportAuditService,
  ) {}

  /** Expires every COMPLETED job whose `expires_at` has passed. Safe to run in many workers at once. */
  async expireDue(now = new Date()): Promise<ExportJob[]> {
    return this.expire(await this.jobs.findExpired(now));
  }

  /** Operators' cleanup: files of exports completed before `cutoff`; with `dryRun`, only lists them. */
  async cleanup(cutoff: Date, dryRun: boolean): Promise<ExportJob[]> {
    const due = await this.jobs.findCompletedBefore(cutoff);
    return dryRun ? due : this.expire(due);
  }

  private async expire(due: ExportJob[]): Promise<ExportJob[]> {
    const expired: ExportJob[] = [];
    for (const job of due) {
      // The conditional update decides which worker deletes the file.
      if (!(await this.jobs.markExpired(job.id))) continue;
      if (job.storage_key) await this.storage.remove(job.storage_key);
      await this.audit.record(job.id, 'expired', null, job.file_name ?? undefined);
      expired.push(job);
    }
    if (expired.length > 0) this.logger.log(`Expired ${expired.length} export file(s): ${expired.map((job) => job.id).join(', ')}`);
    return expired;
  }
}
