import { ApiError } from './api.js';
import { h } from './dom.js';
import { FileOptions } from './file-options.js';
import { columnLabel, filterLabel, FORMAT_LABELS, monthRange } from './format.js';
import { fieldOf, fieldSentence } from './messages.js';
import type { ExportFilter, ExportRequestBody, ExportType, FilterValues } from './types.js';

const AMOUNT = /^-?\d{1,12}(\.\d{1,2})?$/;
const DEFAULT_FORMAT = 'excel';
const PRESETS = [
  ['', 'Any date'],
  ['last-month', 'Last month'],
  ['this-month', 'This month'],
  ['custom', 'Custom range'],
] as const;

/** Controls of one filter range: the `from_` and `to_` inputs of a column. */
interface RangeInputs {
  column: string;
  kind: 'date' | 'amount';
  from: HTMLInputElement;
  to: HTMLInputElement;
}

export interface RequestFormElements {
  form: HTMLFormElement;
  type: HTMLSelectElement;
  format: HTMLSelectElement;
  filters: HTMLElement;
  columns: HTMLElement;
  /** Where *More options* goes. */
  options: HTMLElement;
  submit: HTMLButtonElement;
  formError: HTMLElement;
}

/**
 * The "New export" form, built from GET /api/exports/types: the type's filters (dates with
 * presets), its columns, the file's options, and errors shown next to the fields they are about.
 */
export class RequestForm {
  private ranges: RangeInputs[] = [];
  private values = new Map<string, HTMLInputElement>();
  private columnBoxes: HTMLInputElement[] = [];
  private readonly options = new FileOptions(errorSlot);
  private busy = false;

  constructor(
    private readonly elements: RequestFormElements,
    private readonly types: ExportType[],
    private readonly send: (body: ExportRequestBody) => Promise<void>,
  ) {
    elements.type.replaceChildren(...types.map((type) => h('option', { value: type.export_type }, type.title)));
    elements.type.addEventListener('change', () => this.buildTypeFields());
    elements.options.replaceChildren(this.options.element);
    elements.format.addEventListener('change', () => this.options.showFor(elements.format.value));
    elements.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.submit();
    });
    this.buildTypeFields();
  }

  private get type(): ExportType {
    return this.types.find((type) => type.export_type === this.elements.type.value) ?? this.types[0];
  }

  private buildTypeFields(): void {
    const type = this.type;
    this.clearErrors();
    this.ranges = [];
    this.values.clear();
    this.elements.format.replaceChildren(
      ...type.formats.map((format) => h('option', { value: format, selected: format === DEFAULT_FORMAT }, FORMAT_LABELS[format] ?? format)),
    );
    this.options.showFor(this.elements.format.value);

    const rangeColumns = (kind: 'date' | 'amount'): string[] => [
      ...new Set(type.filters.filter((f) => f.kind === kind).map((f) => f.column)),
    ];
    const [mainDate, ...otherDates] = rangeColumns('date');
    const more = [
      ...otherDates.map((column) => this.dateFieldset(type, column)),
      ...rangeColumns('amount').map((column) => this.amountFieldset(type, column)),
      ...type.filters.filter((f) => f.kind === 'values').map((filter) => this.valuesField(type, filter)),
    ];
    this.elements.filters.replaceChildren(
      ...(mainDate ? [this.dateFieldset(type, mainDate)] : []),
      more.length > 0 ? h('details', {}, h('summary', {}, 'More filters'), ...more) : '',
    );
    this.elements.columns.replaceChildren(this.columnsFieldset(type));
  }

  private dateFieldset(type: ExportType, column: string): HTMLElement {
    const range = this.range(column, 'date');
    const preset = h('select', { id: `preset-${column}` }, ...PRESETS.map(([value, label]) => h('option', { value }, label)));
    preset.addEventListener('change', () => {
      const dates = preset.value === 'last-month' ? monthRange(-1) : preset.value === 'this-month' ? monthRange(0) : undefined;
      if (dates) [range.from.value, range.to.value] = dates;
      else if (preset.value === '') range.from.value = range.to.value = '';
    });
    for (const input of [range.from, range.to]) input.addEventListener('input', () => (preset.value = 'custom'));
    return h(
      'fieldset',
      { class: 'range' },
      h('legend', {}, columnLabel(type, column)),
      field(h('label', { for: preset.id }, 'Period'), preset),
      this.inputField(range.from, 'From'),
      this.inputField(range.to, 'To'),
    );
  }

  private amountFieldset(type: ExportType, column: string): HTMLElement {
    const range = this.range(column, 'amount');
    return h(
      'fieldset',
      { class: 'range' },
      h('legend', {}, columnLabel(type, column)),
      this.inputField(range.from, 'From'),
      this.inputField(range.to, 'To'),
    );
  }

  private range(column: string, kind: 'date' | 'amount'): RangeInputs {
    const input = (key: string): HTMLInputElement =>
      h('input', {
        id: `filter-${key}`,
        name: key,
        type: kind === 'date' ? 'date' : 'text',
        inputmode: kind === 'amount' ? 'decimal' : undefined,
        autocomplete: 'off',
      });
    const range = { column, kind, from: input(`from_${column}`), to: input(`to_${column}`) };
    this.ranges.push(range);
    return range;
  }

  private valuesField(type: ExportType, filter: ExportFilter): HTMLElement {
    const input = h('input', { id: `filter-${filter.key}`, name: filter.key, type: 'text', autocomplete: 'off' });
    this.values.set(filter.key, input);
    return this.inputField(input, filterLabel(type, filter), 'One or more values, separated by commas');
  }

  private inputField(input: HTMLInputElement, label: string, hint?: string): HTMLElement {
    const hintId = hint ? `hint-${input.name}` : undefined;
    if (hintId) input.setAttribute('aria-describedby', hintId);
    return field(
      h('label', { for: input.id }, label),
      input,
      hintId ? h('p', { class: 'hint', id: hintId }, hint) : '',
      errorSlot(input.name),
    );
  }

  private columnsFieldset(type: ExportType): HTMLElement {
    const defaults = type.columns.filter((column) => column.default).length;
    const choices = [
      ['default', `Default columns (${defaults})`],
      ['all', `All columns (${type.columns.length})`],
      ['custom', 'Choose columns'],
    ] as const;
    this.columnBoxes = type.columns.map((column) =>
      h('input', { type: 'checkbox', id: `column-${column.key}`, value: column.key, checked: column.default }),
    );
    const picker = h(
      'div',
      { class: 'column-picker', role: 'group', 'aria-label': 'Columns to include', hidden: true },
      ...this.columnBoxes.map((box, i) => h('div', { class: 'check' }, box, h('label', { for: box.id }, type.columns[i].header))),
    );
    const radios = choices.map(([value, label]) => {
      const radio = h('input', { type: 'radio', name: 'column-choice', id: `columns-${value}`, value, checked: value === 'default' });
      radio.addEventListener('change', () => (picker.hidden = this.columnChoice !== 'custom'));
      return h('div', { class: 'check' }, radio, h('label', { for: radio.id }, label));
    });
    return h('fieldset', { id: 'field-columns' }, h('legend', {}, 'Columns'), ...radios, picker, errorSlot('columns'));
  }

  private get columnChoice(): string {
    return this.elements.form.querySelector<HTMLInputElement>('input[name="column-choice"]:checked')?.value ?? 'default';
  }

  /** Problems found without asking the server: field key to sentence. */
  private validate(): Map<string, string> {
    const errors = new Map<string, string>();
    for (const { kind, from, to } of this.ranges) {
      for (const input of [from, to]) {
        if (input.validity.badInput) errors.set(input.name, 'Enter a whole date, or leave it empty.');
        else if (kind === 'amount' && input.value.trim() && !AMOUNT.test(input.value.trim())) {
          errors.set(input.name, 'Enter an amount such as 12.50.');
        }
      }
      if (errors.has(from.name) || errors.has(to.name) || !from.value.trim() || !to.value.trim()) continue;
      if (kind === 'date' ? from.value > to.value : Number(from.value) > Number(to.value)) {
        errors.set(
          to.name,
          kind === 'date' ? 'The end date must be on or after the start date.' : 'The upper amount must not be below the lower one.',
        );
      }
    }
    if (this.columnChoice === 'custom' && !this.columnBoxes.some((box) => box.checked))
      errors.set('columns', 'Choose at least one column.');
    return errors;
  }

  private body(): ExportRequestBody {
    const filters: FilterValues = {};
    const inputs = [...this.ranges.flatMap((range) => [range.from, range.to]), ...this.values.values()];
    for (const input of inputs) if (input.value.trim()) filters[input.name] = input.value.trim();
    const choice = this.columnChoice;
    const columns = choice === 'all' ? this.columnBoxes : choice === 'custom' ? this.columnBoxes.filter((box) => box.checked) : undefined;
    return {
      export_type: this.type.export_type,
      format: this.elements.format.value,
      ...(Object.keys(filters).length > 0 ? { filters } : {}),
      ...(columns ? { columns: columns.map((box) => box.value) } : {}),
      ...this.options.body(),
    };
  }

  private async submit(): Promise<void> {
    if (this.busy) return;
    this.clearErrors();
    const problems = this.validate();
    if (problems.size > 0) return this.showErrors(problems);
    this.setBusy(true);
    try {
      await this.send(this.body());
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 400) throw error;
      this.showServerErrors(error.messages);
    } finally {
      this.setBusy(false);
    }
  }

  private setBusy(busy: boolean): void {
    this.busy = busy;
    this.elements.submit.disabled = busy;
    this.elements.submit.textContent = busy ? 'Requesting…' : 'Request export';
  }

  /** A form-level message (422, 429...), shown above the submit button. */
  showFormError(message: string): void {
    this.elements.formError.textContent = message;
    this.elements.formError.hidden = false;
  }

  private showServerErrors(messages: string[]): void {
    const type = this.type;
    const label = (key: string): string => {
      const filter = type.filters.find((candidate) => candidate.key === key);
      return filter ? `"${filterLabel(type, filter)}"` : key;
    };
    const byField = new Map<string, string>();
    const unplaced: string[] = [];
    for (const message of messages) {
      const key = fieldOf(message);
      const text = fieldSentence(message, label);
      if (key && this.elements.form.querySelector(`#error-${CSS.escape(key)}`))
        byField.set(key, [byField.get(key), text].filter(Boolean).join(' '));
      else unplaced.push(text);
    }
    if (unplaced.length > 0) this.showFormError(unplaced.join(' '));
    this.showErrors(byField);
  }

  private showErrors(errors: Map<string, string>): void {
    let first: HTMLElement | undefined;
    for (const [key, message] of errors) {
      const slot = this.elements.form.querySelector<HTMLElement>(`#error-${CSS.escape(key)}`);
      const control = this.control(key);
      if (!slot || !control) continue;
      if (this.options.element.contains(control)) this.options.reveal();
      slot.textContent = message;
      slot.hidden = false;
      control.setAttribute('aria-invalid', 'true');
      describe(control, slot.id, true);
      first ??= control;
    }
    if (first?.tagName === 'FIELDSET')
      first = first.querySelector<HTMLElement>('input:checked') ?? first.querySelector<HTMLElement>('select, input') ?? undefined;
    (first ?? this.elements.formError).focus();
  }

  private control(key: string): HTMLElement | null {
    if (key === 'columns') return this.elements.form.querySelector('#field-columns');
    if (key === 'export_type') return this.elements.type;
    if (key === 'format') return this.elements.format;
    const option = this.options.control(key);
    if (option) return option;
    return this.elements.form.querySelector(`#filter-${CSS.escape(key)}`);
  }

  private clearErrors(): void {
    this.elements.formError.hidden = true;
    this.elements.formError.textContent = '';
    for (const slot of this.elements.form.querySelectorAll<HTMLElement>('.field-error')) {
      slot.hidden = true;
      slot.textContent = '';
    }
    for (const control of this.elements.form.querySelectorAll<HTMLElement>('[aria-invalid]')) {
      control.removeAttribute('aria-invalid');
      for (const id of (control.getAttribute('aria-describedby') ?? '').split(' '))
        if (id.startsWith('error-')) describe(control, id, false);
    }
  }
}

function field(...children: (Node | string)[]): HTMLElement {
  return h('div', { class: 'field' }, ...children);
}

function errorSlot(key: string): HTMLElement {
  return h('p', { class: 'field-error', id: `error-${key}`, hidden: true });
}

/** Adds or removes an error id in the control's aria-describedby, keeping its hint. */
function describe(control: HTMLElement, id: string, on: boolean): void {
  const ids = new Set((control.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean));
  if (on) ids.add(id);
  else ids.delete(id);
  if (ids.size > 0) control.setAttribute('aria-describedby', [...ids].join(' '));
  else control.removeAttribute('aria-describedby');
}
