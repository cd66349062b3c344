import { isSpanContextValid, trace } from '@opentelemetry/api';

/** A pino `mixin`: the active span's ids on every log line, so a line leads to its trace and back. */
export function traceLogFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getActiveSpan()?.spanContext();
  return span && isSpanContextValid(span) ? { trace_id: span.traceId, span_id: span.spanId } : {};
}
