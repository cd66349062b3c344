import { loggableUrl } from '../loggable-url';

describe(loggableUrl.name, () => {
  it.each([
    ['/api/exports/1/status', '/api/exports/1/status'],
    ['/api/exports/my-exports?page=2&per_page=10', '/api/exports/my-exports?page=2&per_page=10'],
    ['/api/exports/1/file?expires=1764431234&signature=3q2-7w', '/api/exports/1/file?expires=1764431234'],
    ['/api/exports/1/events?token=eyJzdWIi.Qm9f', '/api/exports/1/events'],
    ['/admin/queues?TOKEN=a.b.c&x=1', '/admin/queues?x=1'],
    ['/api/exports/1/file?sig%6Eature=abc&expires=1', '/api/exports/1/file?expires=1'],
    [
      '/exports/1.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=K%2F20261201&X-Amz-Signature=ab12&response-content-type=text%2Fcsv',
      '/exports/1.csv?response-content-type=text%2Fcsv',
    ],
    ['/api/x?%E0%A4%A=1&token=t', '/api/x?%E0%A4%A=1'],
  ])('logs %s as %s', (url, logged) => {
    expect(loggableUrl(url)).toBe(logged);
  });
});
