import { sign } from 'jsonwebtoken';
import type { SignOptions } from 'jsonwebtoken';
import { TEST_JWT_SECRET } from './test-env';

export function tokenFor(userId: string, roles: string[] = [], options: SignOptions = {}, secret = TEST_JWT_SECRET): string {
  return sign({ roles }, secret, { subject: userId, expiresIn: '1h', algorithm: 'HS256', ...options });
}

export const bearer = (token: string): { Authorization: string } => ({ Authorization: `Bearer ${token}` });
