import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Type } from '@nestjs/common';
import { getMetadataArgsStorage } from 'typeorm';
import { domainEntities } from '../src/database/domain-module';
import { DOMAIN_MODULES } from '../src/domains';
import type { ExportQueryProvider } from '../src/exports/query/export-query.provider';

const ENGINE = 'src/exports';
const repo = dirname(__dirname);

function gitGrep(args: string[]): string[] {
  try {
    return execFileSync('git', ['grep', '-n', '-I', ...args], { cwd: repo, encoding: 'utf8' })
      .trim()
      .split('\n');
  } catch (error) {
    // git grep exits 1 when nothing matches
    if ((error as { status?: number }).status === 1) return [];
    throw error;
  }
}

const exportQueries = (): ExportQueryProvider[] =>
  DOMAIN_MODULES.flatMap((module) => (Reflect.getMetadata('providers', module) ?? []) as Type[])
    .map((provider) => new provider() as Partial<ExportQueryProvider>)
    .filter((provider): provider is ExportQueryProvider => typeof provider.exportType === 'string');

describe('The export engine knows no concrete export type', () => {
  it('finds every domain module’s types and tables to look for', () => {
    expect(exportQueries().length).toBeGreaterThanOrEqual(5);
    expect(domainEntities(DOMAIN_MODULES).length).toBeGreaterThanOrEqual(5);
  });

  it('names none of their types, file stems or tables in any engine file', () => {
    const tables = domainEntities(DOMAIN_MODULES).map(
      (entity) => getMetadataArgsStorage().tables.find((table) => table.target === entity)?.name as string,
    );
    const names = [
      ...new Set(
        exportQueries()
          .flatMap((query) => [query.exportType, query.fileStem])
          .concat(tables),
      ),
    ];
    const pattern = names.map((name) => name.replace(/_/g, '[_ ]?')).join('|');
    // letters around a name end it; digits and underscores do not (`ezpass_2024-01-01.csv` names EZPASS)
    expect(gitGrep(['-i', '-E', `(^|[^a-z])(${pattern})([^a-z]|$)`, '--', ENGINE])).toEqual([]);
  });

  it('imports nothing from a domain module or the list of them', () => {
    const domainFolders = gitGrep(['-l', '@DomainModule(', '--', 'src/*.module.ts']).map((path) =>
      dirname(path.split(':')[0]).replace(/^src\//, ''),
    );
    expect(domainFolders.length).toBeGreaterThanOrEqual(5);
    const imports = gitGrep(['-E', `from '(\\.\\./)+(${domainFolders.join('|')}|domains)(/|')`, '--', ENGINE]);
    expect(imports).toEqual([]);
  });
});

/** Every `.ts` file under `dir`, as paths relative to the repository. */
function sourceFiles(dir: string): string[] {
  return readdirSync(join(repo, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(repo, join(entry.parentPath, entry.name)));
}

/** The repository paths a file's relative imports (static, dynamic, require) point at. */
function importedPaths(file: string): string[] {
  const text = readFileSync(join(repo, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^import\s+)'(\.{1,2}\/[^']*)'/gm)].map(
    (match) => match[1],
  );
  return specifiers.map((specifier) => relative(repo, resolve(repo, dirname(file), specifier)));
}

/** Modules built on the engine: the engine reaches them only through its ports (src/exports/ports). */
const SIBLINGS = ['src/live', 'src/schedules', 'src/notifications', 'src/net', 'src/cli', 'src/ops'];
const DOMAINS = ['src/fleet', 'src/ezpass', 'src/pvb', 'src/curb', 'src/ledger', 'src/domains'];

describe('The export engine depends on no module built on it', () => {
  it('reads the imports of every engine file', () => {
    const files = sourceFiles(ENGINE);
    expect(files.length).toBeGreaterThan(50);
    expect(importedPaths('src/exports/exports.module.ts')).toContain('src/exports/ports/export-events');
  });

  it('imports nothing from live, schedules, notifications, net, the CLI, ops or a domain module', () => {
    const forbidden = [...SIBLINGS, ...DOMAINS];
    const crossings = sourceFiles(ENGINE).flatMap((file) =>
      importedPaths(file)
        .filter((target) =>
          forbidden.some((folder) => target === folder || target.startsWith(`${folder}/`) || target.startsWith(`${folder}.`)),
        )
        .map((target) => `${file} imports ${target}`),
    );
    expect(crossings).toEqual([]);
  });
});
