const NUMBER = new Intl.NumberFormat('en-US');

export const count = (n: number): string => NUMBER.format(n);

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  const unit = Math.min(Math.floor(Math.log2(n) / 10), units.length - 1);
  return `${(n / 1024 ** unit).toFixed(1)} ${units[unit]}`;
}

export function duration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
