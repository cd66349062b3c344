import { CurbModule } from './curb/curb.module';
import { EzpassModule } from './ezpass/ezpass.module';
import { LedgerModule } from './ledger/ledger.module';
import { PvbModule } from './pvb/pvb.module';

/** Every domain module; each contributes its export types to the registry. */
export const DOMAIN_MODULES = [EzpassModule, PvbModule, CurbModule, LedgerModule];
