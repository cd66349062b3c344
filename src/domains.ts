import { CurbModule } from './curb/curb.module';
import { EzpassModule } from './ezpass/ezpass.module';
import { FleetModule } from './fleet/fleet.module';
import { LedgerModule } from './ledger/ledger.module';
import { PvbModule } from './pvb/pvb.module';

/**
 * Every domain module, one line each. Each brings its entities, migrations, demo data and export
 * types; seeds run in this order (reference data first, derived data last).
 */
export const DOMAIN_MODULES = [FleetModule, EzpassModule, PvbModule, CurbModule, LedgerModule];
