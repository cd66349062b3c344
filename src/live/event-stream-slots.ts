import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';

/**
 * Live-progress streams each user holds open on this API node, capped at MAX_EVENT_STREAMS_PER_USER.
 * Per node because what a stream costs (a socket, timers, memory) is the node's.
 */
@Injectable()
export class EventStreamSlots {
  private readonly open = new Map<string, number>();

  constructor(private readonly config: AppConfig) {}

  get cap(): number {
    return this.config.maxEventStreamsPerUser;
  }

  /** A slot for one more stream of the user, or undefined at the cap. The returned function frees it (once). */
  take(userId: string): (() => void) | undefined {
    const held = this.open.get(userId) ?? 0;
    if (held >= this.cap) return undefined;
    this.open.set(userId, held + 1);
    let freed = false;
    return () => {
      if (freed) return;
      freed = true;
      const left = (this.open.get(userId) ?? 1) - 1;
      if (left > 0) this.open.set(userId, left);
      else this.open.delete(userId);
    };
  }
}
