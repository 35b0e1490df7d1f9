// The platform's limits on `_headers` and `_redirects` (workers-shared's
// constants): rules past them are reported as invalid and skipped.
export const MAX_LINE_LENGTH = 2000;
export const MAX_HEADER_RULES = 100;
export const MAX_DYNAMIC_REDIRECT_RULES = 100;
export const MAX_STATIC_REDIRECT_RULES = 2000;
export const REDIRECT_STATUSES = new Set([200, 301, 302, 303, 307, 308]);
/** What the asset server sends for a file unless `_headers` says otherwise. */
export const DEFAULT_CACHE_CONTROL = "public, max-age=0, must-revalidate";
/** Files in the assets directory that are configuration, never served. */
export const DEFAULT_IGNORES = ["/.assetsignore", "/_redirects", "/_headers"];
/** The largest asset the platform takes (wrangler refuses to upload a larger one). */
export const MAX_ASSET_SIZE = 25 * 1024 * 1024;
