import { h } from './dom.js';

/** What can be done to an export from the page: *Run again* makes a new export, the admin view's *Retry* reruns the same one. */
export type ExportAction = 'download' | 'cancel' | 'run-again' | 'retry';

const ACTION_LABELS: Record<ExportAction, string> = { download: 'Download', cancel: 'Cancel', 'run-again': 'Run again', retry: 'Retry' };

/**
 * Puts one button per action in `container`, each described by the export's name (`describedBy`),
 * rebuilt only when the set changes; a focused button that goes away hands focus to `fallback`.
 */
export function renderActions<A extends ExportAction>(
  container: HTMLElement,
  actions: A[],
  describedBy: string,
  fallback: HTMLElement,
  onAction: (action: A) => void,
): void {
  const key = actions.join(' ');
  if (container.dataset.actions === key) return;
  container.dataset.actions = key;
  const hadFocus = container.contains(document.activeElement);
  container.replaceChildren(
    ...actions.map((action) => {
      const button = h('button', { type: 'button', class: `action-${action}`, 'aria-describedby': describedBy }, ACTION_LABELS[action]);
      button.addEventListener('click', () => onAction(action));
      return button;
    }),
  );
  if (hadFocus) (container.querySelector('button') ?? fallback).focus();
}
