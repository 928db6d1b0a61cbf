import { EntityManager, QueryFailedError } from 'typeorm';

interface PgDriverError {
  code?: string;
  constraint?: string;
}

function driverError(err: unknown): PgDriverError | undefined {
  return err instanceof QueryFailedError ? (err.driverError as PgDriverError) : undefined;
}

/** Whether `err` is a unique violation of this constraint (or unique index), by name. */
export function isUniqueViolation(err: unknown, constraint: string): boolean {
  const e = driverError(err);
  return e?.code === '23505' && e.constraint === constraint;
}

/** Whether `err` is a foreign-key violation of this constraint, by name. */
export function isForeignKeyViolation(err: unknown, constraint: string): boolean {
  const e = driverError(err);
  return e?.code === '23503' && e.constraint === constraint;
}

/** Runs a write inside the caller's transaction and returns how many rows it changed. */
export async function affectedRows(manager: EntityManager, sql: string, params: unknown[]): Promise<number> {
  if (!manager.queryRunner) throw new Error('affectedRows needs a transaction manager');
  return (await manager.queryRunner.query(sql, params, true)).affected ?? 0;
}
