import { h } from './dom.js';
import type { CsvOptions, ExportRequestBody } from './types.js';

/** The formats that can be compressed: the streamed text ones. */
const COMPRESSIBLE = ['csv', 'json', 'ndjson'];

const COMPRESSIONS = [
  ['', 'None'],
  ['zip', 'zip: opens with a double click on Windows and macOS'],
  ['gzip', 'gzip (.gz): for scripts and data tools'],
] as const;

const DELIMITERS = [
  [',', 'Comma ( , )'],
  [';', 'Semicolon ( ; ), as Excel expects in much of Europe'],
  ['\t', 'Tab'],
  ['|', 'Pipe ( | )'],
] as const;

const LINE_ENDINGS = [
  ['crlf', 'Windows (CRLF)'],
  ['lf', 'Unix and macOS (LF)'],
] as const;

/** What the server writes without options; only a departure from it is sent. */
const DEFAULT_CSV: CsvOptions = { delimiter: ',', bom: true, line_ending: 'crlf', header: true };

type OptionsBody = Pick<ExportRequestBody, 'compression' | 'csv'>;

/**
 * The form's *More options*: compression for the text formats, and how a csv file is written
 * (delimiter, line endings, BOM, header row). Each part shows only for the formats it applies to.
 */
export class FileOptions {
  readonly element: HTMLDetailsElement;
  private readonly compressionSet: HTMLFieldSetElement;
  private readonly csvSet: HTMLFieldSetElement;
  private readonly delimiter: HTMLSelectElement;
  private readonly lineEnding: HTMLSelectElement;
  private readonly bom: HTMLInputElement;
  private readonly header: HTMLInputElement;
  private format = '';

  constructor(errorSlot: (key: string) => HTMLElement) {
    this.compressionSet = h(
      'fieldset',
      { id: 'field-compression' },
      h('legend', {}, 'Compression'),
      ...COMPRESSIONS.map(([value, label]) => {
        const radio = h('input', {
          type: 'radio',
          name: 'compression',
          id: `compression-${value || 'none'}`,
          value,
          checked: value === '',
        });
        return h('div', { class: 'check' }, radio, h('label', { for: radio.id }, label));
      }),
      errorSlot('compression'),
    );
    this.delimiter = h('select', { id: 'csv-delimiter' }, ...DELIMITERS.map(([value, label]) => h('option', { value }, label)));
    this.lineEnding = h('select', { id: 'csv-line-ending' }, ...LINE_ENDINGS.map(([value, label]) => h('option', { value }, label)));
    this.bom = h('input', { type: 'checkbox', id: 'csv-bom', checked: true, 'aria-describedby': 'hint-csv-bom' });
    this.header = h('input', { type: 'checkbox', id: 'csv-header', checked: true });
    this.csvSet = h(
      'fieldset',
      { id: 'field-csv' },
      h('legend', {}, 'CSV file'),
      h('div', { class: 'field' }, h('label', { for: this.delimiter.id }, 'Delimiter'), this.delimiter),
      h('div', { class: 'field' }, h('label', { for: this.lineEnding.id }, 'Line endings'), this.lineEnding),
      h('div', { class: 'check' }, this.bom, h('label', { for: this.bom.id }, 'Byte-order mark')),
      h('p', { class: 'hint check-hint', id: 'hint-csv-bom' }, 'So that Excel reads accents and other non-English letters right.'),
      h('div', { class: 'check' }, this.header, h('label', { for: this.header.id }, 'Header row with the column names')),
      errorSlot('csv'),
    );
    this.element = h('details', { id: 'more-options' }, h('summary', {}, 'More options'), this.compressionSet, this.csvSet);
    this.showFor('');
  }

  /** Shows the parts that apply to `format`; *More options* itself only when one does. */
  showFor(format: string): void {
    this.format = format;
    this.compressionSet.hidden = !COMPRESSIBLE.includes(format);
    this.csvSet.hidden = format !== 'csv';
    this.element.hidden = this.compressionSet.hidden && this.csvSet.hidden;
  }

  /** The request fields for the chosen format: nothing for defaults, nothing that does not apply. */
  body(): OptionsBody {
    const compression = this.compressionSet.querySelector<HTMLInputElement>('input[name="compression"]:checked')?.value ?? '';
    const csv: CsvOptions = {
      delimiter: this.delimiter.value,
      bom: this.bom.checked,
      line_ending: this.lineEnding.value,
      header: this.header.checked,
    };
    const changed = (Object.keys(DEFAULT_CSV) as (keyof CsvOptions)[]).some((key) => csv[key] !== DEFAULT_CSV[key]);
    return {
      ...(compression && COMPRESSIBLE.includes(this.format) ? { compression } : {}),
      ...(changed && this.format === 'csv' ? { csv } : {}),
    };
  }

  /** The control a 400 about `key` (compression, csv) is shown next to. */
  control(key: string): HTMLElement | null {
    if (key === 'compression') return this.compressionSet;
    if (key === 'csv') return this.csvSet;
    return null;
  }

  /** Opens *More options*, so that an error inside it is seen. */
  reveal(): void {
    this.element.open = true;
  }
}
