import type { Telemetry } from 'bullmq';
import { config as loadDotenv } from 'dotenv';
import type { ProcessRole } from '../app-role';
import { ConfigError } from '../config/config-error';
import { tracesExported } from './otel-env';
import type { TracingSdk, startTracingSdk } from './tracing-sdk';

let sdk: TracingSdk | undefined;
let stopped: Promise<void> | undefined;

/**
 * Starts OpenTelemetry tracing when an OTLP endpoint is configured. Without one no SDK module is
 * loaded at all (spans made through `@opentelemetry/api` are then no-ops). Must run before the
 * modules it instruments (http, express) are loaded: see the entry points' first import.
 */
export function startTracing(role: ProcessRole, env: NodeJS.ProcessEnv = process.env): void {
  if (sdk || !tracesExported(env)) return;
  // Synchronous, to patch modules before they load; here, so that a process without tracing never reads the SDK.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = require('./tracing-sdk') as { startTracingSdk: typeof startTracingSdk };
  sdk = load.startTracingSdk(role, env);
}

/** For the entry points, which start tracing before anything else: a configuration mistake stops the process with its one line. */
export function startTracingOrExit(role: ProcessRole): void {
  // OTEL_* variables may come from .env too, as every other setting can (loadConfig reads it again later).
  loadDotenv({ quiet: true });
  try {
    startTracing(role);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

export function tracingEnabled(): boolean {
  return sdk !== undefined;
}

/** BullMQ `Queue`/`Worker` options that trace jobs across processes when tracing is on; none otherwise. */
export function queueTelemetry(): { telemetry?: Telemetry } {
  return sdk ? { telemetry: sdk.telemetry } : {};
}

/** Sends the spans still buffered and stops tracing; call once running work has drained. */
export function stopTracing(): Promise<void> {
  stopped ??= sdk?.shutdown() ?? Promise.resolve();
  return stopped;
}
