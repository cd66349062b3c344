import type { IncomingMessage } from 'node:http';
import { DiagConsoleLogger, diag } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import { diagLogLevelFromString } from '@opentelemetry/core';
import { OTLPTraceExporter as OtlpJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { defaultResource, detectResources, envDetector, hostDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { BullMQOtel } from 'bullmq-otel';
import type { Telemetry } from 'bullmq';
import { servesApi } from '../app-role';
import type { ProcessRole } from '../app-role';
import { packageVersion } from '../cli/version';
import { loggableUrl } from '../logging/loggable-url';
import { defaultServiceName, otlpProtocol } from './otel-env';

/** Probes and scrapes: a trace every few seconds that nobody wants to read. */
const UNTRACED_PATHS = new Set(['/api/health', '/api/metrics', '/metrics']);
/** BullMQ's timers (stalled-job checks, lock renewal, polling): a trace of their own every few seconds per queue. */
const QUEUE_HOUSEKEEPING = /^(startStalledCheckTimer|moveStalledJobsToWait|extendLocks|getNextJob) /;
/** Where the HTTP instrumentations put a URL or its query, as they start a span. */
const URL_ATTRIBUTES = ['url.full', 'url.query', 'http.url', 'http.target'];

/**
 * Spans as they leave the process: URLs without their credentials (signed-link signatures, event
 * stream tokens, presigned S3 parameters: the same ones request logs leave out), and without
 * BullMQ's housekeeping.
 */
class OutgoingSpans implements SpanProcessor {
  constructor(private readonly next: SpanProcessor) {}

  onStart(span: Span, parentContext: Context): void {
    for (const name of URL_ATTRIBUTES) {
      const value = span.attributes[name];
      if (typeof value === 'string') span.setAttribute(name, withoutCredentials(name, value));
    }
    this.next.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    if (!QUEUE_HOUSEKEEPING.test(span.name)) this.next.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.next.shutdown();
  }
}

function withoutCredentials(attribute: string, value: string): string {
  if (attribute !== 'url.query') return loggableUrl(value);
  // A bare query string, with or without its "?" depending on the instrumentation.
  const bare = value.startsWith('?') ? value.slice(1) : value;
  return loggableUrl(`?${bare}`).slice(1);
}

export interface TracingSdk {
  /** BullMQ's `telemetry` option: queue adds and job runs become spans, with the context carried in the job. */
  telemetry: Telemetry;
  shutdown(): Promise<void>;
}

/**
 * The OpenTelemetry trace SDK: spans batched and sent over OTLP/HTTP to the standard
 * `OTEL_EXPORTER_OTLP_*` endpoint, HTTP and fetch (and, where there is one, Express route) instrumentation,
 * W3C trace context. Loaded only by processes that export traces.
 */
export function startTracingSdk(role: ProcessRole, env: NodeJS.ProcessEnv): TracingSdk {
  const protocol = otlpProtocol(env);
  if (env.OTEL_LOG_LEVEL) diag.setLogger(new DiagConsoleLogger(), diagLogLevelFromString(env.OTEL_LOG_LEVEL));

  const version = packageVersion();
  const resource = defaultResource()
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: defaultServiceName(role), [ATTR_SERVICE_VERSION]: version }))
    // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win over the defaults above.
    .merge(detectResources({ detectors: [envDetector, hostDetector] }));
  // Both exporters read the endpoint, headers, timeout and compression from the OTEL_EXPORTER_OTLP_* variables.
  const exporter = protocol === 'http/json' ? new OtlpJsonTraceExporter() : new OtlpProtobufTraceExporter();
  const provider = new NodeTracerProvider({ resource, spanProcessors: [new OutgoingSpans(new BatchSpanProcessor(exporter))] });
  provider.register();

  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request: IncomingMessage) => UNTRACED_PATHS.has(pathOf(request)) }),
      // fetch(): the CLI's calls to the API, whose traces the API continues.
      new UndiciInstrumentation(),
      // Only to name server spans by route (`POST /api/exports/request`); Express's layers get no spans of their own.
      ...(servesApi(role)
        ? [
            new ExpressInstrumentation({
              ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER, ExpressLayerType.REQUEST_HANDLER],
            }),
          ]
        : []),
    ],
  });

  return {
    telemetry: new BullMQOtel('bullmq', version),
    shutdown: async () => {
      unregister();
      await provider.shutdown();
    },
  };
}

function pathOf(request: IncomingMessage): string {
  return (request.url ?? '').split('?', 1)[0];
}
