import { DomainModule } from '../database/domain-module';
import { EzpassExportQuery } from './ezpass-export.query';
import { EzpassTransaction } from './ezpass-transaction.entity';
import { ezpassSeed } from './ezpass.seed';
import { EzpassSchema1764400000001 } from './migrations/1764400000001-ezpass-schema';
import { EzpassFleetReferences1765100000001 } from './migrations/1765100000001-ezpass-fleet-references';

@DomainModule({
  entities: [EzpassTransaction],
  migrations: [EzpassSchema1764400000001, EzpassFleetReferences1765100000001],
  seed: ezpassSeed,
  providers: [EzpassExportQuery],
})
export class EzpassModule {}
