import { Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../config/app-config';
import { traceLogFields } from '../tracing/trace-log-fields';
import { tracingEnabled } from '../tracing/tracing';
import { prettyStream, wantsPrettyLogs } from './pretty-logs';
import { REQUEST_LOG_OPTIONS } from './request-log';
import { demoteStartupChatter } from './startup-chatter';

/**
 * Logs through pino: JSON lines with a request id on every line, human-readable on a development
 * terminal. Request lines are small and never carry credentials (see request-log.ts). With tracing
 * on, every line written inside a span carries its `trace_id` and `span_id`.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => {
        const options = {
          ...REQUEST_LOG_OPTIONS,
          level: config.logLevel,
          hooks: { logMethod: demoteStartupChatter },
          ...(tracingEnabled() ? { mixin: traceLogFields } : {}),
        };
        return {
          // path-to-regexp 8 syntax: nestjs-pino's default ('*') is the legacy one, which Nest warns about at start.
          forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
          pinoHttp: wantsPrettyLogs(config, process.stdout) ? [options, await prettyStream()] : options,
        };
      },
    }),
  ],
})
export class LoggingModule {}
