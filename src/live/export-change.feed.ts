import { EventEmitter } from 'node:events';
import { Injectable } from '@nestjs/common';

export type ChangeListener = () => void;

/**
 * "Export N changed": published by whichever process wrote the change (worker progress, API cancel,
 * maintenance), heard by the API process that streams that export's events. Carries only the id;
 * listeners re-read the row, so the database stays the one source of truth.
 */
export abstract class ExportChangeFeed {
  abstract publish(exportId: number): void;
  /** Returns the function that stops listening. */
  abstract subscribe(exportId: number, listener: ChangeListener): () => void;
}

/** Embedded profile: API and worker share one process. */
@Injectable()
export class InProcessExportChangeFeed extends ExportChangeFeed {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  publish(exportId: number): void {
    this.emitter.emit(String(exportId));
  }

  subscribe(exportId: number, listener: ChangeListener): () => void {
    this.emitter.on(String(exportId), listener);
    return () => this.emitter.off(String(exportId), listener);
  }
}
