import { randomBytes } from 'node:crypto';
import { linkSync, lstatSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from './config-error';

/** The same floor as JWT_SECRET's. */
const MIN_LENGTH = 32;

/** Refuses a key another user could have written or can read: whoever knows it signs any token. */
function readOwnKey(file: string): string {
  const stat = lstatSync(file);
  const fix = 'remove it (a new one is generated) or set JWT_SECRET';
  if (!stat.isFile()) throw new ConfigError(`The dev key ${file} is not a regular file: ${fix}`);
  // Windows has neither owners nor modes in this sense (process.getuid is undefined there).
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) {
    throw new ConfigError(`The dev key ${file} belongs to another user (uid ${stat.uid}): ${fix}`);
  }
  if (uid !== undefined && (stat.mode & 0o077) !== 0) {
    const mode = (stat.mode & 0o777).toString(8);
    throw new ConfigError(`The dev key ${file} can be read or written by other users (mode ${mode}): chmod 600 it, or ${fix}`);
  }
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < MIN_LENGTH) throw new ConfigError(`The dev key ${file} is shorter than ${MIN_LENGTH} characters: ${fix}`);
  return secret;
}

/**
 * The generated key of a server without JWT_SECRET, kept in `file` so tokens survive restarts.
 * Written whole under a temporary name, then linked into place (which fails if the file exists):
 * processes starting at once never read a half-written key and all end up with the same one.
 */
export function devJwtSecret(file: string): string {
  try {
    return readOwnKey(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dirname(file), { recursive: true });
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(draft, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
  try {
    linkSync(draft, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(draft);
  }
  return readOwnKey(file);
}
