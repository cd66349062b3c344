import { DiscoveryService } from '@nestjs/core';

/**
 * Registers a provider class as an export type. The class implements `ExportQueryProvider`;
 * `ExportQueryRegistry` discovers it at start-up, so adding a type needs only its own module.
 */
export const ExportQuery = DiscoveryService.createDecorator<void>();
