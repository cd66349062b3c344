import type { LogFn, Logger } from 'pino';

/** Nest's start-up lines: one per module, controller and route (about 60), and "starting"/"started". */
const STARTUP_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);
const INFO = 30;

/** Moves Nest's start-up chatter from info to debug, so a start shows the service's own few lines. */
export function demoteStartupChatter(this: Logger, args: Parameters<LogFn>, method: LogFn, level: number): void {
  const [first] = args;
  const context = typeof first === 'object' && first !== null ? (first as { context?: unknown }).context : undefined;
  if (level === INFO && typeof context === 'string' && STARTUP_CONTEXTS.has(context)) return this.debug(...args);
  return method.apply(this, args);
}
