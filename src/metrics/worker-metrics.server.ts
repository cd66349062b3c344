import type { Server } from 'node:http';
import type { INestApplicationContext } from '@nestjs/common';
import cookieParser from 'cookie-parser';
import express from 'express';
import { JwtVerifier } from '../auth/jwt-verifier';
import { adminOnly } from '../ops/admin-auth.middleware';
import { ExportMetrics } from './export-metrics.service';

/** A worker has no HTTP API; this serves its own metrics (durations, rows, memory) for Prometheus. */
export function serveWorkerMetrics(app: INestApplicationContext, port: number): Server {
  const metrics = app.get(ExportMetrics);
  const server = express()
    .disable('x-powered-by')
    .get('/metrics', cookieParser(), adminOnly(app.get(JwtVerifier), '/metrics'), (_req, res, next) => {
      metrics
        .text()
        .then((text) => res.type(metrics.contentType).send(text))
        .catch(next);
    })
    .listen(port);
  return server;
}
