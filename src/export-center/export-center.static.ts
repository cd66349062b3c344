import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import express from 'express';
import type { Request, Response } from 'express';
import helmet from 'helmet';

export const EXPORT_CENTER_PATH = '/export-center';

/** The page as `npm run build` leaves it: web/public copied beside the compiled web/src. */
export function exportCenterDir(from = __dirname): string {
  // Runs from src/ under jest and from dist/src/ when built: both sit under the package root.
  let dir = from;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist', 'web');
}

/**
 * Serves the Export Center page (public: it signs in through the API). Mounted before the global
 * helmet so the page gets its own strict policy: only its own scripts, styles and API, nothing inline.
 */
export function mountExportCenter(app: INestApplication, dir = exportCenterDir()): void {
  const strictPolicy = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'"],
        'img-src': ["'self'"],
        'connect-src': ["'self'"],
        'font-src': ["'self'"],
        'object-src': ["'none'"],
        'base-uri': ["'none'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
      },
    },
  });
  if (!existsSync(join(dir, 'index.html'))) {
    app.use(EXPORT_CENTER_PATH, strictPolicy, (_req: Request, res: Response) => {
      res.status(503).type('text/plain').send('The Export Center page is not built yet: run `npm run build`.\n');
    });
    return;
  }
  app.use(
    EXPORT_CENTER_PATH,
    strictPolicy,
    express.static(dir, { index: 'index.html', setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache') }),
  );
}
