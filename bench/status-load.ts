/**
 * The concurrency benchmark's status load, in a process of its own: autocannon polls
 * `GET /api/exports/{id}/status` round-robin until the parent sends `stop` (or `seconds` pass), then
 * sends back every 2xx response time and exits. On its own event loop, the time autocannon takes to
 * parse responses is not added to the inserter's latencies, nor the inserter's to the polls'.
 *
 * Started by concurrency.ts with `fork`; its settings come as one JSON argument (StatusLoadSettings).
 */
import autocannon from 'autocannon';

export interface StatusLoadSettings {
  port: number;
  token: string;
  ids: number[];
  connections: number;
  /** Requests/s over all connections; 0: unbounded. */
  rate: number;
  seconds: number;
}

export interface StatusLoadReport {
  /** Exact per-response times of 2xx responses, in ms (the result's histogram has 1 ms resolution). */
  samples: number[];
  durationSeconds: number;
  non2xx: number;
  errors: number;
}

function run(settings: StatusLoadSettings): void {
  const samples: number[] = [];
  const instance = autocannon(
    {
      url: `http://127.0.0.1:${settings.port}`,
      connections: settings.connections,
      ...(settings.rate > 0 ? { overallRate: settings.rate } : {}),
      duration: settings.seconds,
      headers: { authorization: `Bearer ${settings.token}` },
      requests: settings.ids.map((id) => ({ method: 'GET' as const, path: `/api/exports/${id}/status` })),
    },
    (error: unknown, result: autocannon.Result) => {
      if (error) {
        console.error(`autocannon failed: ${String(error)}`);
        process.exit(1);
      }
      const report: StatusLoadReport = { samples, durationSeconds: result.duration, non2xx: result.non2xx, errors: result.errors };
      process.send?.(report, () => process.exit(0));
    },
  );
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode >= 200 && statusCode < 300) samples.push(responseTime);
  });
  process.on('message', (message) => {
    if (message === 'stop') instance.stop();
  });
}

run(JSON.parse(process.argv[2] ?? '{}') as StatusLoadSettings);
