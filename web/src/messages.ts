import { ApiError, NetworkError } from './api.js';

const sentence = (text: string): string => {
  const trimmed = text.trim().replace(/^./, (first) => first.toUpperCase());
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
};

const NOT_ALLOWED = 'You are not allowed to do that.';
const ALREADY_FINISHED = 'That export has already finished, so this cannot be done any more.';
const FILE_GONE = 'This export has expired and its file was deleted: run it again.';
const UNAVAILABLE = 'The export service is unavailable right now. Try again in a minute.';
const SERVER_PROBLEM = 'The server had a problem. Try again; if it keeps happening, tell an operator.';

/**
 * What the page says for each error code it knows (docs/errors.md); `serverSays` is the API's own
 * detail, shown where it names what to change (the fields of a 400, the count of a 422).
 */
export const CODE_SENTENCES: Record<string, (serverSays: string | undefined, error: ApiError) => string> = {
  VALIDATION_FAILED: (serverSays) => serverSays ?? 'The request was not accepted. Check the form and try again.',
  UNAUTHENTICATED: () => 'Your sign-in has expired or was not accepted. Sign in again.',
  FORBIDDEN: () => NOT_ALLOWED,
  ADMINS_ONLY: () => NOT_ALLOWED,
  TYPE_FORBIDDEN: (serverSays) => serverSays ?? NOT_ALLOWED,
  EXPORT_NOT_FOUND: () => 'That export does not exist any more, or it belongs to someone else.',
  EXPORT_NOT_READY: () => 'That export is not finished yet: its file can be downloaded once it is ready.',
  EXPORT_NOT_RETRYABLE: () => ALREADY_FINISHED,
  EXPORT_NOT_CANCELLABLE: () => ALREADY_FINISHED,
  EXPORT_EXPIRED: () => FILE_GONE,
  EXPORT_FILE_GONE: () => FILE_GONE,
  FORMAT_LIMIT_EXCEEDED: (serverSays) =>
    serverSays ?? 'The server cannot produce this export. Narrow the filters or choose another format.',
  TOO_MANY_ACTIVE_EXPORTS: () => 'You have as many exports running as allowed: wait for one to finish or cancel one.',
  RATE_LIMITED: (_serverSays, error) => `Too many requests: wait ${error.retryAfterSeconds ?? 60} seconds and try again.`,
  QUEUE_UNAVAILABLE: () => UNAVAILABLE,
  SERVICE_UNAVAILABLE: () => UNAVAILABLE,
  INTERNAL_ERROR: () => SERVER_PROBLEM,
};

/** Every failure the page can meet, as one plain sentence a back-office user can act on. */
export function errorSentence(error: unknown): string {
  if (error instanceof NetworkError) return 'The server cannot be reached. Check your connection and try again.';
  if (!(error instanceof ApiError)) return 'Something went wrong in this page. Reload it and try again.';
  const serverSays = error.messages.length > 0 ? error.messages.map(sentence).join(' ') : undefined;
  const known = error.code === undefined ? undefined : CODE_SENTENCES[error.code];
  if (known) return known(serverSays, error);
  // A code this page does not know yet: the server's own words, or what the status says.
  if (serverSays && error.status < 500) return serverSays;
  return error.status >= 500 ? SERVER_PROBLEM : `The request failed (HTTP ${error.status}).`;
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
