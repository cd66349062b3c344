import type { INestApplication } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import cookieParser from 'cookie-parser';
import { JwtVerifier } from '../auth/jwt-verifier';
import type { AppConfig } from '../config/app-config';
import { EXPORT_QUEUE } from '../exports/jobs/export-queue';
import { adminOnly } from './admin-auth.middleware';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/** Bull Board for the export queue, admins only. Needs BullMQ, so not in the embedded profile. */
export function mountQueueDashboard(app: INestApplication, config: AppConfig): void {
  if (!config.redisUrl) return;
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({ queues: [new BullMQAdapter(app.get<Queue>(getQueueToken(EXPORT_QUEUE)))], serverAdapter });
  app.use(QUEUE_DASHBOARD_PATH, cookieParser(), adminOnly(app.get(JwtVerifier), QUEUE_DASHBOARD_PATH), serverAdapter.getRouter());
}
