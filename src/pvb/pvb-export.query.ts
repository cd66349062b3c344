import { Injectable } from '@nestjs/common';
import { DeclaredExportQuery } from '../exports/query/declared-export-query';
import { ExportQuery } from '../exports/query/export-query.decorator';
import { FLEET_COLUMNS, FLEET_FILTERS, FLEET_JOINS, FLEET_OPTIONAL_COLUMNS } from '../fleet/fleet-columns';
import { PvbViolation } from './pvb-violation.entity';

@ExportQuery()
@Injectable()
export class PvbExportQuery extends DeclaredExportQuery {
  constructor() {
    super({
      exportType: 'PVB',
      title: 'Parking violations',
      entity: PvbViolation,
      columns: ['id', 'summons_number', 'issue_date', 'posting_date', 'plate_number', 'plate_state', 'violation_code']
        .concat(['violation_description', 'county', 'street_name', 'fine_amount', 'penalty_amount', 'amount_due'])
        .concat(['status', ...FLEET_COLUMNS, 'created_at']),
      optional: ['id', 'created_at', ...FLEET_OPTIONAL_COLUMNS],
      joins: FLEET_JOINS,
      headers: {
        issue_date: 'Issued',
        plate_number: 'Plate',
        plate_state: 'State',
        violation_code: 'Code',
        violation_description: 'Violation',
      },
      filters: {
        date: ['issue_date', 'posting_date'],
        amount: ['amount'],
        values: ['summons_number', 'plate_number', 'violation_code', 'county', 'status', ...FLEET_FILTERS, 'medallion_owner'],
      },
      filterColumns: { amount: 'amount_due' },
      orderBy: ['issue_date', 'id'],
      fileDateFilter: 'issue_date',
    });
  }
}
