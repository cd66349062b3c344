import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
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
