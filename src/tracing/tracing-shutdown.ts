import { Injectable } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import { stopTracing } from './tracing';

/** Flushes the last spans at shutdown: after `beforeApplicationShutdown`, so running exports have drained. */
@Injectable()
export class TracingShutdown implements OnApplicationShutdown {
  onApplicationShutdown(): Promise<void> {
    return stopTracing();
  }
}
