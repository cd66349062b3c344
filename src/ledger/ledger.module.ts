import { Module } from '@nestjs/common';
import { LedgerBalancesExportQuery } from './ledger-balances-export.query';
import { LedgerPostingsExportQuery } from './ledger-postings-export.query';

@Module({ providers: [LedgerPostingsExportQuery, LedgerBalancesExportQuery] })
export class LedgerModule {}
