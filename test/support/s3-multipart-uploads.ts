import { readdir, readFile, rm, stat, utimes } from 'node:fs/promises';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { join } from 'node:path';

/**
 * s3rver 3.7 creates, fills and completes multipart uploads but has neither ListMultipartUploads
 * (it answers 501) nor AbortMultipartUpload (405). This adds both to its HTTP server, as the S3
 * API documents them, over the folder where s3rver keeps uploads in progress:
 * `<directory>/<bucket>/._S3rver_uploads/<uploadId>/key`, created when the upload is initiated.
 */
export interface MultipartUploads {
  /** Sets when the uploads of `key` were initiated (as ListMultipartUploads reports it) to `date`. */
  setInitiated(key: string, date: Date): Promise<void>;
  /** Keys with an upload in progress. */
  keys(): Promise<string[]>;
}

interface Upload {
  key: string;
  uploadId: string;
  dir: string;
  initiated: Date;
}

const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

const XML_ESCAPES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' };

function xmlEscape(text: string): string {
  return text.replace(/[<>&'"]/g, (char) => XML_ESCAPES[char]);
}

function reply(res: ServerResponse, status: number, xml = ''): void {
  res.writeHead(status, { 'Content-Type': 'application/xml' });
  res.end(xml && `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
}

/**
 * Handles the two operations on `server` (s3rver's, already listening) and hands every other
 * request to s3rver. `pageSize` caps a ListMultipartUploads page, so tests can see paging.
 */
export function addMultipartUploads(server: Server, directory: string, bucket: string, pageSize: number): MultipartUploads {
  const uploadsDir = join(directory, bucket, '._S3rver_uploads');

  async function uploads(): Promise<Upload[]> {
    const ids = await readdir(uploadsDir).catch(() => []);
    const found = await Promise.all(
      ids.map(async (uploadId): Promise<Upload | undefined> => {
        const dir = join(uploadsDir, uploadId);
        const keyFile = join(dir, 'key');
        try {
          const [key, { mtime }] = await Promise.all([readFile(keyFile, 'utf8'), stat(keyFile)]);
          return { key, uploadId, dir, initiated: mtime };
        } catch {
          // No key: a part that was in flight when its upload was aborted recreated the folder (s3rver's
          // putPart). On S3 too such a part may outlive the abort; it belongs to no upload.
          return undefined;
        }
      }),
    );
    return found
      .filter((upload) => upload !== undefined)
      .sort((a, b) => (a.key === b.key ? a.uploadId.localeCompare(b.uploadId) : a.key < b.key ? -1 : 1));
  }

  async function list(url: URL, res: ServerResponse): Promise<void> {
    const prefix = url.searchParams.get('prefix') ?? '';
    const keyMarker = url.searchParams.get('key-marker') ?? '';
    const uploadIdMarker = url.searchParams.get('upload-id-marker') ?? '';
    const maxUploads = Math.min(Number(url.searchParams.get('max-uploads') ?? 1000), pageSize);
    const after = (await uploads()).filter(
      (upload) =>
        upload.key.startsWith(prefix) &&
        (upload.key > keyMarker || (upload.key === keyMarker && uploadIdMarker !== '' && upload.uploadId > uploadIdMarker)),
    );
    const page = after.slice(0, maxUploads);
    const truncated = after.length > page.length;
    const last = page.at(-1);
    reply(
      res,
      200,
      `<ListMultipartUploadsResult xmlns="${S3_NS}"><Bucket>${bucket}</Bucket>` +
        `<KeyMarker>${xmlEscape(keyMarker)}</KeyMarker><UploadIdMarker>${uploadIdMarker}</UploadIdMarker>` +
        (truncated && last
          ? `<NextKeyMarker>${xmlEscape(last.key)}</NextKeyMarker><NextUploadIdMarker>${last.uploadId}</NextUploadIdMarker>`
          : '') +
        `<Prefix>${xmlEscape(prefix)}</Prefix><MaxUploads>${maxUploads}</MaxUploads><IsTruncated>${truncated}</IsTruncated>` +
        page
          .map(
            (upload) =>
              `<Upload><Key>${xmlEscape(upload.key)}</Key><UploadId>${upload.uploadId}</UploadId>` +
              `<Initiated>${upload.initiated.toISOString()}</Initiated><StorageClass>STANDARD</StorageClass></Upload>`,
          )
          .join('') +
        '</ListMultipartUploadsResult>',
    );
  }

  async function abort(key: string, uploadId: string, res: ServerResponse): Promise<void> {
    const upload = (await uploads()).find((candidate) => candidate.uploadId === uploadId && candidate.key === key);
    if (!upload) {
      reply(
        res,
        404,
        `<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message><UploadId>${xmlEscape(uploadId)}</UploadId></Error>`,
      );
      return;
    }
    await rm(upload.dir, { recursive: true, force: true });
    reply(res, 204);
  }

  /** The operation this adds that `req` asks for, if any. */
  function handler(req: IncomingMessage, res: ServerResponse): Promise<void> | undefined {
    const url = new URL(req.url ?? '/', 'http://s3');
    const [, urlBucket, ...keyParts] = url.pathname.split('/');
    if (urlBucket !== bucket) return undefined;
    const key = decodeURIComponent(keyParts.join('/'));
    const uploadId = url.searchParams.get('uploadId');
    if (req.method === 'GET' && key === '' && url.searchParams.has('uploads')) return list(url, res);
    if (req.method === 'DELETE' && key !== '' && uploadId) return abort(key, uploadId, res);
    return undefined;
  }

  const [s3rver] = server.listeners('request') as RequestListener[];
  server.removeListener('request', s3rver);
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const handled = handler(req, res);
    if (!handled) {
      s3rver(req, res);
      return;
    }
    handled.catch((error: Error) =>
      reply(res, 500, `<Error><Code>InternalError</Code><Message>${xmlEscape(error.message)}</Message></Error>`),
    );
  });

  return {
    setInitiated: async (key, date) => {
      for (const upload of await uploads()) if (upload.key === key) await utimes(join(upload.dir, 'key'), date, date);
    },
    keys: async () => (await uploads()).map((upload) => upload.key),
  };
}
