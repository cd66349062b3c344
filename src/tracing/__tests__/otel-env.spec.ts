import { ConfigError } from '../../config/config-error';
import { defaultServiceName, otlpProtocol, tracesExported } from '../otel-env';

describe('OpenTelemetry environment', () => {
  describe(tracesExported.name, () => {
    it('exports traces when an OTLP endpoint is set, for all signals or for traces alone', () => {
      expect(tracesExported({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
      expect(tracesExported({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(true);
    });

    it('exports nothing without an endpoint, or when switched off', () => {
      expect(tracesExported({})).toBe(false);
      expect(tracesExported({ OTEL_EXPORTER_OTLP_ENDPOINT: '' })).toBe(false);
      expect(tracesExported({ OTEL_SERVICE_NAME: 'exports-api', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })).toBe(false);
      expect(tracesExported({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' })).toBe(false);
      expect(tracesExported({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' })).toBe(false);
    });
  });

  describe(otlpProtocol.name, () => {
    it('is http/protobuf unless told otherwise, the traces-only variable first', () => {
      expect(otlpProtocol({})).toBe('http/protobuf');
      expect(otlpProtocol({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })).toBe('http/json');
      expect(otlpProtocol({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' })).toBe(
        'http/protobuf',
      );
    });

    it('refuses gRPC and anything else in one sentence', () => {
      expect(() => otlpProtocol({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(ConfigError);
      expect(() => otlpProtocol({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(
        'Invalid configuration: OTEL_EXPORTER_OTLP_PROTOCOL must be one of http/protobuf, http/json (got "grpc")',
      );
    });
  });

  it('names the service after the role', () => {
    expect([defaultServiceName('api'), defaultServiceName('worker'), defaultServiceName('all'), defaultServiceName('cli')]).toEqual([
      'exports-api',
      'exports-worker',
      'exports',
      'exports-cli',
    ]);
  });
});
