import { UsageError } from '../cli-errors';

/** An export id argument: a whole number. */
export function parseExportId(value: string | undefined): number {
  if (!value || !/^\d{1,10}$/.test(value)) throw new UsageError('An export id (a whole number) is required');
  return Number(value);
}
