import { renderActions } from './actions.js';
import type { ExportAction } from './actions.js';
import { h } from './dom.js';
import { bytes, count, dateTime, duration, expiresIn, exportName, filterSummary, rowCount, STATUS_LABELS, statusNote } from './format.js';
import type { ExportStatus, ExportType } from './types.js';

export type ItemAction = Extract<ExportAction, 'download' | 'cancel' | 'run-again'>;

function actionsFor(status: ExportStatus): ItemAction[] {
  switch (status.status) {
    case 'PENDING':
    case 'PROCESSING':
      return ['cancel'];
    case 'COMPLETED':
      return ['download', 'run-again'];
    case 'FAILED':
    case 'CANCELLED':
    case 'EXPIRED':
      return ['run-again'];
  }
}

/** "42% · 1,234 of 3,000 rows · 800 rows/s · about 3 s left" */
function progressText(status: ExportStatus): string {
  if (status.status === 'PENDING') return 'Waiting for a worker to start it';
  const rows =
    status.total_records === null
      ? `${count(status.processed_records)} rows`
      : `${count(status.processed_records)} of ${count(status.total_records)} rows`;
  return [
    `${status.progress}%`,
    rows,
    status.rows_per_second !== undefined ? `${count(status.rows_per_second)} rows/s` : '',
    status.eta_seconds !== undefined ? `about ${duration(status.eta_seconds)} left` : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

/** One row of "My exports", updated in place so focus and the progress bar survive each status. */
export class ExportItem {
  readonly element: HTMLLIElement;
  readonly name: string;
  private readonly title: HTMLHeadingElement;
  private readonly badge = h('span', { class: 'badge' });
  private readonly reason = h('span', { class: 'reason' });
  private readonly progress = h('progress', { max: '100', value: '0', 'aria-valuemin': '0', 'aria-valuemax': '100' });
  private readonly progressLabel = h('span', { class: 'progress-text' });
  private readonly progressBox: HTMLElement;
  private readonly facts = h('dl', { class: 'facts' });
  private readonly actions = h('div', { class: 'actions' });
  status: ExportStatus;

  constructor(
    type: ExportType | undefined,
    status: ExportStatus,
    private readonly onAction: (action: ItemAction, item: ExportItem) => void,
  ) {
    const id = `export-${status.export_id}`;
    this.status = status;
    this.name = exportName(type, status);
    this.title = h('h3', { id: `${id}-title`, tabindex: '-1' }, this.name);
    this.progress.id = `${id}-progress`;
    this.progress.setAttribute('aria-labelledby', `${id}-title`);
    this.progressBox = h('div', { class: 'progress' }, this.progress, this.progressLabel);
    this.element = h(
      'li',
      { class: 'export', id, 'data-export-id': String(status.export_id), 'aria-labelledby': `${id}-title` },
      this.title,
      h('p', { class: 'summary' }, filterSummary(type, status)),
      h('p', { class: 'state' }, this.badge, this.reason),
      this.progressBox,
      this.facts,
      this.actions,
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
    this.reason.textContent = note ? `: ${note}` : '';

    const running = status.status === 'PENDING' || status.status === 'PROCESSING';
    this.progressBox.hidden = !running;
    if (running) {
      const text = progressText(status);
      this.progress.value = status.progress;
      this.progress.setAttribute('aria-valuenow', String(status.progress));
      this.progress.setAttribute('aria-valuetext', text);
      this.progressLabel.textContent = text;
    }

    const facts: [string, string][] = [
      ['Rows', rowCount(status)],
      ['Size', status.file_size === null ? '–' : bytes(status.file_size)],
      ['Created', dateTime(status.created_at)],
      ...(status.status === 'COMPLETED' && status.expires_at ? [['Expires', expiresIn(status.expires_at)] as [string, string]] : []),
    ];
    this.facts.replaceChildren(...facts.map(([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, value))));
    renderActions(this.actions, actionsFor(status), this.title.id, this.title, (action) => this.onAction(action, this));
  }
}
