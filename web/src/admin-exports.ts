import { renderActions } from './actions.js';
import type { ExportAction } from './actions.js';
import { ApiError } from './api.js';
import type { ExportsApi } from './api.js';
import { h } from './dom.js';
import { count, dateTime, exportName, rowCount, STATUS_LABELS, statusNote } from './format.js';
import { Pager } from './pager.js';
import type { PagerElements } from './pager.js';
import type { ExportListQuery, ExportStatus, ExportStatusName, ExportType } from './types.js';

const PER_PAGE = 20;

type AdminAction = Extract<ExportAction, 'cancel' | 'retry'>;

export interface AdminViewElements {
  section: HTMLElement;
  filters: HTMLFormElement;
  status: HTMLSelectElement;
  type: HTMLSelectElement;
  user: HTMLInputElement;
  summary: HTMLElement;
  table: HTMLTableElement;
  rows: HTMLTableSectionElement;
  pager: PagerElements;
}

export interface AdminViewEvents {
  /** An action here changed this export; My exports may show it too. */
  changed(status: ExportStatus): void;
  announce(message: string): void;
  error(error: unknown): void;
}

function actionsFor(status: ExportStatusName): AdminAction[] {
  switch (status) {
    case 'PENDING':
    case 'PROCESSING':
      return ['cancel'];
    case 'FAILED':
    case 'CANCELLED':
      return ['retry'];
    case 'COMPLETED':
    case 'EXPIRED':
      return [];
  }
}

/** One export of the table, updated in place after an action so focus stays in its row. */
class AdminRow {
  readonly element: HTMLTableRowElement;
  readonly name: string;
  private readonly nameCell: HTMLTableCellElement;
  private readonly badge = h('span', { class: 'badge' });
  private readonly note = h('span', { class: 'reason' });
  private readonly rows = h('td', { class: 'number' });
  private readonly actions = h('div', { class: 'actions' });
  status: ExportStatus;

  constructor(
    type: ExportType | undefined,
    status: ExportStatus,
    private readonly onAction: (action: AdminAction, row: AdminRow) => void,
  ) {
    this.status = status;
    this.name = exportName(type, status);
    this.nameCell = h('th', { scope: 'row', id: `all-export-${status.export_id}-name`, tabindex: '-1' }, this.name);
    this.element = h(
      'tr',
      { id: `all-export-${status.export_id}`, 'data-export-id': String(status.export_id) },
      h('td', { class: 'number' }, String(status.export_id)),
      this.nameCell,
      h('td', { class: 'owner' }, status.user_id),
      h('td', {}, this.badge, this.note),
      this.rows,
      h('td', {}, dateTime(status.created_at)),
      h('td', {}, this.actions),
    );
    this.update(status);
  }

  get id(): number {
    return this.status.export_id;
  }

  update(status: ExportStatus): void {
    this.status = status;
    this.element.dataset.status = status.status;
    this.badge.textContent = STATUS_LABELS[status.status];
    this.badge.className = `badge badge-${status.status.toLowerCase()}`;
    const note = statusNote(status);
    this.note.textContent = note ? `: ${note}` : '';
    this.rows.textContent = rowCount(status);
    renderActions(this.actions, actionsFor(status.status), this.nameCell.id, this.nameCell, (action) => this.onAction(action, this));
  }
}

/**
 * "All exports", for admins: everyone's exports newest first, narrowed by status, type and owner,
 * with Cancel and Retry. It shows the exports as they were when listed; *Show* lists them again.
 */
export class AdminExports {
  private readonly pager: Pager;
  private rows = new Map<number, AdminRow>();

  constructor(
    private readonly api: ExportsApi,
    private readonly types: ExportType[],
    private readonly elements: AdminViewElements,
    private readonly events: AdminViewEvents,
  ) {
    elements.status.replaceChildren(
      h('option', { value: '' }, 'Any status'),
      ...Object.entries(STATUS_LABELS).map(([value, label]) => h('option', { value }, label)),
    );
    elements.type.replaceChildren(
      h('option', { value: '' }, 'Any type'),
      ...types.map((type) => h('option', { value: type.export_type }, type.title)),
    );
    elements.filters.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.load(1)
        .then((total) => events.announce(total === 1 ? '1 export matches.' : `${count(total)} exports match.`))
        .catch((error: unknown) => events.error(error));
    });
    this.pager = new Pager(
      elements.pager,
      (page) => this.load(page),
      (error) => events.error(error),
    );
  }

  async show(): Promise<void> {
    await this.load(1);
    this.elements.section.hidden = false;
  }

  stop(): void {
    this.elements.section.hidden = true;
    this.rows.clear();
    this.elements.rows.replaceChildren();
  }

  /** A status from elsewhere (My exports) for an export in the table. */
  update(status: ExportStatus): void {
    this.rows.get(status.export_id)?.update(status);
  }

  /** Lists the page with the filters as the form has them; resolves to how many exports match. */
  private async load(page: number): Promise<number> {
    const result = await this.api.allExports(this.query(page));
    this.rows = new Map(result.items.map((status) => [status.export_id, this.row(status)]));
    this.elements.rows.replaceChildren(...[...this.rows.values()].map((row) => row.element));
    this.elements.table.hidden = result.items.length === 0;
    this.elements.summary.textContent =
      result.total_items === 0
        ? 'No exports match these filters.'
        : `${count(result.total_items)} ${result.total_items === 1 ? 'export matches' : 'exports match'}, newest first.`;
    this.pager.show(result.page, result.total_pages);
    return result.total_items;
  }

  private query(page: number): ExportListQuery {
    const { status, type, user } = this.elements;
    return {
      status: (status.value || undefined) as ExportStatusName | undefined,
      export_type: type.value || undefined,
      user_id: user.value.trim() || undefined,
      page,
      per_page: PER_PAGE,
    };
  }

  private row(status: ExportStatus): AdminRow {
    const type = this.types.find((candidate) => candidate.export_type === status.export_type);
    return new AdminRow(type, status, (action, row) => void this.act(action, row));
  }

  private async act(action: AdminAction, row: AdminRow): Promise<void> {
    const owner = row.status.user_id;
    try {
      if (action === 'cancel') {
        if (!window.confirm(`Cancel ${owner}'s export "${row.name}"? The rows written so far are discarded.`)) return;
        this.changed(row, await this.api.cancel(row.id));
        this.events.announce(`${row.name} of ${owner} was cancelled.`);
      } else {
        this.changed(row, await this.api.retry(row.id));
        this.events.announce(`${row.name} of ${owner} is queued again.`);
      }
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 409)) return this.events.error(error);
      // Someone (a worker, the owner, another admin) changed it first: show it as it is now.
      this.changed(row, await this.api.status(row.id).catch(() => row.status));
      this.events.announce(
        `${row.name} of ${owner} is ${STATUS_LABELS[row.status.status].toLowerCase()} now, so it cannot be ${action === 'cancel' ? 'cancelled' : 'retried'}.`,
      );
    }
  }

  private changed(row: AdminRow, status: ExportStatus): void {
    row.update(status);
    this.events.changed(status);
  }
}
