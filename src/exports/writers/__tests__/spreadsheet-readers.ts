import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Debian's interpreter: python3-openpyxl installs for it, not for a python3 that pyenv may put first on PATH. */
const DEBIAN_PYTHON = '/usr/bin/python3';

const OPENPYXL_DUMP = `
import json, sys, openpyxl
book = openpyxl.load_workbook(sys.argv[1], read_only=True)
print(json.dumps([[sheet.title, [list(row) for row in sheet.iter_rows(values_only=True)]] for sheet in book.worksheets], default=str))
`;

/** Every sheet of a workbook as openpyxl reads it: `[title, rows of cell values]`. */
export function openpyxlSheets(path: string): [string, unknown[][]][] {
  return JSON.parse(execFileSync(DEBIAN_PYTHON, ['-c', OPENPYXL_DUMP, path], { encoding: 'utf8' })) as [string, unknown[][]][];
}

/** The first sheet as LibreOffice converts it to CSV (UTF-8), with a profile of its own under `workDir`. */
export function libreOfficeCsv(path: string, workDir: string): string {
  execFileSync(
    'libreoffice',
    [
      `-env:UserInstallation=${pathToFileURL(join(workDir, 'libreoffice-profile')).href}`,
      '--headless',
      '--convert-to',
      // Comma-separated, double quotes, UTF-8 (LibreOffice's encoding number 76).
      'csv:Text - txt - csv (StarCalc):44,34,76',
      '--outdir',
      workDir,
      path,
    ],
    { stdio: 'ignore', timeout: 60_000 },
  );
  return readFileSync(join(workDir, `${basename(path, '.xlsx')}.csv`), 'utf8');
}
