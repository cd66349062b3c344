import { AdminExports } from './admin-exports.js';
import { ApiError, ExportsApi } from './api.js';
import type { SignInOptions } from './api.js';
import { byId, h } from './dom.js';
import type { ExportItem, ItemAction } from './export-item.js';
import { ExportList } from './export-list.js';
import { errorSentence } from './messages.js';
import { RequestForm } from './request-form.js';
import { Session } from './session.js';
import type { ExportRequestBody, ExportStatus, ExportType } from './types.js';

const TITLE = 'Export Center';

const session = new Session();
const api = new ExportsApi(() => session.current);
// Asked once: a server that cannot say is treated as one that offers nothing extra.
const signInOptions: Promise<SignInOptions> = api.signInOptions().catch(() => ({ dev_sign_in: false, development: false }));
const announcer = byId('announcer');
const noticeDownload = byId<HTMLButtonElement>('notice-download');
let list: ExportList | undefined;
let admin: AdminExports | undefined;
let form: RequestForm | undefined;
let readyExport: ExportItem | undefined;
let unseenReady = 0;

/**
 * The one live region: every state change and every error a user should hear about. A ready file's
 * Download button comes with its message and goes with it (the next message: a download, an error...).
 */
function announce(message: string, ready?: ExportItem): void {
  announcer.textContent = message;
  readyExport = ready;
  noticeDownload.hidden = !ready;
  noticeDownload.textContent = ready ? `Download ${ready.name}` : '';
}

function showSignIn(message?: string): void {
  list?.stop();
  list = undefined;
  admin?.stop();
  admin = undefined;
  byId('app').hidden = true;
  byId('account').hidden = true;
  byId('sign-in').hidden = false;
  const error = byId('sign-in-error');
  error.textContent = message ?? '';
  error.hidden = !message;
  announce(message ?? '');
  void signInOptions.then((options) => (byId('dev-form').hidden = !options.dev_sign_in));
}

/** A failure of any call: an expired sign-in sends the user back to sign in, the rest are announced. */
function report(error: unknown): void {
  if (error instanceof ApiError && error.status === 401) {
    session.signOut();
    showSignIn(errorSentence(error));
  } else {
    announce(errorSentence(error));
  }
}

async function enter(): Promise<void> {
  const types = await api.types();
  byId('sign-in').hidden = true;
  byId('app').hidden = false;
  byId('account').hidden = false;
  byId('user-label').textContent = `Signed in as ${session.userId}`;
  form = new RequestForm(
    {
      form: byId('request-form'),
      type: byId('export-type'),
      format: byId('format'),
      filters: byId('filter-fields'),
      columns: byId('column-fields'),
      options: byId('option-fields'),
      submit: byId('request-submit'),
      formError: byId('form-error'),
    },
    types,
    (body) => requestExport(body, true),
  );
  list = new ExportList(
    api,
    types,
    {
      list: byId('export-list'),
      empty: byId('list-empty'),
      pager: { nav: byId('pager'), previous: byId('page-previous'), next: byId('page-next'), label: byId('page-label') },
    },
    { action: (action, item) => void act(action, item), finished, error: report },
  );
  await list.load(1);
  if (session.isAdmin) await showAdminView(types);
}

async function showAdminView(types: ExportType[]): Promise<void> {
  admin = new AdminExports(
    api,
    types,
    {
      section: byId('admin-view'),
      filters: byId('admin-filters'),
      status: byId('admin-status'),
      type: byId('admin-type'),
      user: byId('admin-user'),
      summary: byId('admin-summary'),
      table: byId('admin-table'),
      rows: byId('admin-rows'),
      pager: { nav: byId('admin-pager'), previous: byId('admin-previous'), next: byId('admin-next'), label: byId('admin-page-label') },
    },
    { changed: (status) => list?.show(status), announce, error: report },
  );
  await admin.show();
}

async function signIn(token: string): Promise<void> {
  session.signIn(token);
  try {
    await enter();
    announce(`Signed in as ${session.userId}.`);
  } catch (error) {
    session.signOut();
    showSignIn(
      error instanceof ApiError && error.status === 401
        ? 'That token was not accepted: it may have expired. Get a new one and try again.'
        : errorSentence(error),
    );
  }
}

/** From the form (400s stay with the form, next to their fields) or from "Run again". */
async function requestExport(body: ExportRequestBody, fromForm: boolean): Promise<void> {
  try {
    const accepted = await api.requestExport(body);
    // Before the list is read: a quick export may already be ready then, and that news must come last.
    announce(`Export ${accepted.export_id} requested. It is at the top of My exports.`);
    await list?.load(1, accepted.export_id);
  } catch (error) {
    if (fromForm && error instanceof ApiError && error.status === 400) throw error;
    if (fromForm && !(error instanceof ApiError && error.status === 401)) form?.showFormError(errorSentence(error));
    report(error);
  }
}

const rerunBody = (status: ExportStatus): ExportRequestBody => ({
  export_type: status.export_type,
  format: status.format,
  filters: status.filters,
  ...(status.columns ? { columns: status.columns } : {}),
  ...(status.compression ? { compression: status.compression } : {}),
  ...(status.csv ? { csv: status.csv } : {}),
});

/** Through a short-lived signed link, so the browser streams the file to disk. */
async function download(item: ExportItem): Promise<void> {
  const link = await api.downloadLink(item.id);
  const anchor = h('a', { href: link.url, download: '', hidden: true });
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  announce(`Downloading ${item.name}.`);
}

async function act(action: ItemAction, item: ExportItem): Promise<void> {
  try {
    switch (action) {
      case 'download':
        return await download(item);
      case 'cancel':
        if (!window.confirm(`Cancel "${item.name}"? The rows written so far are discarded.`)) return;
        return statusChanged(await api.cancel(item.id));
      case 'run-again':
        return await requestExport(rerunBody(item.status), false);
    }
  } catch (error) {
    report(error);
  }
}

/** A new status of an export, for every view of it on the page. */
function statusChanged(status: ExportStatus): void {
  list?.show(status);
  admin?.update(status);
}

function finished(item: ExportItem): void {
  admin?.update(item.status);
  const { status, error } = item.status;
  switch (status) {
    case 'COMPLETED':
      if (document.hidden) document.title = `(${++unseenReady}) ready · ${TITLE}`;
      if (item.status.processed_records === 0) {
        return announce(`${item.name} is ready but has no rows: nothing matches its filters. Change the filters and request it again.`);
      }
      return announce(`${item.name} is ready to download.`, item);
    case 'FAILED':
      return announce(`${item.name} failed: ${error ?? 'no reason was given'}`);
    case 'CANCELLED':
      return announce(`${item.name} was cancelled.`);
    case 'EXPIRED':
      return announce(`${item.name} has expired: run it again to get the file.`);
    case 'PENDING':
    case 'PROCESSING':
      return;
  }
}

byId('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void signIn(byId<HTMLTextAreaElement>('token-input').value);
});
byId('dev-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void api
    .devToken(byId<HTMLInputElement>('dev-user').value.trim() || 'demo')
    .then(signIn)
    .catch((error: unknown) => showSignIn(errorSentence(error)));
});
byId('sign-out').addEventListener('click', () => {
  session.signOut();
  showSignIn();
  announce('Signed out.');
});
noticeDownload.addEventListener('click', () => void (readyExport && act('download', readyExport)));
document.addEventListener('visibilitychange', () => {
  if (document.hidden) return;
  unseenReady = 0;
  document.title = TITLE;
});

void signInOptions.then((options) => (byId('dev-server-notice').hidden = !options.development));
if (session.current) {
  enter().catch((error: unknown) => {
    if (error instanceof ApiError && error.status === 401) session.signOut();
    showSignIn(errorSentence(error));
  });
} else {
  showSignIn();
}
