import { Table, TableIndex } from 'typeorm';
import type { MigrationInterface, QueryRunner, TableColumnOptions } from 'typeorm';

type ColumnSpec = [name: string, type: string, options?: Partial<TableColumnOptions>];

const id: ColumnSpec = ['id', 'integer', { isPrimary: true, isGenerated: true, generationStrategy: 'increment' }];
const varchar = (name: string, length: number, nullable = false): ColumnSpec => [
  name,
  'varchar',
  { length: String(length), isNullable: nullable },
];
const money = (name: string, precision = 10): ColumnSpec => [name, 'decimal', { precision, scale: 2 }];
const fleetRefs: ColumnSpec[] = [varchar('driver_id', 16, true), varchar('medallion_no', 8, true), varchar('vin', 17, true)];

function table(name: string, columns: ColumnSpec[], indices: { columns: string[]; unique?: boolean }[]): Table {
  return new Table({
    name,
    columns: columns.map(([column, type, options]) => ({ name: column, type, ...options })),
    indices: indices.map(
      (index) => new TableIndex({ name: `IDX_${name}_${index.columns.join('_')}`, columnNames: index.columns, isUnique: index.unique }),
    ),
  });
}

const single = (...names: string[]) => names.map((name) => ({ columns: [name] }));

/** Portable schema (TypeORM Table API) so the same migration runs on MySQL/MariaDB and SQLite. */
export class InitialSchema1764400000000 implements MigrationInterface {
  name = 'InitialSchema1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const tables = [
      table(
        'ezpass_transactions',
        [
          id,
          varchar('transaction_id', 32),
          ['transaction_date', 'datetime'],
          ['posting_date', 'date'],
          varchar('plate_number', 16),
          varchar('plate_state', 2),
          varchar('tag_number', 20),
          varchar('agency', 16),
          varchar('entry_plaza', 48),
          varchar('exit_plaza', 48, true),
          varchar('vehicle_class', 8),
          money('amount'),
          varchar('status', 24),
          ...fleetRefs,
          ['created_at', 'datetime'],
        ],
        [
          { columns: ['transaction_id'], unique: true },
          { columns: ['posting_date', 'id'] },
          ...single('transaction_date', 'plate_number', 'entry_plaza', 'status', 'driver_id', 'medallion_no', 'vin'),
        ],
      ),
      table(
        'pvb_violations',
        [
          id,
          varchar('summons_number', 16),
          varchar('plate_number', 16),
          varchar('plate_state', 2),
          varchar('violation_code', 4),
          varchar('violation_description', 64),
          ['issue_date', 'datetime'],
          ['posting_date', 'date', { isNullable: true }],
          varchar('county', 16),
          varchar('street_name', 64),
          money('fine_amount'),
          money('penalty_amount'),
          money('amount_due'),
          varchar('status', 24),
          ...fleetRefs,
          ['created_at', 'datetime'],
        ],
        [
          { columns: ['summons_number'], unique: true },
          { columns: ['issue_date', 'id'] },
          ...single('posting_date', 'plate_number', 'violation_code', 'county', 'status', 'driver_id', 'medallion_no', 'vin'),
        ],
      ),
      table(
        'curb_trips',
        [
          id,
          varchar('trip_id', 24),
          ['start_time', 'datetime'],
          ['end_time', 'datetime'],
          varchar('pickup_borough', 16),
          varchar('dropoff_borough', 16),
          ['distance_miles', 'decimal', { precision: 6, scale: 2 }],
          money('fare_amount'),
          money('tip_amount'),
          money('tolls_amount'),
          money('total_amount'),
          varchar('payment_type', 12),
          varchar('status', 16),
          ...fleetRefs,
          ['created_at', 'datetime'],
        ],
        [
          { columns: ['trip_id'], unique: true },
          { columns: ['start_time', 'id'] },
          ...single('payment_type', 'status', 'driver_id', 'medallion_no', 'vin'),
        ],
      ),
      table(
        'ledger_postings',
        [
          id,
          varchar('posting_id', 24),
          ['posting_date', 'datetime'],
          varchar('category', 16),
          varchar('entry_type', 6),
          money('amount', 12),
          varchar('status', 16),
          varchar('reference_type', 24),
          varchar('reference_id', 32),
          varchar('description', 128),
          ...fleetRefs,
          ['created_at', 'datetime'],
        ],
        [
          { columns: ['posting_id'], unique: true },
          { columns: ['posting_date', 'id'] },
          ...single('category', 'entry_type', 'status', 'reference_id', 'driver_id', 'medallion_no', 'vin'),
        ],
      ),
      table(
        'ledger_balances',
        [
          id,
          varchar('driver_id', 16, true),
          varchar('driver_name', 64, true),
          varchar('medallion_no', 8, true),
          varchar('vin', 17, true),
          varchar('category', 16),
          money('total_debits', 14),
          money('total_credits', 14),
          money('balance', 14),
          ['posting_count', 'int'],
          ['first_posting_date', 'datetime', { isNullable: true }],
          ['last_posting_date', 'datetime', { isNullable: true }],
          ['updated_at', 'datetime'],
        ],
        [{ columns: ['driver_id', 'medallion_no', 'category', 'id'] }, ...single('medallion_no', 'vin', 'category', 'balance')],
      ),
      table(
        'export_jobs',
        [
          id,
          varchar('user_id', 64),
          varchar('export_type', 32),
          varchar('format', 8),
          ['filters', 'text'],
          ['columns', 'text', { isNullable: true }],
          varchar('status', 16),
          ['progress', 'int', { default: 0 }],
          ['processed_records', 'int', { default: 0 }],
          ['total_records', 'int', { isNullable: true }],
          ['attempts', 'int', { default: 0 }],
          ['error', 'text', { isNullable: true }],
          varchar('file_name', 255, true),
          ['file_size', 'bigint', { isNullable: true }],
          varchar('storage_key', 128, true),
          varchar('claim_token', 36, true),
          varchar('worker_id', 128, true),
          ['heartbeat_at', 'datetime', { isNullable: true }],
          ['created_at', 'datetime'],
          ['started_at', 'datetime', { isNullable: true }],
          ['completed_at', 'datetime', { isNullable: true }],
        ],
        [{ columns: ['user_id', 'id'] }, { columns: ['status', 'heartbeat_at'] }],
      ),
    ];
    for (const t of tables) await queryRunner.createTable(t, true);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const name of ['export_jobs', 'ledger_balances', 'ledger_postings', 'curb_trips', 'pvb_violations', 'ezpass_transactions']) {
      await queryRunner.dropTable(name, true);
    }
  }
}
