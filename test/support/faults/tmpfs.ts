import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

function mountCommand(args: string[]): void {
  try {
    execFileSync('mount', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(
      `\`mount ${args.join(' ')}\` failed (${stderr || (error as Error).message}). ` +
        'The disk fault tests need root with CAP_SYS_ADMIN (a privileged container) to mount a small tmpfs.',
    );
  }
}

/** A tmpfs of its own at `dir` (created if needed), so a test can fill it or make it read-only. */
export interface Tmpfs {
  dir: string;
  /** `mount -o remount,<options>`: e.g. `size=64m`, `ro`, `rw`. */
  remount(options: string): void;
  unmount(): void;
}

export function mountTmpfs(dir: string, size: string): Tmpfs {
  mkdirSync(dir, { recursive: true });
  mountCommand(['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', dir]);
  let mounted = true;
  return {
    dir,
    remount: (options) => mountCommand(['-o', `remount,${options}`, dir]),
    unmount: () => {
      if (!mounted) return;
      execFileSync('umount', [dir]);
      mounted = false;
    },
  };
}
