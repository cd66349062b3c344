import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import type { S3Config } from '../../src/config/app-config';
import { addMultipartUploads } from './s3-multipart-uploads';
import type { MultipartUploads } from './s3-multipart-uploads';
import { createTempDir } from './test-env';

/** s3rver's fixed credentials: it checks request signatures against them. */
const S3RVER_KEY = 'S3RVER';

/**
 * An S3-compatible server of the test's own (s3rver on a free port, a temp directory, one bucket),
 * with the ListMultipartUploads and AbortMultipartUpload s3rver lacks (see s3-multipart-uploads).
 */
export interface TestS3Server {
  endpoint: string;
  bucket: string;
  /** The S3_* variables that point the app at this server. */
  env: Record<string, string>;
  /** The same, as S3ExportStorage takes it. */
  config: S3Config;
  /** A client of the test's own, for checking what the bucket holds. */
  client: S3Client;
  /** Every request the server received, as `METHOD /path?query`. */
  requests: string[];
  /** Multipart uploads in progress. */
  uploads: MultipartUploads;
  keys(): Promise<string[]>;
  stop(): Promise<void>;
}

export interface S3ServerOptions {
  bucket?: string;
  /** Most uploads one ListMultipartUploads page holds (S3's is 1,000). */
  uploadsPageSize?: number;
}

export async function startS3Server({ bucket = 'exports', uploadsPageSize = 1000 }: S3ServerOptions = {}): Promise<TestS3Server> {
  const dir = createTempDir('s3rver');
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir.path, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  const uploads = addMultipartUploads(server.httpServer, dir.path, bucket, uploadsPageSize);
  const requests: string[] = [];
  server.httpServer.on('request', (request: { method?: string; url?: string }) => requests.push(`${request.method} ${request.url}`));
  const endpoint = `http://127.0.0.1:${port}`;
  const env = {
    S3_BUCKET: bucket,
    S3_ENDPOINT: endpoint,
    S3_REGION: 'us-east-1',
    S3_ACCESS_KEY_ID: S3RVER_KEY,
    S3_SECRET_ACCESS_KEY: S3RVER_KEY,
  };
  const config: S3Config = {
    bucket,
    endpoint,
    region: 'us-east-1',
    accessKeyId: S3RVER_KEY,
    secretAccessKey: S3RVER_KEY,
    forcePathStyle: true,
    downloadRedirect: true,
  };
  const client = new S3Client({
    endpoint,
    region: config.region,
    forcePathStyle: true,
    credentials: { accessKeyId: S3RVER_KEY, secretAccessKey: S3RVER_KEY },
  });
  return {
    endpoint,
    bucket,
    env,
    config,
    client,
    requests,
    uploads,
    keys: async () => {
      const listing = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
      return (listing.Contents ?? []).map((object) => object.Key ?? '');
    },
    stop: async () => {
      client.destroy();
      // Keep-alive sockets of clients that are done (fetch's pool) would hold close() open.
      server.httpServer.closeAllConnections();
      await server.close();
      dir.remove();
    },
  };
}
