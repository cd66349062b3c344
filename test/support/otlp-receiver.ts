import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from './processes';

type AttributeValue = string | number | boolean;

/** One span as an OTLP/HTTP JSON request carried it, with its resource's `service.name`. */
export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, AttributeValue>;
  status?: { code?: number; message?: string };
}

export interface OtlpReceiver {
  /** The `OTEL_EXPORTER_OTLP_ENDPOINT` pointing here; the exporters append `/v1/traces`. */
  endpoint: string;
  spans: ReceivedSpan[];
  /** The request bodies as they came, resources included: what left the traced processes. */
  bodies: string[];
  /** Every request received, on any path: a process that must not trace should send none. */
  requests: number;
  waitForSpans(check: (spans: ReceivedSpan[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

interface OtlpKeyValue {
  key: string;
  value: { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean };
}

interface OtlpTraceRequest {
  resourceSpans?: {
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: {
      spans?: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind: number;
        attributes?: OtlpKeyValue[];
        status?: { code?: number; message?: string };
      }[];
    }[];
  }[];
}

function attributesOf(list: OtlpKeyValue[] = []): Record<string, AttributeValue> {
  const entries = list.map(({ key, value }) => {
    const plain = value.stringValue ?? value.boolValue ?? value.doubleValue ?? Number(value.intValue);
    return [key, plain] as const;
  });
  return Object.fromEntries(entries);
}

/** A collector's OTLP/HTTP trace endpoint in miniature: `POST /v1/traces` in the JSON encoding. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const bodies: string[] = [];
  const receiver = { spans, bodies, requests: 0 };
  const server = createServer((req, res) => {
    receiver.requests++;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces' || !String(req.headers['content-type']).startsWith('application/json')) {
        res.writeHead(415).end();
        return;
      }
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      const body = JSON.parse(bodies[bodies.length - 1]) as OtlpTraceRequest;
      for (const resourceSpans of body.resourceSpans ?? []) {
        const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name']);
        for (const scope of resourceSpans.scopeSpans ?? []) {
          for (const span of scope.spans ?? []) {
            spans.push({ ...span, service, parentSpanId: span.parentSpanId || undefined, attributes: attributesOf(span.attributes) });
          }
        }
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    endpoint: `http://127.0.0.1:${port}`,
    waitForSpans: (check: (spans: ReceivedSpan[]) => boolean, timeoutMs = 20_000) =>
      waitFor(
        () => check(spans),
        timeoutMs,
        () => `spans: ${spans.map((span) => `${span.service} ${span.name}`).join(', ')}`,
      ),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
