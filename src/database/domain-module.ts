import { Module } from '@nestjs/common';
import type { ModuleMetadata, Type } from '@nestjs/common';
import type { MigrationInterface } from 'typeorm';
import type { DomainSeed } from './seed/domain-seed';

type EntityClass = abstract new (...args: never[]) => object;
type MigrationClass = new () => MigrationInterface;

/** What a domain module owns besides its Nest providers. */
export interface DomainDefinition {
  /** Its tables' TypeORM entities. */
  entities?: readonly EntityClass[];
  /** Its migrations; their timestamps order them among every module's. */
  migrations?: readonly MigrationClass[];
  /** Its demo data for `cli seed`; seeds run in the order of the domain list. */
  seed?: DomainSeed;
}

const DOMAIN = Symbol('exports:domain');

/**
 * A Nest module that is a domain: it owns entities, migrations, a seed contribution and its
 * `@ExportQuery()` providers. The data source, the migration runner, the seeder and the export
 * registry find all of them from the list of domain modules (`src/domains.ts`).
 */
export function DomainModule(definition: DomainDefinition & Pick<ModuleMetadata, 'imports' | 'providers' | 'exports'>): ClassDecorator {
  const { entities, migrations, seed, ...metadata } = definition;
  return (target) => {
    Reflect.defineMetadata(DOMAIN, { entities, migrations, seed }, target);
    Module(metadata)(target);
  };
}

function definitionOf(module: Type): DomainDefinition {
  const definition = Reflect.getMetadata(DOMAIN, module) as DomainDefinition | undefined;
  if (!definition) throw new Error(`${module.name} is not a @DomainModule()`);
  return definition;
}

export const domainEntities = (modules: readonly Type[]): EntityClass[] => modules.flatMap((m) => definitionOf(m).entities ?? []);
export const domainMigrations = (modules: readonly Type[]): MigrationClass[] => modules.flatMap((m) => definitionOf(m).migrations ?? []);
export const domainSeeds = (modules: readonly Type[]): DomainSeed[] =>
  modules.flatMap((m) => (definitionOf(m).seed ? [definitionOf(m).seed as DomainSeed] : []));
