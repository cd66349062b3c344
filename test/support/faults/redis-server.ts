import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import Redis from 'ioredis';
import { freePort, waitFor } from '../processes';

/** A `redis-server` of the test's own (no persistence), so it can be killed and started again. */
export interface OwnRedis {
  port: number;
  url: string;
  /** Starts the server on `port`; resolves once it answers PING. */
  start(): Promise<void>;
  /** Kills the server (SIGKILL, like a crash); everything in it is lost, as it keeps nothing on disk. */
  kill(): Promise<void>;
}

async function answersPing(port: number): Promise<boolean> {
  const client = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  let output = '';
  const redis: OwnRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    start: async () => {
      if (child) throw new Error('redis-server is already running');
      output = '';
      const started = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      child = started;
      started.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      started.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      started.once('error', (error) => (output += `could not run redis-server: ${error.message}`));
      started.once('exit', () => {
        if (child === started) child = undefined;
      });
      await waitFor(
        () => answersPing(port),
        10_000,
        () => `redis-server on port ${port} did not start:\n${output}`,
      );
    },
    kill: async () => {
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGKILL');
      await exited;
      child = undefined;
    },
  };
  await redis.start();
  return redis;
}
