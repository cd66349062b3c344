import type { DestinationStream } from 'pino';
import type { PrettyOptions } from 'pino-pretty';
import type { AppConfig } from '../config/app-config';

/** Human-readable logs for a developer at a terminal; JSON lines in production and into pipes and files. */
export function wantsPrettyLogs(config: Pick<AppConfig, 'env'>, stdout: { isTTY?: boolean }): boolean {
  return config.env === 'development' && stdout.isTTY === true;
}

interface LogLine {
  msg?: string;
  context?: string;
  req?: { method: string; url: string };
  res?: { statusCode: number };
  responseTime?: number;
}

/** `GET /api/exports/1/status 200 4 ms` for requests, `[Context] message` for the rest. */
export function prettyMessage(log: LogLine): string {
  if (log.req && log.res) return `${log.req.method} ${log.req.url} ${log.res.statusCode} ${log.responseTime ?? '?'} ms`;
  return `${log.context ? `[${log.context}] ` : ''}${log.msg ?? ''}`;
}

/** pino-pretty, loaded only when used (it is a development convenience). */
export async function prettyStream(): Promise<DestinationStream> {
  const { default: pretty } = await import('pino-pretty');
  const options: PrettyOptions = {
    colorize: true,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,context,req,res,responseTime,reqId',
    messageFormat: (log) => prettyMessage(log),
  };
  return pretty(options);
}
