import {
  CancelExportCommand,
  CleanupExportsCommand,
  ExportsCommand,
  InspectExportsCommand,
  ListExportsCommand,
  RetryExportCommand,
} from './exports.command';

export const EXPORT_COMMANDS = [
  ExportsCommand,
  ListExportsCommand,
  InspectExportsCommand,
  RetryExportCommand,
  CancelExportCommand,
  CleanupExportsCommand,
];
