/**
 * Helpers shared by the benchmarks: start the production processes (`dist/src/main.js <role>` with
 * the node flags of `npm run start:<role>`), wait until they are ready, read their peak RSS, stop them.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export type Role = 'api' | 'worker';

export const MAIN = join(__dirname, '..', 'src', 'main.js');
export const ROOT = join(__dirname, '..', '..');

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The node flags `npm run start:<role>` uses, so the benchmark measures what production runs. */
export function nodeFlags(role: Role): string[] {
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  return scripts[`start:${role}`].split(/\s+/).filter((token) => token.startsWith('--'));
}

/** Stdout is piped (for `waitWorkerReady`); whoever does not read it must `resume()` it. */
export function start(role: Role, env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [...nodeFlags(role), MAIN, role], { env, stdio: ['ignore', 'pipe', 'inherit'] });
}

/** The worker logs one line when it listens on the queue; requests made before would time its start-up. */
export async function waitWorkerReady(worker: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const stdout = worker.stdout;
  if (!stdout) throw new Error('worker stdout is not piped');
  let output = '';
  let onData: ((chunk: Buffer) => void) | undefined;
  let onExit: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      onData = (chunk: Buffer): void => {
        output += chunk.toString();
        if (output.includes('Export worker')) resolve();
      };
      onExit = (): void => reject(new Error(`worker exited during start-up: ${output}`));
      timer = setTimeout(() => reject(new Error(`worker not ready after ${timeoutMs} ms: ${output}`)), timeoutMs);
      stdout.on('data', onData);
      worker.once('exit', onExit);
    });
  } finally {
    clearTimeout(timer);
    if (onData) stdout.off('data', onData);
    if (onExit) worker.off('exit', onExit);
    // Keep draining: a full pipe would block the worker's logging.
    stdout.resume();
  }
}

export async function waitHealthy(port: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => undefined))?.ok) return;
    await sleep(100);
  }
  throw new Error('API did not become healthy');
}

/** Peak resident set size (VmHWM) of a live process, in MB. */
export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

/** SIGTERM, then SIGKILL if the process has not exited within `graceMs`. */
export async function stop(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((sorted.length * p) / 100) - 1))];
}

/** CPU time (user + system) a live process has used so far, in seconds (Linux clock ticks of 10 ms). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU time the local database server (mariadbd or mysqld) has used so far; NaN when none runs on this machine. */
export function mariadbCpuSeconds(): number {
  const server = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .find((pid) => {
      try {
        return ['mariadbd', 'mysqld'].includes(readFileSync(`/proc/${pid}/comm`, 'utf8').trim());
      } catch {
        return false;
      }
    });
  return server ? cpuSeconds(Number(server)) : Number.NaN;
}

/** Machine-wide CPU counters from /proc/stat, in clock ticks: busy excludes idle and iowait. */
export function machineCpu(): { busy: number; total: number } {
  const values = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
  const total = values.reduce((sum, value) => sum + value, 0);
  return { busy: total - values[3] - values[4], total };
}
