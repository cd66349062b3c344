import { ApiError, NetworkError } from '../../web/src/api';
import { CODE_SENTENCES, errorSentence } from '../../web/src/messages';

const problem = (status: number, code: string | undefined, messages: string[] = [], retryAfter?: number): ApiError =>
  new ApiError(status, messages, retryAfter, code);

const CASES: [ApiError, string][] = [
  [problem(401, 'UNAUTHENTICATED', ['A valid bearer token is required']), 'Your sign-in has expired or was not accepted. Sign in again.'],
  [problem(403, 'ADMINS_ONLY', ['Metrics are for admins']), 'You are not allowed to do that.'],
  [problem(403, 'FORBIDDEN', ['x']), 'You are not allowed to do that.'],
  [problem(403, 'TYPE_FORBIDDEN', ['LEDGER_POSTINGS exports need the finance role']), 'LEDGER_POSTINGS exports need the finance role.'],
  [problem(404, 'EXPORT_NOT_FOUND', ['Export 7 not found']), 'That export does not exist any more, or it belongs to someone else.'],
  [
    problem(409, 'EXPORT_NOT_READY', ['Export 7 is PENDING']),
    'That export is not finished yet: its file can be downloaded once it is ready.',
  ],
  [problem(409, 'EXPORT_NOT_RETRYABLE', ['Export 7 is COMPLETED']), 'That export has already finished, so this cannot be done any more.'],
  [
    problem(409, 'EXPORT_NOT_CANCELLABLE', ['Export 7 is already COMPLETED']),
    'That export has already finished, so this cannot be done any more.',
  ],
  [problem(410, 'EXPORT_EXPIRED', ['Export 7 has expired']), 'This export has expired and its file was deleted: run it again.'],
  [
    problem(410, 'EXPORT_FILE_GONE', ['The file of export 7 is no longer available']),
    'This export has expired and its file was deleted: run it again.',
  ],
  [problem(400, 'VALIDATION_FAILED', ['format must be one of: csv, json']), 'Format must be one of: csv, json.'],
  [problem(400, 'VALIDATION_FAILED'), 'The request was not accepted. Check the form and try again.'],
  [
    problem(422, 'FORMAT_LIMIT_EXCEEDED', ['12,000 records match; pdf exports are limited to 10,000']),
    '12,000 records match; pdf exports are limited to 10,000.',
  ],
  [
    problem(429, 'TOO_MANY_ACTIVE_EXPORTS', ['Vous avez 5 exports']),
    'You have as many exports running as allowed: wait for one to finish or cancel one.',
  ],
  [problem(429, 'RATE_LIMITED', ['Too many requests'], 12), 'Too many requests: wait 12 seconds and try again.'],
  [
    problem(503, 'QUEUE_UNAVAILABLE', ['The export queue is unavailable']),
    'The export service is unavailable right now. Try again in a minute.',
  ],
  [problem(503, 'SERVICE_UNAVAILABLE'), 'The export service is unavailable right now. Try again in a minute.'],
  [
    problem(500, 'INTERNAL_ERROR', ['The server had a problem']),
    'The server had a problem. Try again; if it keeps happening, tell an operator.',
  ],
];

describe('The Export Center reads error codes, not sentences', () => {
  it.each(CASES)('says what %s means', (error, expected) => {
    expect(errorSentence(error)).toBe(expected);
  });

  it('has a test above for every code it knows', () => {
    expect(new Set(CASES.map(([error]) => error.code))).toEqual(new Set(Object.keys(CODE_SENTENCES)));
  });

  it("shows the server's detail for a code it does not know, and says what the status means without one", () => {
    expect(errorSentence(problem(409, 'SCHEDULE_NAME_TAKEN', ['a schedule of that name exists']))).toBe('A schedule of that name exists.');
    expect(errorSentence(problem(502, undefined))).toBe('The server had a problem. Try again; if it keeps happening, tell an operator.');
    expect(errorSentence(problem(418, undefined))).toBe('The request failed (HTTP 418).');
    expect(errorSentence(new NetworkError('down'))).toBe('The server cannot be reached. Check your connection and try again.');
  });
});
