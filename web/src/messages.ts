import { ApiError, NetworkError } from './api.js';

const sentence = (text: string): string => {
  const trimmed = text.trim().replace(/^./, (first) => first.toUpperCase());
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
};

/** Every failure the page can meet, as one plain sentence a back-office user can act on. */
export function errorSentence(error: unknown): string {
  if (error instanceof NetworkError) return 'The server cannot be reached. Check your connection and try again.';
  if (!(error instanceof ApiError)) return 'Something went wrong in this page. Reload it and try again.';
  const serverSays = error.messages.length > 0 ? error.messages.map(sentence).join(' ') : undefined;
  switch (error.status) {
    case 400:
      return serverSays ?? 'The request was not accepted. Check the form and try again.';
    case 401:
      return 'Your sign-in has expired or was not accepted. Sign in again.';
    case 403:
      return 'You are not allowed to do that.';
    case 404:
      return 'That export does not exist any more, or it belongs to someone else.';
    case 409:
      return 'That export has already finished, so this cannot be done any more.';
    case 410:
      return 'This export has expired and its file was deleted: run it again.';
    case 422:
      return serverSays ?? 'The server cannot produce this export. Narrow the filters or choose another format.';
    case 429: {
      const running = /You have (\d+) exports/.exec(error.messages.join(' '));
      if (running) return `You have ${running[1]} exports running: wait for one to finish or cancel one.`;
      return `Too many requests: wait ${error.retryAfterSeconds ?? 60} seconds and try again.`;
    }
    case 503:
      return serverSays ?? 'The export service is unavailable right now. Try again in a minute.';
    default:
      return error.status >= 500
        ? 'The server had a problem. Try again; if it keeps happening, tell an operator.'
        : (serverSays ?? `The request failed (HTTP ${error.status}).`);
  }
}

/**
 * Which form field a 400 message is about, from the field name the API puts in it
 * ("filters.to_posting_date must ...", "columns has unknown keys ...", "csv.delimiter must ..." is about
 * the csv options as a whole); a range message names
 * both bounds and belongs to the second.
 */
export function fieldOf(message: string): string | undefined {
  const filters = [...message.matchAll(/\bfilters\.(\w+)/g)];
  if (filters.length > 0) return filters[filters.length - 1][1];
  return /^(export_type|format|columns|compression|csv)\b/.exec(message)?.[1];
}

/** A 400 message in words: field keys replaced with their labels. */
export function fieldSentence(message: string, label: (key: string) => string): string {
  return sentence(message.replace(/\bfilters\.(\w+)/g, (_match, key: string) => label(key)));
}
