import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import Redis from 'ioredis';

export const MARIADB_SERVER = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
export const REDIS_SERVER = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

const uniqueSuffix = (): string => `${process.pid}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;

/** A MariaDB database of its own, dropped by `drop()`. */
export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

export async function createMariaDb(label = 't'): Promise<TestDatabase> {
  const name = `exports_${label}_${uniqueSuffix()}`.slice(0, 64);
  const server = await createConnection(MARIADB_SERVER);
  await server.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await server.end();
  return {
    name,
    url: `${MARIADB_SERVER}/${name}`,
    drop: async () => {
      const connection = await createConnection(MARIADB_SERVER);
      await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await connection.end();
    },
  };
}

/** A scratch folder (SQLite file, EXPORT_DIR), removed by `remove()`. */
export function createTempDir(label = 'exports'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `${label}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A BullMQ key prefix of its own; `clear()` deletes every key under it. */
export function createQueuePrefix(): { prefix: string; clear(): Promise<void> } {
  const prefix = `test_${uniqueSuffix()}`;
  return {
    prefix,
    clear: async () => {
      const redis = new Redis(REDIS_SERVER);
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
          cursor = next;
          if (keys.length > 0) await redis.del(...keys);
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
    },
  };
}
