import { SingleBar } from 'cli-progress';
import type { ExportStatusDto } from '../../exports/dto/export-status.dto';
import { count, duration } from './human';

/** Shows an export's progress while the CLI waits for it. */
export interface ProgressView {
  update(status: ExportStatusDto): void;
  stop(): void;
}

/** Rows, rate and time left of a status, as words ('' where the server does not know them yet). */
export function progressFields(status: ExportStatusDto): { rows: string; rate: string; eta: string } {
  return {
    rows:
      status.total_records === null ? count(status.processed_records) : `${count(status.processed_records)}/${count(status.total_records)}`,
    rate: status.rows_per_second === undefined ? '' : `${count(status.rows_per_second)} rows/s`,
    eta: status.eta_seconds === undefined ? '' : duration(status.eta_seconds),
  };
}

/** One plain line per change, for pipes and logs: no cursor movement, no colour. */
export function progressLine(status: ExportStatusDto): string {
  const { rows, rate, eta } = progressFields(status);
  if (status.status === 'PENDING') return `Export ${status.export_id}: PENDING, waiting for a worker`;
  const details = [`${rows} rows`, rate, eta && `ETA ${eta}`].filter(Boolean).join(', ');
  return `Export ${status.export_id}: ${status.status} ${status.progress}% (${details})`;
}

class PlainProgress implements ProgressView {
  private last = '';

  constructor(private readonly stream: NodeJS.WritableStream) {}

  update(status: ExportStatusDto): void {
    const line = progressLine(status);
    if (line !== this.last) this.stream.write(`${line}\n`);
    this.last = line;
  }

  stop(): void {}
}

/** A redrawn bar on a terminal: percent, rows, rows/s and time left. */
class TerminalProgress implements ProgressView {
  private readonly bar: SingleBar;
  private started = false;

  constructor(stream: NodeJS.WriteStream) {
    this.bar = new SingleBar({
      stream,
      // {left} rather than cli-progress's own {eta}: the server knows the rate better than redraw timing does.
      format: 'Export {id} {state} [{bar}] {percentage}% | {rows} rows | {rate} | ETA {left}',
      barsize: 30,
      hideCursor: true,
      linewrap: false,
    });
  }

  update(status: ExportStatusDto): void {
    const { rows, rate, eta } = progressFields(status);
    const payload = { id: status.export_id, state: status.status, rows, rate: rate || '? rows/s', left: eta || '?' };
    if (!this.started) this.bar.start(100, status.progress, payload);
    else this.bar.update(status.progress, payload);
    this.started = true;
  }

  stop(): void {
    if (this.started) this.bar.stop();
  }
}

const SILENT: ProgressView = { update: () => undefined, stop: () => undefined };

/** A bar on a terminal, plain lines on a pipe, nothing when the output is for a program (`--json`). */
export function progressView(stream: NodeJS.WriteStream, silent: boolean): ProgressView {
  if (silent) return SILENT;
  return stream.isTTY ? new TerminalProgress(stream) : new PlainProgress(stream);
}
