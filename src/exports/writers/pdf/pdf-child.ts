import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { PDF_OUTPUT_FD } from './protocol';

const STDERR_TAIL = 2000;
const WRITERS_DIR = join('dist', 'src', 'exports', 'writers');

/**
 * A compiled child script, by its path under writers/. Under jest this file is TypeScript and a
 * .ts child cannot be forked, so it falls back to the build output (the test run builds dist/ first).
 */
function childScript(script: string): string {
  const candidates = [join(__dirname, '..', script), join(__dirname, '..', '..', '..', '..', WRITERS_DIR, script)];
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error(`PDF child script not found (looked for ${candidates.join(', ')}); run npm run build`);
  return found;
}

export interface PdfChildOptions {
  /** 'renderer' or 'assembler', for error messages. */
  role: string;
  /** Path under writers/ of the compiled script. */
  script: string;
  heapMb: number;
  /** Whether the child writes the PDF to fd 4 (see `output`). */
  output?: boolean;
  onMessage: (message: unknown) => void;
  /** The error to fail with when the child dies before `release()`. */
  crashError: (code: number | null, signal: NodeJS.Signals | null, stderr: string) => Error;
}

/** A forked PDF child with advanced (structured clone) IPC, so PDF bytes travel as binary. */
export class PdfChild {
  readonly role: string;
  /** Resolves when the child exits cleanly after `release()`; rejects on any other exit. */
  readonly exited: Promise<void>;
  /** The PDF bytes (only with `output`). */
  readonly output?: Readable;
  private readonly child: ChildProcess;
  private stderr = '';
  private released = false;

  constructor(options: PdfChildOptions) {
    this.role = options.role;
    // stdout is ignored so that stray logging cannot corrupt anything; the PDF has its own pipe.
    this.child = fork(childScript(options.script), options.output ? [String(PDF_OUTPUT_FD)] : [], {
      execArgv: [`--max-old-space-size=${options.heapMb}`],
      stdio: options.output ? ['ignore', 'ignore', 'pipe', 'ipc', 'pipe'] : ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    if (options.output) {
      const output = this.child.stdio[PDF_OUTPUT_FD];
      if (!(output instanceof Readable)) {
        this.kill();
        throw new Error(`PDF ${this.role} output pipe is missing`);
      }
      this.output = output;
    }
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_TAIL);
    });
    this.child.on('message', options.onMessage);
    this.exited = new Promise<void>((resolve, reject) => {
      this.child.once('error', (error) => reject(new Error(`PDF ${this.role} failed to start: ${error.message}`)));
      this.child.once('exit', (code, signal) => {
        if (code === 0 && this.released) resolve();
        else reject(options.crashError(code, signal, this.stderr));
      });
    });
  }

  /**
   * Resolves once the message is handed to the IPC channel, so a slow child holds the caller back.
   * A closed channel means the child is exiting: `exited` gives the real reason.
   */
  send(message: object): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.child.connected) this.child.send(message, (error) => error ?? resolve());
    });
  }

  /** Lets the child exit: it has sent all it will. */
  release(): void {
    this.released = true;
    if (this.child.connected) this.child.disconnect();
  }

  /** Lets the child finish on its own (it disconnects itself), as a clean exit. */
  expectExit(): void {
    this.released = true;
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}
