import { Injectable } from '@nestjs/common';

/**
 * What the engine announces about an export. Modules beside the engine (live progress,
 * notifications) implement the parts they care about and register with ExportEvents; the engine
 * never imports them.
 */
export interface ExportEventListener {
  /** Export N's row changed (status, progress, cancel). Called inside the write path: keep it quick and never throw. */
  changed?(exportId: number): void;
  /** Export N's final outcome (COMPLETED or FAILED) is recorded. Awaited before the attempt reports its outcome. */
  finished?(exportId: number): Promise<void>;
  /** A worker's maintenance sweep: resume what a restart or an outage left undone. A throw stops the sweep (logged). */
  swept?(): Promise<void>;
}

/** The engine's side of the port: listeners register in their onModuleInit, the engine calls them in order. */
@Injectable()
export class ExportEvents {
  private readonly listeners: ExportEventListener[] = [];

  listen(listener: ExportEventListener): void {
    this.listeners.push(listener);
  }

  changed(exportId: number): void {
    for (const listener of this.listeners) listener.changed?.(exportId);
  }

  async finished(exportId: number): Promise<void> {
    for (const listener of this.listeners) await listener.finished?.(exportId);
  }

  async swept(): Promise<void> {
    for (const listener of this.listeners) await listener.swept?.();
  }
}
