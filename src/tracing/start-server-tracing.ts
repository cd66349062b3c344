import { APP_ROLES } from '../app-role';
import type { AppRole } from '../app-role';
import { startTracingOrExit } from './tracing';

// Imported first by main.ts, so the SDK is in place before http and express load. An unknown role
// is main.ts's to report; tracing then starts under the default role.
const role = process.argv[2] ?? process.env.APP_ROLE;
startTracingOrExit((APP_ROLES as readonly string[]).includes(role ?? '') ? (role as AppRole) : 'all');
