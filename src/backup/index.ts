// Public API of src/backup: the scheduled database backup construct and its options.
export { DatabaseBackup } from './database-backup';
export type { BackupOptions, BackupRetention, BackupSource, DatabaseBackupProps, PostgresBackupSource, SqliteBackupSource } from './database-backup';
