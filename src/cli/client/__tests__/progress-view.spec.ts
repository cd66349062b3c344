import { Writable } from 'node:stream';
import type { ExportStatusDto } from '../../../exports/dto/export-status.dto';
import { progressLine, progressView } from '../progress-view';

/** A stream that records what is written to it, as a terminal (isTTY) or as a pipe. */
function output(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  Object.assign(stream, { isTTY, columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  return { stream, text: () => chunks.join('') };
}

const status = (values: Partial<ExportStatusDto>): ExportStatusDto =>
  ({ export_id: 7, status: 'PROCESSING', progress: 0, processed_records: 0, total_records: null, ...values }) as ExportStatusDto;

const running = status({ progress: 42, processed_records: 42_000, total_records: 100_000, rows_per_second: 12_500, eta_seconds: 5 });

describe('progressView', () => {
  it('draws a bar with percent, rows, rows/s and time left on a terminal', () => {
    const { stream, text } = output(true);
    const view = progressView(stream, false);
    view.update(running);
    view.stop();
    expect(text()).toContain('Export 7 PROCESSING [');
    expect(text()).toContain('] 42% | 42,000/100,000 rows | 12,500 rows/s | ETA 5 s');
    expect(text()).toContain('\x1b['); // the cursor is hidden and the line redrawn
  });

  it('writes one plain line per change on a pipe, without control characters', () => {
    const { stream, text } = output(false);
    const view = progressView(stream, false);
    view.update(status({ status: 'PENDING' }));
    view.update(running);
    view.update(running);
    view.stop();
    expect(text()).toBe(
      'Export 7: PENDING, waiting for a worker\nExport 7: PROCESSING 42% (42,000/100,000 rows, 12,500 rows/s, ETA 5 s)\n',
    );
  });

  it('writes nothing when silent (--json)', () => {
    const { stream, text } = output(true);
    const view = progressView(stream, true);
    view.update(running);
    view.stop();
    expect(text()).toBe('');
  });
});

describe(progressLine.name, () => {
  it('leaves out what the server does not know yet', () => {
    expect(progressLine(status({ processed_records: 10 }))).toBe('Export 7: PROCESSING 0% (10 rows)');
  });
});
