// Stream's tables in data.sqlite (component "stream"); video, caption and
// watermark bytes are files under stream/. Only what a call can change is
// kept: the rest of a video's details are constants of the local simulation.

/** Forward-only: never edit a shipped entry, append a new one. */
export const STREAM_MIGRATIONS: readonly string[] = [
  `CREATE TABLE stream_videos (
     id TEXT PRIMARY KEY,
     creator TEXT,
     thumbnail_timestamp_pct REAL NOT NULL,
     ready INTEGER NOT NULL,
     meta TEXT NOT NULL,
     created TEXT NOT NULL,
     modified TEXT NOT NULL,
     scheduled_deletion TEXT,
     size INTEGER NOT NULL,
     allowed_origins TEXT NOT NULL,
     require_signed_urls INTEGER NOT NULL,
     uploaded TEXT,
     max_duration_seconds INTEGER,
     blob_id TEXT
   );
   CREATE TABLE stream_captions (
     video_id TEXT NOT NULL,
     language TEXT NOT NULL,
     generated INTEGER NOT NULL,
     label TEXT NOT NULL,
     blob_id TEXT,
     PRIMARY KEY (video_id, language)
   ) WITHOUT ROWID;
   CREATE TABLE stream_downloads (
     video_id TEXT NOT NULL,
     download_type TEXT NOT NULL,
     PRIMARY KEY (video_id, download_type)
   ) WITHOUT ROWID;
   CREATE TABLE stream_watermarks (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     size INTEGER NOT NULL,
     created TEXT NOT NULL,
     downloaded_from TEXT,
     opacity REAL NOT NULL,
     padding REAL NOT NULL,
     scale REAL NOT NULL,
     position TEXT NOT NULL,
     blob_id TEXT NOT NULL
   );`,
];
