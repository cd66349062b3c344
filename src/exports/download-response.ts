import { applyDecorators, createParamDecorator, HttpException, HttpStatus, StreamableFile } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import { ApiFoundResponse, ApiHeader, ApiOkResponse, ApiResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { RangeHeaders } from './byte-range';
import { contentDisposition } from './content-disposition';
import type { ExportDownload } from './exports.service';

/** The Range and If-Range headers of a download request. */
export const DownloadRanges = createParamDecorator((_data: unknown, context: ExecutionContext): RangeHeaders => {
  const request = context.switchToHttp().getRequest<Request>();
  return { range: request.get('range'), ifRange: request.get('if-range') };
});

/** The responses and headers of a route answered by `sendDownload`. */
export function ApiDownloadResponses(): MethodDecorator {
  return applyDecorators(
    ApiHeader({ name: 'Range', required: false, description: 'One range, `bytes=N-`, `bytes=N-M` or `bytes=-K`, to resume a download' }),
    ApiHeader({
      name: 'If-Range',
      required: false,
      description: 'The ETag of the file being resumed: the range is served only while it is still that file, the whole file otherwise',
    }),
    ApiOkResponse({
      description:
        'The whole file, as an attachment, with a strong `ETag`, `Last-Modified` and `Accept-Ranges: bytes`; also the answer to several ranges, a malformed Range, or an If-Range that does not match',
    }),
    ApiResponse({ status: HttpStatus.PARTIAL_CONTENT, description: 'The bytes a Range asked for, with `Content-Range: bytes N-M/size`' }),
    ApiResponse({
      status: HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
      description: 'The Range starts past the end of the file; `Content-Range: bytes */size`',
    }),
    ApiFoundResponse({
      description: 'S3 storage: a redirect to a presigned URL of the file, valid 5 minutes; S3 answers Range and If-Range itself',
    }),
  );
}

/**
 * Answers a download from a handler with `@Res({ passthrough: true })` (return what this returns):
 * a 302 to the storage's presigned URL, or the file (or the part of it asked for) streamed as an attachment.
 */
export function sendDownload(res: Response, download: ExportDownload): StreamableFile | undefined {
  res.setHeader('Cache-Control', 'private, no-store');
  switch (download.kind) {
    case 'redirect':
      res.status(HttpStatus.FOUND).location(download.url);
      return undefined;
    case 'unsatisfiable':
      res.setHeader('Content-Range', `bytes */${download.size}`);
      throw new HttpException(
        `The requested range is not satisfiable: the file is ${download.size} bytes`,
        HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
      );
    case 'stream': {
      const { file, part, validators } = download;
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Accept-Ranges', 'bytes');
      res.setHeader('ETag', validators.etag);
      res.setHeader('Last-Modified', validators.lastModified.toUTCString());
      if (part) {
        res.status(HttpStatus.PARTIAL_CONTENT);
        res.setHeader('Content-Range', `bytes ${part.start}-${part.end}/${file.size}`);
      }
      return new StreamableFile(file.stream, {
        type: download.contentType,
        length: part ? part.end - part.start + 1 : file.size,
        disposition: contentDisposition(download.fileName),
      });
    }
  }
}
