/** mysql2 session settings shared by the TypeORM pool, the export read connections and the seeder. */
export const MYSQL_SESSION = { timezone: 'Z', charset: 'utf8mb4', supportBigNumbers: true, bigNumberStrings: true } as const;
