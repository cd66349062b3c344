import { ConfigError } from '../config/config-error';
import type { ProcessRole } from '../app-role';

/** The OTLP/HTTP encodings this service exports in (gRPC is not bundled: collectors take HTTP on 4318). */
export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

/**
 * Traces are exported when an OTLP endpoint is configured (the standard variables), and not
 * switched off with `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none`.
 */
export function tracesExported(env: NodeJS.ProcessEnv): boolean {
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
  return Boolean(endpoint) && env.OTEL_SDK_DISABLED?.trim().toLowerCase() !== 'true' && env.OTEL_TRACES_EXPORTER?.trim() !== 'none';
}

/** `http/protobuf` unless told otherwise, as the OpenTelemetry specification says. */
export function otlpProtocol(env: NodeJS.ProcessEnv): OtlpProtocol {
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL || 'http/protobuf').trim();
  if (!(OTLP_PROTOCOLS as readonly string[]).includes(protocol)) {
    throw new ConfigError(
      `Invalid configuration: OTEL_EXPORTER_OTLP_PROTOCOL must be one of ${OTLP_PROTOCOLS.join(', ')} (got "${protocol}")`,
    );
  }
  return protocol as OtlpProtocol;
}

/** `service.name` when `OTEL_SERVICE_NAME` does not say: one per role, so API and workers tell apart. */
export function defaultServiceName(role: ProcessRole): string {
  switch (role) {
    case 'api':
      return 'exports-api';
    case 'worker':
      return 'exports-worker';
    case 'cli':
      return 'exports-cli';
    case 'all':
      return 'exports';
  }
}
