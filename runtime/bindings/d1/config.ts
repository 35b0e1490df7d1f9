// A `d1_databases` entry of the wrangler config.
export interface D1DatabaseConfig {
  binding: string;
  database_name?: string;
  database_id?: string;
  preview_database_id?: string;
  migrations_dir?: string;
  migrations_table?: string;
}
