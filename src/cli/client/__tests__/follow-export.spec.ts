import type { ExportStatusDto } from '../../../exports/dto/export-status.dto';
import { ApiError, NetworkError } from '../exports-client';
import type { ExportsClient } from '../exports-client';
import { followExport } from '../follow-export';

const status = (name: string, progress = 0): ExportStatusDto => ({ export_id: 3, status: name, progress }) as unknown as ExportStatusDto;

/** An event stream that sends these statuses, then ends, or breaks off when `breakOff`. */
function eventStream(statuses: ExportStatusDto[], breakOff = false): ReadableStream<Uint8Array> {
  const text = statuses.map((s) => `event: status\ndata: ${JSON.stringify(s)}\n\n`).join('');
  let sent = false;
  return new ReadableStream({
    pull(controller) {
      if (sent) return controller.error(new TypeError('terminated'));
      sent = true;
      controller.enqueue(new TextEncoder().encode(`: keep-alive\n${text}`));
      if (!breakOff) controller.close();
    },
  });
}

/** A client whose events and status answers are scripted, one per call. */
function scriptedClient(events: (() => ReadableStream<Uint8Array>)[], statuses: (() => ExportStatusDto)[]): ExportsClient {
  return {
    events: async () => (events.shift() ?? (() => Promise.reject(new NetworkError('down'))))(),
    status: async () => (statuses.shift() ?? (() => Promise.reject(new NetworkError('down'))))(),
  } as unknown as ExportsClient;
}

async function collect(client: ExportsClient, maxNetworkFailures = 30): Promise<string[]> {
  const seen: string[] = [];
  for await (const update of followExport(client, 3, { pollMs: 1, maxNetworkFailures })) seen.push(`${update.status} ${update.progress}`);
  return seen;
}

describe(followExport.name, () => {
  it('follows the event stream to a final status', async () => {
    const client = scriptedClient([() => eventStream([status('PENDING'), status('PROCESSING', 50), status('COMPLETED', 100)])], []);
    expect(await collect(client)).toEqual(['PENDING 0', 'PROCESSING 50', 'COMPLETED 100']);
  });

  it('polls when the stream breaks off, then goes back to the stream', async () => {
    const client = scriptedClient(
      [() => eventStream([status('PROCESSING', 10)], true), () => eventStream([status('PROCESSING', 60), status('FAILED', 60)])],
      [() => status('PROCESSING', 40)],
    );
    expect(await collect(client)).toEqual(['PROCESSING 10', 'PROCESSING 40', 'PROCESSING 60', 'FAILED 60']);
  });

  it('polls while the stream is refused (too many streams) and ends on the final status polled', async () => {
    const refused = (): ReadableStream<Uint8Array> => {
      throw new ApiError(429, ['Too many live streams']);
    };
    const client = scriptedClient([refused, refused], [() => status('PROCESSING', 20), () => status('COMPLETED', 100)]);
    expect(await collect(client)).toEqual(['PROCESSING 20', 'COMPLETED 100']);
  });

  it('ends with the API error when the export is not there or not the caller’s', async () => {
    const gone = (): ReadableStream<Uint8Array> => {
      throw new ApiError(404, ['Export 3 not found']);
    };
    await expect(collect(scriptedClient([gone], []))).rejects.toThrow('Export 3 not found');
  });

  it('gives up after so many unanswered polls in a row', async () => {
    await expect(collect(scriptedClient([], []), 3)).rejects.toBeInstanceOf(NetworkError);
  });
});
