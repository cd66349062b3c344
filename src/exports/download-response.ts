import { HttpStatus, StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import { contentDisposition } from './content-disposition';
import type { ExportDownload } from './exports.service';

/**
 * Answers a download from a handler with `@Res({ passthrough: true })` (return what this returns):
 * a 302 to the storage's presigned URL, or the file streamed as an attachment.
 */
export function sendDownload(res: Response, download: ExportDownload): StreamableFile | undefined {
  res.setHeader('Cache-Control', 'private, no-store');
  if (download.kind === 'redirect') {
    res.status(HttpStatus.FOUND).location(download.url);
    return undefined;
  }
  res.setHeader('X-Content-Type-Options', 'nosniff');
  return new StreamableFile(download.file.stream, {
    type: download.contentType,
    length: download.file.size,
    disposition: contentDisposition(download.fileName),
  });
}
