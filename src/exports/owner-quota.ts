import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type Database from 'better-sqlite3';
import { DataSource } from 'typeorm';
import type { EntityManager, InsertQueryBuilder, ObjectLiteral, SelectQueryBuilder, UpdateQueryBuilder } from 'typeorm';

/**
 * A write allowed only while the owner holds fewer than `cap` of the rows `held` selects: an insert
 * of a new row, or an update that makes one of the owner's rows count again (a retry).
 */
export interface CappedWrite {
  ownerId: string;
  cap: number;
  /** The owner's rows that count against the cap. */
  held(manager: EntityManager): SelectQueryBuilder<ObjectLiteral>;
  write(manager: EntityManager): InsertQueryBuilder<ObjectLiteral> | UpdateQueryBuilder<ObjectLiteral>;
}

/** `insertId`: the generated key of an inserted row, when its table generates one; `affected`: rows written. */
export type CappedWriteOutcome = { written: true; insertId: number; affected: number } | { written: false; held: number };

const countOf = (op: CappedWrite, manager: EntityManager): SelectQueryBuilder<ObjectLiteral> => op.held(manager).select('COUNT(*)', 'n');

/**
 * Count-then-write against a per-owner cap, atomic against every other request of the same owner,
 * in this process or another: without it, 20 parallel requests all count 0 and all insert.
 */
@Injectable()
export class OwnerQuota {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async writeWithinCap(op: CappedWrite): Promise<CappedWriteOutcome> {
    const { type } = this.dataSource.options;
    if (type === 'mysql') return this.writeLockingOwnerRow(op);
    if (type === 'better-sqlite3') return this.writeImmediately(op);
    throw new Error(`OwnerQuota does not support ${type}`);
  }

  /**
   * MySQL: one transaction holding the owner's row of export_owner_locks, so the owner's next request
   * waits at its SELECT ... FOR UPDATE until this one has committed. READ COMMITTED: the count reads
   * whatever is committed when it runs, never a snapshot older than the lock.
   */
  private async writeLockingOwnerRow(op: CappedWrite): Promise<CappedWriteOutcome> {
    // In its own statement: two transactions both creating a new owner's row would deadlock on it.
    await this.dataSource.query('INSERT INTO export_owner_locks (user_id) VALUES (?) ON DUPLICATE KEY UPDATE user_id = user_id', [
      op.ownerId,
    ]);
    return this.dataSource.transaction('READ COMMITTED', async (manager) => {
      await manager.query('SELECT user_id FROM export_owner_locks WHERE user_id = ? FOR UPDATE', [op.ownerId]);
      const held = Number((await countOf(op, manager).getRawOne<{ n: number | string }>())?.n ?? 0);
      if (held >= op.cap) return { written: false, held };
      // mysql2 answers an INSERT and an UPDATE alike.
      const { insertId, affectedRows } = (await op.write(manager).execute()).raw as { insertId: number; affectedRows: number };
      return { written: true, insertId: Number(insertId), affected: affectedRows };
    });
  }

  /**
   * SQLite: TypeORM shares one connection among all requests, so a transaction opened there would
   * take in whatever other requests run meanwhile. Instead the count and the write run synchronously
   * in one BEGIN IMMEDIATE: nothing else in this process can run between them, and other processes
   * wait for the database's write lock.
   */
  private async writeImmediately(op: CappedWrite): Promise<CappedWriteOutcome> {
    const db = (this.dataSource.driver as unknown as { databaseConnection: Database.Database }).databaseConnection;
    const [countSql, countParams] = countOf(op, this.dataSource.manager).getQueryAndParameters() as [string, unknown[]];
    const [writeSql, writeParams] = op.write(this.dataSource.manager).getQueryAndParameters() as [string, unknown[]];
    // Between another request's BEGIN and COMMIT (TypeORM's save), ours would become a savepoint of its transaction.
    while (db.inTransaction) await yieldToEventLoop();
    return db
      .transaction((): CappedWriteOutcome => {
        const held = Number(
          db
            .prepare(countSql)
            .pluck()
            .get(...countParams),
        );
        if (held >= op.cap) return { written: false, held };
        const { lastInsertRowid, changes } = db.prepare(writeSql).run(...writeParams);
        return { written: true, insertId: Number(lastInsertRowid), affected: changes };
      })
      .immediate();
  }
}
