import { startTracingOrExit } from './tracing';

// Imported first by cli.ts: the CLI's HTTP calls and queue adds then start the traces the API and workers continue.
startTracingOrExit('cli');
