import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { Attributes, Span } from '@opentelemetry/api';
import type { ExportJob } from '../exports/export-job.entity';

const tracer = trace.getTracer('exports');

/** What identifies an export on a span: search a tracing backend by `export.id`. */
export function exportAttributes(job: Pick<ExportJob, 'id' | 'export_type' | 'format' | 'compression'>): Attributes {
  return {
    'export.id': job.id,
    'export.type': job.export_type,
    'export.format': job.format,
    'export.compression': job.compression ?? 'none',
  };
}

/** Adds attributes to the span of the work in progress (the HTTP request, say); nothing when tracing is off. */
export function annotateActiveSpan(attributes: Attributes): void {
  trace.getActiveSpan()?.setAttributes(attributes);
}

/** Runs `work` in a new active span that ends with it, marked as an error if it throws. */
export function inSpan<T>(name: string, attributes: Attributes, work: (span: Span) => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      recordFailure(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * Consecutive phases of one piece of work, one span each, children of the active span:
 * `begin` ends the phase before, so phases mark up straight-line code without wrapping it.
 */
export class SpanPhases {
  private current?: Span;

  begin(name: string): void {
    this.end();
    this.current = tracer.startSpan(name);
  }

  annotate(attributes: Attributes): void {
    this.current?.setAttributes(attributes);
  }

  end(attributes: Attributes = {}): void {
    this.current?.setAttributes(attributes);
    this.current?.end();
    this.current = undefined;
  }

  fail(error: unknown): void {
    if (this.current) recordFailure(this.current, error);
    this.end();
  }

  /**
   * `items` as they are, adding the time spent waiting for each to the current phase as
   * `attribute` (ms): in a phase that reads and writes, how much of it was reading.
   */
  timed<T>(items: AsyncIterable<T>, attribute: string): AsyncIterable<T> {
    const span = this.current;
    return span?.isRecording() ? timedIterable(items, (ms) => span.setAttribute(attribute, Math.round(ms))) : items;
  }
}

async function* timedIterable<T>(items: AsyncIterable<T>, report: (ms: number) => void): AsyncGenerator<T> {
  let waited = 0;
  let asked = performance.now();
  try {
    for await (const item of items) {
      waited += performance.now() - asked;
      yield item;
      asked = performance.now();
    }
  } finally {
    report(waited);
  }
}

function recordFailure(span: Span, error: unknown): void {
  const exception = error instanceof Error ? error : new Error(String(error));
  span.recordException(exception);
  span.setStatus({ code: SpanStatusCode.ERROR, message: exception.message });
}
