import { prettyMessage, wantsPrettyLogs } from '../pretty-logs';

describe(wantsPrettyLogs.name, () => {
  it('is pretty only in development on a terminal', () => {
    expect(wantsPrettyLogs({ env: 'development' }, { isTTY: true })).toBe(true);
    expect(wantsPrettyLogs({ env: 'development' }, { isTTY: false })).toBe(false);
    expect(wantsPrettyLogs({ env: 'development' }, {})).toBe(false);
    expect(wantsPrettyLogs({ env: 'production' }, { isTTY: true })).toBe(false);
    expect(wantsPrettyLogs({ env: 'test' }, { isTTY: true })).toBe(false);
  });
});

describe(prettyMessage.name, () => {
  it('says a request in one short phrase, and other lines with their context', () => {
    expect(
      prettyMessage({ msg: 'request completed', req: { method: 'GET', url: '/api/x' }, res: { statusCode: 200 }, responseTime: 4 }),
    ).toBe('GET /api/x 200 4 ms');
    expect(prettyMessage({ msg: 'export started', context: 'ExportRunner' })).toBe('[ExportRunner] export started');
    expect(prettyMessage({ msg: 'Exports API on http://localhost:8000/api' })).toBe('Exports API on http://localhost:8000/api');
  });
});
