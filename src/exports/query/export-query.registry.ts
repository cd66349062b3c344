import { Injectable } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { ExportQuery } from './export-query.decorator';
import type { ExportQueryProvider } from './export-query.provider';

/** Every export type the service offers; start-up fails unless each is provided exactly once. */
export const EXPORT_TYPES = ['EZPASS', 'PVB', 'CURB', 'LEDGER_POSTINGS', 'LEDGER_BALANCES'] as const;

@Injectable()
export class ExportQueryRegistry implements OnModuleInit {
  private readonly providers = new Map<string, ExportQueryProvider>();

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    const found = this.discovery
      .getProviders({ metadataKey: ExportQuery.KEY })
      .map((wrapper) => wrapper.instance as ExportQueryProvider | undefined)
      .filter((instance): instance is ExportQueryProvider => instance !== undefined);
    this.register(found, EXPORT_TYPES);
  }

  /** Exposed for tests: validates and installs a set of providers. */
  register(providers: ExportQueryProvider[], required: readonly string[]): void {
    this.providers.clear();
    for (const provider of providers) {
      if (this.providers.has(provider.exportType)) {
        throw new Error(`Export type ${provider.exportType} is provided twice`);
      }
      assertConsistent(provider);
      this.providers.set(provider.exportType, provider);
    }
    const missing = required.filter((type) => !this.providers.has(type));
    if (missing.length > 0) throw new Error(`No export query provider for: ${missing.join(', ')}`);
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
}

function assertConsistent(provider: ExportQueryProvider): void {
  const keys = new Set(provider.columns.map((column) => column.key));
  const problem =
    provider.columns.length === 0
      ? 'has no columns'
      : keys.size !== provider.columns.length
        ? 'declares a column twice'
        : provider.orderBy.length === 0
          ? 'has no order'
          : provider.fileDateFilter && !provider.filters.some((f) => f.name === provider.fileDateFilter && f.kind === 'date')
            ? `names a file date filter ${provider.fileDateFilter} it does not declare`
            : undefined;
  if (problem) throw new Error(`Export type ${provider.exportType} ${problem}`);
}
