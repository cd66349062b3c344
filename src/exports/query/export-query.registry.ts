import { Injectable } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { AuthUser } from '../../auth/auth-user';
import { hasRole } from '../../auth/auth-user';
import { ExportQuery } from './export-query.decorator';
import type { ExportQueryProvider } from './export-query.provider';

const EXPORT_TYPE = /^[A-Z][A-Z0-9_]{0,31}$/;

/** Every export type the domain modules provide; start-up fails on none, a duplicate or an inconsistent one. */
@Injectable()
export class ExportQueryRegistry implements OnModuleInit {
  private readonly providers = new Map<string, ExportQueryProvider>();

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    const found = this.discovery
      .getProviders({ metadataKey: ExportQuery.KEY })
      .map((wrapper) => wrapper.instance as ExportQueryProvider | undefined)
      .filter((instance): instance is ExportQueryProvider => instance !== undefined);
    this.register(found);
  }

  /** Exposed for tests: validates and installs a set of providers. */
  register(providers: ExportQueryProvider[]): void {
    this.providers.clear();
    if (providers.length === 0) throw new Error('No export types: no domain module provides an @ExportQuery()');
    for (const provider of providers) {
      if (this.providers.has(provider.exportType)) {
        throw new Error(`Export type ${provider.exportType} is provided twice`);
      }
      assertConsistent(provider);
      this.providers.set(provider.exportType, provider);
    }
  }

  types(): string[] {
    return [...this.providers.keys()];
  }

  find(exportType: string): ExportQueryProvider | undefined {
    return this.providers.get(exportType);
  }

  get(exportType: string): ExportQueryProvider {
    const provider = this.providers.get(exportType);
    if (!provider) throw new Error(`Unknown export type ${exportType}`);
    return provider;
  }

  all(): ExportQueryProvider[] {
    return [...this.providers.values()];
  }

  /** The types `user` may export: those needing no role, or a role the user has. */
  permitted(user: AuthUser): ExportQueryProvider[] {
    return this.all().filter((provider) => mayExport(user, provider));
  }
}

export function mayExport(user: AuthUser, provider: ExportQueryProvider): boolean {
  return provider.requiredRole === undefined || hasRole(user, provider.requiredRole);
}

function assertConsistent(provider: ExportQueryProvider): void {
  const keys = new Set(provider.columns.map((column) => column.key));
  const filterNames = new Set(provider.filters.map((filter) => filter.name));
  const problem = !EXPORT_TYPE.test(provider.exportType)
    ? 'must be 1-32 upper-case letters, digits or underscores, starting with a letter'
    : provider.columns.length === 0
      ? 'has no columns'
      : keys.size !== provider.columns.length
        ? 'declares a column twice'
        : filterNames.size !== provider.filters.length
          ? 'declares a filter twice'
          : provider.orderBy.length === 0
            ? 'has no order'
            : provider.fileDateFilter && !provider.filters.some((f) => f.name === provider.fileDateFilter && f.kind === 'date')
              ? `names a file date filter ${provider.fileDateFilter} it does not declare`
              : undefined;
  if (problem) throw new Error(`Export type ${provider.exportType} ${problem}`);
}
