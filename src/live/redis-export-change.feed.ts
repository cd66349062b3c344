import { EventEmitter } from 'node:events';
import { Injectable, Logger } from '@nestjs/common';
import type { OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { redisOptions } from '../redis/redis-options';
import { ExportChangeFeed } from './export-change.feed';
import type { ChangeListener } from './export-change.feed';

/**
 * Redis pub/sub on one channel per queue prefix. Publishing never waits or throws: a lost message
 * only delays an event until the stream's next poll.
 */
@Injectable()
export class RedisExportChangeFeed extends ExportChangeFeed implements OnModuleDestroy {
  private readonly logger = new Logger(RedisExportChangeFeed.name);
  private readonly channel: string;
  private readonly listeners = new EventEmitter().setMaxListeners(0);
  private publisher?: Redis;
  private subscriber?: Redis;

  constructor(private readonly config: AppConfig) {
    super();
    this.channel = `${config.queuePrefix}:export-changes`;
  }

  publish(exportId: number): void {
    // No offline queue: while Redis is down, messages are dropped instead of piling up in memory.
    if (!this.publisher) {
      this.publisher = new Redis({ ...redisOptions(this.config.redisUrl as string), enableOfflineQueue: false });
      this.publisher.on('error', (error: Error) => this.logger.debug(`change feed: ${error.message}`));
    }
    this.publisher.publish(this.channel, String(exportId)).catch(() => undefined);
  }

  subscribe(exportId: number, listener: ChangeListener): () => void {
    this.ensureSubscribed();
    this.listeners.on(String(exportId), listener);
    return () => this.listeners.off(String(exportId), listener);
  }

  private ensureSubscribed(): void {
    if (this.subscriber) return;
    this.subscriber = new Redis(redisOptions(this.config.redisUrl as string));
    this.subscriber.on('message', (_channel: string, id: string) => this.listeners.emit(id));
    this.subscriber.on('error', (error: Error) => this.logger.debug(`change feed: ${error.message}`));
    this.subscriber.subscribe(this.channel).catch((error: Error) => this.logger.warn(`change feed subscribe failed: ${error.message}`));
  }

  onModuleDestroy(): void {
    this.publisher?.disconnect();
    this.subscriber?.disconnect();
  }
}
