// The `assets` table of the wrangler config.
export interface AssetsConfig {
  directory?: string;
  binding?: string;
  html_handling?: "auto-trailing-slash" | "force-trailing-slash" | "drop-trailing-slash" | "none";
  not_found_handling?: "single-page-application" | "404-page" | "none";
  run_worker_first?: boolean | string[];
}
