import { count } from './format.js';

export interface PagerElements {
  nav: HTMLElement;
  previous: HTMLButtonElement;
  next: HTMLButtonElement;
  label: HTMLElement;
}

/** Newer / Older over the pages of a list, newest first; `turn` loads the page asked for. */
export class Pager {
  private page = 1;
  private totalPages = 1;

  constructor(
    private readonly elements: PagerElements,
    private readonly turn: (page: number) => Promise<unknown>,
    private readonly onError: (error: unknown) => void,
  ) {
    elements.previous.addEventListener('click', () => void this.step(elements.previous, elements.next, -1));
    elements.next.addEventListener('click', () => void this.step(elements.next, elements.previous, 1));
  }

  get current(): number {
    return this.page;
  }

  show(page: number, totalPages: number): void {
    this.page = page;
    this.totalPages = Math.max(1, totalPages);
    this.elements.nav.hidden = this.totalPages <= 1;
    this.elements.label.textContent = `Page ${count(this.page)} of ${count(this.totalPages)}`;
    this.elements.previous.disabled = this.page <= 1;
    this.elements.next.disabled = this.page >= this.totalPages;
  }

  /** A focused button disabled on the first or last page hands focus to the other one. */
  private async step(used: HTMLButtonElement, other: HTMLButtonElement, step: 1 | -1): Promise<void> {
    const hadFocus = document.activeElement === used;
    try {
      await this.turn(this.page + step);
      if (hadFocus && used.disabled) other.focus();
    } catch (error) {
      this.onError(error);
    }
  }
}
