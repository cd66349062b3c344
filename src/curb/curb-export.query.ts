import { Injectable } from '@nestjs/common';
import { DeclaredExportQuery } from '../exports/query/declared-export-query';
import { ExportQuery } from '../exports/query/export-query.decorator';
import { FLEET_COLUMNS, FLEET_FILTERS, FLEET_JOINS, FLEET_OPTIONAL_COLUMNS } from '../fleet/fleet-columns';
import { CurbTrip } from './curb-trip.entity';

@ExportQuery()
@Injectable()
export class CurbExportQuery extends DeclaredExportQuery {
  constructor() {
    super({
      exportType: 'CURB',
      title: 'CURB trips',
      entity: CurbTrip,
      columns: ['id', 'trip_id', 'start_time', 'end_time', 'pickup_borough', 'dropoff_borough', 'distance_miles']
        .concat(['fare_amount', 'tip_amount', 'tolls_amount', 'total_amount', 'payment_type', 'status'])
        .concat([...FLEET_COLUMNS, 'created_at']),
      optional: ['id', 'created_at', ...FLEET_OPTIONAL_COLUMNS],
      joins: FLEET_JOINS,
      headers: { start_time: 'Start', end_time: 'End', pickup_borough: 'Pickup', dropoff_borough: 'Dropoff', distance_miles: 'Miles' },
      filters: { date: ['trip_date'], amount: ['amount'], values: ['trip_id', 'payment_type', 'status', ...FLEET_FILTERS] },
      filterColumns: { trip_date: 'start_time', amount: 'total_amount' },
      orderBy: ['start_time', 'id'],
      fileDateFilter: 'trip_date',
    });
  }
}
