import { DomainModule } from '../database/domain-module';
import { LedgerBalancesExportQuery } from './ledger-balances-export.query';
import { LedgerPosting } from './ledger-posting.entity';
import { LedgerPostingsExportQuery } from './ledger-postings-export.query';
import { ledgerSeed } from './ledger.seed';
import { LedgerSchema1764400000004 } from './migrations/1764400000004-ledger-schema';
import { LedgerBalancesComputed1765100000004 } from './migrations/1765100000004-ledger-balances-computed';

@DomainModule({
  entities: [LedgerPosting],
  migrations: [LedgerSchema1764400000004, LedgerBalancesComputed1765100000004],
  seed: ledgerSeed,
  providers: [LedgerPostingsExportQuery, LedgerBalancesExportQuery],
})
export class LedgerModule {}
