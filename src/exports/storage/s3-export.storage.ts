import { PassThrough, Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Logger } from '@nestjs/common';
import type { OnModuleDestroy } from '@nestjs/common';
import type { S3Config } from '../../config/app-config';
import type { ByteRange } from '../byte-range';
import { contentDisposition } from '../content-disposition';
import { ExportStorage } from './export-storage';
import type { DownloadUrlOptions, PartialFile, PendingFile, StoredFile } from './export-storage';

/** 8 MiB parts allow files up to 78 GiB (10,000 parts); with two uploading while the next fills, about 24 MiB per export. */
export const S3_PART_SIZE = 8 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;

function isMissing(error: unknown): boolean {
  return error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.name === 'NotFound');
}

function isMissingUpload(error: unknown): boolean {
  return error instanceof S3ServiceException && error.name === 'NoSuchUpload';
}

/**
 * What the writer writes to. It feeds the upload's body, but ending it leaves the body open: the
 * upload is completed, and the object appears, only when the file is committed.
 */
class UploadInput extends Writable {
  bytes = 0;

  constructor(private readonly body: PassThrough) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.bytes += chunk.length;
    if (this.body.write(chunk)) callback();
    else this.body.once('drain', () => callback());
  }
}

/** Files as objects in an S3-compatible bucket, uploaded in parts while they are written. */
export class S3ExportStorage extends ExportStorage implements OnModuleDestroy {
  private readonly logger = new Logger(S3ExportStorage.name);
  private readonly client: S3Client;
  private readonly bucket: string;
  /** Unset with S3_DOWNLOAD_REDIRECT=false: the API then streams objects itself. */
  override readonly downloadUrl: ExportStorage['downloadUrl'];

  constructor(config: S3Config) {
    super();
    this.bucket = config.bucket;
    this.downloadUrl = config.downloadRedirect ? (key, options) => this.presignedUrl(key, options) : undefined;
    this.client = new S3Client({
      region: config.region,
      endpoint: config.endpoint,
      forcePathStyle: config.forcePathStyle,
      // Without keys the SDK's default chain applies (AWS_PROFILE, instance or task role, web identity).
      credentials:
        config.accessKeyId && config.secretAccessKey
          ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey }
          : undefined,
    });
  }

  onModuleDestroy(): void {
    this.client.destroy();
  }

  async create(key: string): Promise<PendingFile> {
    const body = new PassThrough();
    // discard() destroys the body with an error even when the upload no longer reads it; failures are reported through `uploaded`.
    body.on('error', () => undefined);
    const input = new UploadInput(body);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: body },
      partSize: S3_PART_SIZE,
      queueSize: PARTS_IN_FLIGHT,
      // discard() aborts, so that a failed abort is logged instead of replacing the upload's error.
      leavePartsOnError: true,
    });
    let completed = false;
    const uploaded = upload.done().then(
      () => {
        completed = true;
      },
      (error: unknown) => {
        // Wrapped so a network code (ECONNREFUSED) is not reported to users as a database failure.
        throw new Error(`Uploading ${key} to S3 failed: ${(error as Error).message}`, { cause: error });
      },
    );
    // A failed upload stops the writer instead of leaving it waiting for the body to drain.
    uploaded.catch((error: Error) => input.destroy(error));

    let discarded: Promise<void> | undefined;
    const discard = async (): Promise<void> => {
      input.destroy();
      body.destroy(new Error(`${key} was discarded`));
      await uploaded.catch(() => undefined);
      // The attempt can still fail after commit (recording it in the database): no object without a job.
      if (completed) await this.remove(key);
      else if (upload.uploadId) await this.abortUpload(key, upload.uploadId);
    };
    return {
      stream: input,
      commit: async () => {
        if (!input.writableFinished) await finished(input);
        body.end();
        await uploaded;
        return input.bytes;
      },
      discard: () => (discarded ??= discard()),
    };
  }

  async open(key: string, range?: ByteRange): Promise<StoredFile | undefined> {
    try {
      const object = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range && `bytes=${range.start}-${range.end}` }),
      );
      if (!(object.Body instanceof Readable)) throw new Error(`S3 returned no readable body for ${key}`);
      // A part's Content-Range ends with the whole object's size: `bytes 100-199/5000`.
      const size = range ? Number(/\/(\d+)$/.exec(object.ContentRange ?? '')?.[1]) : (object.ContentLength ?? 0);
      return { stream: object.Body, size };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async remove(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  /** A presigned GET that makes the browser save the object under the export's name and type. */
  private async presignedUrl(key: string, { fileName, contentType, expiresInSeconds }: DownloadUrlOptions): Promise<string | undefined> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    const get = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ResponseContentDisposition: contentDisposition(fileName),
      ResponseContentType: contentType,
    });
    return getSignedUrl(this.client, get, { expiresIn: expiresInSeconds });
  }

  /** Incomplete multipart uploads, a page (up to 1,000) at a time. */
  async *partialFiles(): AsyncIterable<PartialFile> {
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    do {
      const page = await this.client.send(
        new ListMultipartUploadsCommand({ Bucket: this.bucket, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }),
      );
      for (const { Key: key, UploadId: uploadId, Initiated: writtenAt } of page.Uploads ?? []) {
        if (key && uploadId && writtenAt) yield { key, writtenAt, remove: () => this.abortIncompleteUpload(key, uploadId) };
      }
      if (!page.IsTruncated) return;
      keyMarker = page.NextKeyMarker;
      uploadIdMarker = page.NextUploadIdMarker;
    } while (keyMarker);
  }

  private async abortIncompleteUpload(key: string, uploadId: string): Promise<void> {
    try {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }));
    } catch (error) {
      if (!isMissingUpload(error)) throw error;
    }
  }

  private async abortUpload(key: string, uploadId: string): Promise<void> {
    try {
      await this.abortIncompleteUpload(key, uploadId);
    } catch (error) {
      this.logger.warn(
        `Could not abort the multipart upload of ${key} (${(error as Error).message}); the workers' maintenance sweep retries it`,
      );
    }
  }
}
