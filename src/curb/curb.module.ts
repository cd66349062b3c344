import { DomainModule } from '../database/domain-module';
import { CurbExportQuery } from './curb-export.query';
import { CurbTrip } from './curb-trip.entity';
import { curbSeed } from './curb.seed';
import { CurbSchema1764400000003 } from './migrations/1764400000003-curb-schema';
import { CurbFleetReferences1765100000003 } from './migrations/1765100000003-curb-fleet-references';

@DomainModule({
  entities: [CurbTrip],
  migrations: [CurbSchema1764400000003, CurbFleetReferences1765100000003],
  seed: curbSeed,
  providers: [CurbExportQuery],
})
export class CurbModule {}
