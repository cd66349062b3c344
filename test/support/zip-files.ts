import { execFileSync } from 'node:child_process';

/** One entry as Info-ZIP's `unzip -Zl` lists it. */
export interface ZipListing {
  name: string;
  size: number;
  compressedSize: number;
}

/** `unzip -t`'s report; throws (with unzip's output) unless every entry tests OK. */
export function unzipTest(path: string): string {
  return execFileSync('unzip', ['-t', path], { encoding: 'utf8' });
}

/** The archive's entries, from its central directory as `unzip -Zl` reads it. */
export function zipEntries(path: string): ZipListing[] {
  const lines = execFileSync('unzip', ['-Zl', path], { encoding: 'utf8' }).split('\n');
  // -rw-r--r--  6.3 unx     1234 t-     567 defN 24-Jan-01 12:00 name
  return lines.flatMap((line) => {
    const match = /^\S{10}\s+\S+\s+\S+\s+(\d+)\s+\S+\s+(\d+)\s+\S+\s+\S+\s+\S+\s+(.+)$/.exec(line);
    return match ? [{ size: Number(match[1]), compressedSize: Number(match[2]), name: match[3] }] : [];
  });
}

/** One entry's bytes, extracted by `unzip -p`. */
export function unzipEntry(path: string, name: string): Buffer {
  return execFileSync('unzip', ['-p', path, name], { maxBuffer: 1 << 30 });
}

/** Python's zipfile, a second independent reader: every entry's CRC checks out (`testzip`), and the names. */
export function pythonZipNames(path: string): string[] {
  const script = 'import json, sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nprint(json.dumps(z.namelist()))';
  return JSON.parse(execFileSync('python3', ['-c', script, path], { encoding: 'utf8' })) as string[];
}
