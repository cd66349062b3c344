import { DomainModule } from '../database/domain-module';
import { PvbSchema1764400000002 } from './migrations/1764400000002-pvb-schema';
import { PvbFleetReferences1765100000002 } from './migrations/1765100000002-pvb-fleet-references';
import { PvbExportQuery } from './pvb-export.query';
import { PvbViolation } from './pvb-violation.entity';
import { pvbSeed } from './pvb.seed';

@DomainModule({
  entities: [PvbViolation],
  migrations: [PvbSchema1764400000002, PvbFleetReferences1765100000002],
  seed: pvbSeed,
  providers: [PvbExportQuery],
})
export class PvbModule {}
