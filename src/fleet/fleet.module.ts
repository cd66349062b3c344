import { DomainModule } from '../database/domain-module';
import { Driver } from './driver.entity';
import { fleetSeed } from './fleet.seed';
import { Medallion } from './medallion.entity';
import { FleetSchema1765100000000 } from './migrations/1765100000000-fleet-schema';
import { FleetBinaryKeys1766000000000 } from './migrations/1766000000000-fleet-binary-keys';
import { Vehicle } from './vehicle.entity';

/** The fleet's reference data (drivers, medallions, cabs) that every other domain's rows point to. */
@DomainModule({
  entities: [Driver, Medallion, Vehicle],
  migrations: [FleetSchema1765100000000, FleetBinaryKeys1766000000000],
  seed: fleetSeed,
})
export class FleetModule {}
