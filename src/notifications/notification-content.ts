import type { ExportJob } from '../exports/export-job.entity';
import type { ExportNotification, NotificationOutcome } from './export-notification.entity';

export interface ExportEventPayload {
  id: string;
  type: `export.${NotificationOutcome}`;
  /** Unix seconds when the outcome was recorded; the same on every retry. */
  created: number;
  data: {
    export_id: number;
    status: string;
    export_type: string;
    format: string;
    total_records: number | null;
    file_name: string | null;
    file_size: number | null;
    error?: string;
    status_url: string;
    /** The API's download route (bearer token required); null when there is no file. */
    download_url: string | null;
  };
}

export interface EmailContent {
  subject: string;
  text: string;
}

/** Links go to the API, which checks the caller; never to the storage behind it. */
function apiLinks(publicUrl: string, job: ExportJob): { status_url: string; download_url: string | null } {
  const base = `${publicUrl}/api/exports/${job.id}`;
  return { status_url: `${base}/status`, download_url: job.status === 'COMPLETED' ? `${base}/download` : null };
}

export function exportEvent(job: ExportJob, notification: ExportNotification, publicUrl: string): ExportEventPayload {
  return {
    id: notification.event_id,
    type: `export.${notification.outcome}`,
    created: Math.floor(new Date(notification.created_at).getTime() / 1000),
    data: {
      export_id: job.id,
      status: job.status,
      export_type: job.export_type,
      format: job.format,
      total_records: job.total_records,
      file_name: job.file_name,
      file_size: job.file_size === null ? null : Number(job.file_size),
      ...(job.status === 'FAILED' && job.error ? { error: job.error } : {}),
      ...apiLinks(publicUrl, job),
    },
  };
}

export function exportEmail(job: ExportJob, outcome: NotificationOutcome, title: string, publicUrl: string): EmailContent {
  const links = apiLinks(publicUrl, job);
  if (outcome === 'completed') {
    return {
      subject: `Your ${title} export is ready`,
      text: [
        `Your ${title} export #${job.id} (${job.format}) is ready.`,
        '',
        `Rows: ${job.total_records ?? 0}`,
        `File: ${job.file_name ?? ''} (${Number(job.file_size ?? 0)} bytes)`,
        `Download: ${links.download_url ?? ''}`,
        `Status: ${links.status_url}`,
        '',
        `Or sign in to the Export Center: ${publicUrl}/export-center`,
        '(the links above need your API bearer token)',
        '',
      ].join('\n'),
    };
  }
  return {
    subject: `Your ${title} export failed`,
    text: [
      `Your ${title} export #${job.id} (${job.format}) failed.`,
      '',
      `Reason: ${job.error ?? 'unknown'}`,
      `Status: ${links.status_url}`,
      '',
      'Request the export again once the cause is fixed.',
      '',
    ].join('\n'),
  };
}
