import type { ExportsApi } from './api.js';
import { ExportItem } from './export-item.js';
import type { ItemAction } from './export-item.js';
import { ExportWatcher } from './live-status.js';
import { Pager } from './pager.js';
import type { PagerElements } from './pager.js';
import { isFinal } from './types.js';
import type { ExportStatus, ExportType } from './types.js';

const PER_PAGE = 10;

export interface ExportListElements {
  list: HTMLOListElement;
  empty: HTMLElement;
  pager: PagerElements;
}

export interface ExportListEvents {
  action(action: ItemAction, item: ExportItem): void;
  /** An export shown on the page reached a final status while the page watched it. */
  finished(item: ExportItem): void;
  error(error: unknown): void;
}

/** "My exports": one page, newest first, with a live watcher on each export still running. */
export class ExportList {
  private readonly pager: Pager;
  private items = new Map<number, ExportItem>();
  private watchers = new Map<number, ExportWatcher>();

  constructor(
    private readonly api: ExportsApi,
    private readonly types: ExportType[],
    private readonly elements: ExportListElements,
    private readonly events: ExportListEvents,
  ) {
    this.pager = new Pager(
      elements.pager,
      (page) => this.load(page),
      (error) => events.error(error),
    );
  }

  /**
   * `requested`: an export this page has just asked for. It may have finished before this page of
   * the list was read; its outcome is still news, so it counts as finished while the page watched it.
   */
  async load(page = this.pager.current, requested?: number): Promise<void> {
    const result = await this.api.myExports(page, PER_PAGE);
    const finishedUnseen = result.items.filter(
      (status) => status.export_id === requested && !this.items.has(requested) && isFinal(status.status),
    );
    const items = result.items.map((status) => this.items.get(status.export_id) ?? this.item(status));
    for (const [id, watcher] of this.watchers) {
      if (!items.some((item) => item.id === id)) {
        watcher.stop();
        this.watchers.delete(id);
      }
    }
    this.items = new Map(items.map((item) => [item.id, item]));
    result.items.forEach((status) => this.show(status));
    this.elements.list.replaceChildren(...items.map((item) => item.element));
    this.elements.empty.hidden = items.length > 0;
    this.pager.show(result.page, result.total_pages);
    for (const status of finishedUnseen) this.events.finished(this.items.get(status.export_id) as ExportItem);
  }

  /** A status from elsewhere (a cancel answer, say) for an export on this page. */
  show(status: ExportStatus): void {
    const item = this.items.get(status.export_id);
    if (!item) return;
    const wasActive = !isFinal(item.status.status);
    item.update(status);
    if (!isFinal(status.status)) this.watch(item);
    else if (wasActive) {
      this.watchers.get(item.id)?.stop();
      this.watchers.delete(item.id);
      this.events.finished(item);
    }
  }

  stop(): void {
    for (const watcher of this.watchers.values()) watcher.stop();
    this.watchers.clear();
    this.items.clear();
    this.elements.list.replaceChildren();
  }

  private item(status: ExportStatus): ExportItem {
    const type = this.types.find((candidate) => candidate.export_type === status.export_type);
    return new ExportItem(type, status, (action, item) => this.events.action(action, item));
  }

  private watch(item: ExportItem): void {
    if (this.watchers.has(item.id)) return;
    this.watchers.set(
      item.id,
      new ExportWatcher(this.api, item.id, {
        status: (status) => this.show(status),
        error: (error) => {
          this.watchers.delete(item.id);
          this.events.error(error);
        },
      }),
    );
  }
}
