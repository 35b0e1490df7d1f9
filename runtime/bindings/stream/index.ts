// The local Stream binding, as wrangler dev simulates it (miniflare's stream
// plugin): videos, captions, downloads and watermarks live in the store (rows
// in data.sqlite, bytes as files under stream/), so they outlive a restart and
// every process on the store sees them. env.STREAM is a Fetcher whose members
// are RPC calls, as workerd binds it; a video's preview is
// /cdn-cgi/mf/stream/<id>/watch on the dev server, answered by serveWatch().
import path from "node:path";
import type { Database } from "bun:sqlite";
import { ensureSchema, immediateTransaction, type Store } from "../../store/index.ts";
import { RpcTarget } from "../../modules/workers.ts";
import { clonedCapability, localCapability } from "../../rpc/stubs.ts";
import { makeFetcher } from "../service/index.ts";
import { fetchThroughBinding } from "../fetcher.ts";
import { bodySource, openBlobStream, removeBlobs, writeBlob } from "../r2/storage.ts";
import { STREAM_MIGRATIONS } from "./schema.ts";
import { blobDir } from "./recover.ts";
import {
  BadRequestError,
  InvalidURLError,
  NotFoundError,
  checkWatermarkParams,
  comparison,
  languageLabel,
  requireStream,
  requireUrl,
  type WatermarkParams,
} from "./validate.ts";

interface VideoRow {
  id: string;
  creator: string | null;
  thumbnail_timestamp_pct: number;
  ready: number;
  meta: string;
  created: string;
  modified: string;
  scheduled_deletion: string | null;
  size: number;
  allowed_origins: string;
  require_signed_urls: number;
  uploaded: string | null;
  max_duration_seconds: number | null;
  blob_id: string | null;
}

interface CaptionRow {
  language: string;
  generated: number;
  label: string;
}

interface WatermarkRow {
  id: string;
  name: string;
  size: number;
  created: string;
  downloaded_from: string | null;
  opacity: number;
  padding: number;
  scale: number;
  position: string;
}

interface UploadParams {
  creator?: string | null;
  meta?: unknown;
  allowedOrigins?: string[];
  requireSignedURLs?: boolean;
  scheduledDeletion?: string | null;
  thumbnailTimestampPct?: number;
}

interface UpdateParams extends UploadParams {
  maxDurationSeconds?: number;
}

interface ListParams {
  limit?: number;
  before?: string;
  beforeComp?: string;
  after?: string;
  afterComp?: string;
}

/** A generated token is valid for six hours. */
const TOKEN_SECONDS = 360 * 60;
type ResponseBody = ConstructorParameters<typeof Response>[0];
const PLACEHOLDER = "https://customer-placeholder.cloudflarestream.com";
const WATCH = /^\/cdn-cgi\/mf\/stream\/([^/]+)\/watch$/;

const now = () => new Date().toISOString();

// --- Shapes, as the binding returns them --------------------------------------

function videoShape(row: VideoRow, origin: string) {
  const placeholder = `${PLACEHOLDER}/${row.id}`;
  return {
    id: row.id,
    creator: row.creator,
    thumbnail: `${placeholder}/thumbnails/thumbnail.jpg`,
    thumbnailTimestampPct: row.thumbnail_timestamp_pct,
    readyToStream: row.ready === 1,
    readyToStreamAt: null,
    status: { state: row.ready === 1 ? "ready" : "pendingupload", pctComplete: undefined, errorReasonCode: "", errorReasonText: "" },
    meta: JSON.parse(row.meta),
    created: row.created,
    modified: row.modified,
    scheduledDeletion: row.scheduled_deletion,
    size: row.size,
    preview: `${origin}/cdn-cgi/mf/stream/${row.id}/watch`,
    allowedOrigins: JSON.parse(row.allowed_origins),
    requireSignedURLs: row.require_signed_urls === 1,
    uploaded: row.uploaded,
    uploadExpiry: null,
    maxSizeBytes: null,
    maxDurationSeconds: row.max_duration_seconds,
    duration: -1,
    input: { width: 0, height: 0 },
    hlsPlaybackUrl: `${placeholder}/manifest/video.m3u8`,
    dashPlaybackUrl: `${placeholder}/manifest/video.mpd`,
    watermark: null,
    liveInputId: null,
    clippedFromId: null,
    publicDetails: null,
  };
}

const captionShape = (row: CaptionRow) => ({ language: row.language, label: row.label || row.language, generated: row.generated === 1, status: "ready" });

const watermarkShape = (row: WatermarkRow) => ({
  id: row.id,
  name: row.name,
  size: row.size,
  height: 0,
  width: 0,
  created: row.created,
  downloadedFrom: row.downloaded_from,
  opacity: row.opacity,
  padding: row.padding,
  scale: row.scale,
  position: row.position,
});

// --- Storage --------------------------------------------------------------------

/** Bytes of any body type into a new blob file of the store's stream directory. */
async function saveBlob(store: Store, body: unknown): Promise<{ blobId: string; size: number }> {
  const stream = body instanceof ReadableStream ? body : new Response(body as ResponseBody).body;
  return writeBlob(blobDir(store), bodySource(stream, "put"), [], Infinity, () => new RangeError("unreachable: no size limit"));
}

/** One binding's view of the store; `origin` is where previews are served. */
class StreamData {
  constructor(
    readonly store: Store,
    private readonly publicUrl: (() => string | undefined) | undefined,
  ) {}

  get db(): Database {
    return this.store.db;
  }

  origin(): string {
    const url = this.publicUrl?.();
    if (!url) throw new Error("Runtime entry URL is not available. This may be because the worker is not yet ready to accept requests.");
    return new URL(url).origin;
  }

  video(id: string): VideoRow {
    const row = this.db.query("SELECT * FROM stream_videos WHERE id = ?").get(id) as VideoRow | null;
    if (!row) throw new NotFoundError(`Video not found: ${id}`);
    return row;
  }

  async createVideo(body: ReadableStream | null, params: UploadParams): Promise<VideoRow> {
    const id = crypto.randomUUID();
    const created = now();
    const blob = body ? await saveBlob(this.store, body) : undefined;
    this.db
      .query(
        `INSERT INTO stream_videos (id, creator, thumbnail_timestamp_pct, ready, meta, created, modified, scheduled_deletion, size,
           allowed_origins, require_signed_urls, uploaded, max_duration_seconds, blob_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)`,
      )
      .run(
        id,
        params.creator ?? null,
        params.thumbnailTimestampPct ?? 0,
        blob ? 1 : 0,
        JSON.stringify(params.meta ?? {}),
        created,
        created,
        params.scheduledDeletion ?? null,
        blob?.size ?? 0,
        JSON.stringify(params.allowedOrigins ?? []),
        params.requireSignedURLs ? 1 : 0,
        blob ? created : null,
        blob?.blobId ?? null,
      );
    return this.video(id);
  }

  updateVideo(id: string, params: UpdateParams): VideoRow {
    return immediateTransaction(this.db, () => {
      const current = this.video(id);
      if ((typeof params !== "object" && typeof params !== "function") || params === null) {
        throw new TypeError(`Cannot use 'in' operator to search for 'creator' in ${params}`);
      }
      this.db
        .query(
          `UPDATE stream_videos SET modified = ?, creator = ?, meta = ?, allowed_origins = ?, require_signed_urls = ?,
             scheduled_deletion = ?, thumbnail_timestamp_pct = ?, max_duration_seconds = ? WHERE id = ?`,
        )
        .run(
          now(),
          "creator" in params ? (params.creator ?? null) : current.creator,
          params.meta !== undefined ? JSON.stringify(params.meta) : current.meta,
          params.allowedOrigins !== undefined ? JSON.stringify(params.allowedOrigins) : current.allowed_origins,
          params.requireSignedURLs !== undefined ? (params.requireSignedURLs ? 1 : 0) : current.require_signed_urls,
          "scheduledDeletion" in params ? (params.scheduledDeletion ?? null) : current.scheduled_deletion,
          params.thumbnailTimestampPct ?? current.thumbnail_timestamp_pct,
          params.maxDurationSeconds ?? current.max_duration_seconds,
          id,
        );
      return this.video(id);
    });
  }

  deleteVideo(id: string): void {
    const blobs = immediateTransaction(this.db, () => {
      const video = this.video(id);
      const captions = this.db.query("DELETE FROM stream_captions WHERE video_id = ? RETURNING blob_id").all(id) as { blob_id: string | null }[];
      this.db.query("DELETE FROM stream_downloads WHERE video_id = ?").run(id);
      this.db.query("DELETE FROM stream_videos WHERE id = ?").run(id);
      return [video.blob_id, ...captions.map((row) => row.blob_id)].filter((blob): blob is string => blob !== null);
    });
    // After the commit: a kill before this leaves files no row names, which recoverStream removes.
    removeBlobs(blobDir(this.store), blobs);
  }

  listVideos(params: ListParams | undefined): VideoRow[] {
    if (params?.before === undefined && params?.after === undefined) {
      if (params?.limit === undefined) return this.db.query("SELECT * FROM stream_videos ORDER BY created DESC").all() as VideoRow[];
      return this.db.query("SELECT * FROM stream_videos ORDER BY created DESC LIMIT ?").all(params.limit) as VideoRow[];
    }
    const conditions: string[] = [];
    const values: unknown[] = [];
    if (params.before !== undefined) {
      conditions.push(`created ${comparison(params.beforeComp, "lt")} ?`);
      values.push(params.before);
    }
    if (params.after !== undefined) {
      conditions.push(`created ${comparison(params.afterComp, "gte")} ?`);
      values.push(params.after);
    }
    values.push(params.limit ?? 1000);
    return this.db.query(`SELECT * FROM stream_videos WHERE ${conditions.join(" AND ")} ORDER BY created DESC LIMIT ?`).all(...(values as string[])) as VideoRow[];
  }

  /** Sets a caption, replacing the language's earlier one (and its file). */
  putCaption(videoId: string, language: string, generated: boolean, blobId: string | null): CaptionRow {
    const replaced = immediateTransaction(this.db, () => {
      this.video(videoId);
      const label = languageLabel(language);
      const old = this.db.query("SELECT blob_id FROM stream_captions WHERE video_id = ? AND language = ?").get(videoId, language) as { blob_id: string | null } | null;
      this.db
        .query(
          `INSERT INTO stream_captions (video_id, language, generated, label, blob_id) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (video_id, language) DO UPDATE SET generated = excluded.generated, label = excluded.label, blob_id = excluded.blob_id`,
        )
        .run(videoId, language, generated ? 1 : 0, label, blobId);
      return old?.blob_id;
    });
    if (replaced) removeBlobs(blobDir(this.store), [replaced]);
    return this.db.query("SELECT * FROM stream_captions WHERE video_id = ? AND language = ?").get(videoId, language) as CaptionRow;
  }

  listCaptions(videoId: string, language: string | undefined): CaptionRow[] {
    this.video(videoId);
    if (language !== undefined) return this.db.query("SELECT * FROM stream_captions WHERE video_id = ? AND language = ?").all(videoId, language) as CaptionRow[];
    return this.db.query("SELECT * FROM stream_captions WHERE video_id = ? ORDER BY language").all(videoId) as CaptionRow[];
  }

  deleteCaption(videoId: string, language: string): void {
    const row = this.db.query("DELETE FROM stream_captions WHERE video_id = ? AND language = ? RETURNING blob_id").get(videoId, String(language)) as { blob_id: string | null } | null;
    if (!row) throw new NotFoundError(`Caption not found: ${videoId}/${language}`);
    if (row.blob_id) removeBlobs(blobDir(this.store), [row.blob_id]);
  }

  downloads(videoId: string) {
    this.video(videoId);
    const rows = this.db.query("SELECT download_type FROM stream_downloads WHERE video_id = ? ORDER BY download_type").all(videoId) as { download_type: string }[];
    const result: Record<string, { percentComplete: number; status: string; url: undefined }> = {};
    // Made at once locally: every download is complete.
    for (const { download_type } of rows) result[download_type] = { percentComplete: 100, status: "ready", url: undefined };
    return result;
  }

  generateDownload(videoId: string, type: string) {
    this.video(videoId);
    this.db.query("INSERT INTO stream_downloads (video_id, download_type) VALUES (?, ?) ON CONFLICT DO NOTHING").run(videoId, type);
    return this.downloads(videoId);
  }

  deleteDownload(videoId: string, type: string): void {
    const row = this.db.query("DELETE FROM stream_downloads WHERE video_id = ? AND download_type = ? RETURNING video_id").get(videoId, type);
    if (!row) throw new NotFoundError(`Download not found: ${videoId}/${type}`);
  }

  async createWatermark(body: unknown, downloadedFrom: string | null, params: WatermarkParams): Promise<WatermarkRow> {
    const bytes = new Uint8Array(await new Response(body as ResponseBody).arrayBuffer());
    const { blobId, size } = await saveBlob(this.store, bytes);
    const id = crypto.randomUUID();
    this.db
      .query(
        `INSERT INTO stream_watermarks (id, name, size, created, downloaded_from, opacity, padding, scale, position, blob_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, params.name ?? "", size, now(), downloadedFrom, params.opacity ?? 1, params.padding ?? 0.05, params.scale ?? 0.15, params.position ?? "upperRight", blobId);
    return this.watermark(id);
  }

  watermark(id: string): WatermarkRow {
    const row = this.db.query("SELECT * FROM stream_watermarks WHERE id = ?").get(id) as WatermarkRow | null;
    if (!row) throw new NotFoundError(`Watermark not found: ${id}`);
    return row;
  }

  deleteWatermark(id: string): void {
    const row = this.db.query("DELETE FROM stream_watermarks WHERE id = ? RETURNING blob_id").get(id) as { blob_id: string } | null;
    if (!row) throw new NotFoundError(`Watermark not found: ${id}`);
    removeBlobs(blobDir(this.store), [row.blob_id]);
  }
}

/** A video or watermark the binding fetches by URL; failures in the runtime's and miniflare's words. */
async function download(url: string, what: "video" | "watermark"): Promise<Response> {
  requireUrl(url);
  let response: Response;
  try {
    response = await fetch(url);
  } catch {
    throw new Error("Network connection lost.");
  }
  if (!response.ok || response.body === null) throw new InvalidURLError(`Failed to fetch ${what} from URL: ${response.status} ${response.statusText}`);
  return response;
}

// --- The binding's RPC surface ---------------------------------------------------
// Only prototype members are reachable over RPC: the fields below never are.

class Scoped extends RpcTarget {
  constructor(protected readonly data: StreamData) {
    super();
  }
}

/** A video's handle, captions and downloads. */
class VideoScoped extends Scoped {
  constructor(
    data: StreamData,
    protected readonly videoId: string,
  ) {
    super(data);
  }
}

class StreamBinding extends Scoped {
  async upload(urlOrBody: unknown, params?: UploadParams) {
    // Checked first: without a server to name in `preview`, nothing is stored.
    const origin = this.data.origin();
    let body = urlOrBody;
    if (typeof urlOrBody === "string") body = (await download(urlOrBody, "video")).body;
    else if (body !== null) requireStream(body);
    return videoShape(await this.data.createVideo(body as ReadableStream | null, params ?? {}), origin);
  }

  async createDirectUpload() {
    throw new BadRequestError("createDirectUpload is not supported in local mode");
  }

  video(id: string) {
    return new StreamVideoHandle(this.data, id);
  }

  get videos() {
    return new StreamVideos(this.data);
  }

  get watermarks() {
    return new StreamWatermarks(this.data);
  }
}

class StreamVideoHandle extends VideoScoped {
  async details() {
    const row = this.data.video(this.videoId);
    return videoShape(row, this.data.origin());
  }

  async update(params: UpdateParams) {
    const row = this.data.updateVideo(this.videoId, params);
    return videoShape(row, this.data.origin());
  }

  async delete() {
    this.data.deleteVideo(this.videoId);
  }

  async generateToken() {
    this.data.video(this.videoId);
    return btoa(JSON.stringify({ sub: this.videoId, kid: "local-mode-key", exp: Math.floor(Date.now() / 1000) + TOKEN_SECONDS }));
  }

  get downloads() {
    return new StreamDownloads(this.data, this.videoId);
  }

  get captions() {
    return new StreamCaptions(this.data, this.videoId);
  }
}

class StreamCaptions extends VideoScoped {
  async upload(language: string, input: unknown) {
    this.data.video(this.videoId);
    const { blobId } = await saveBlob(this.data.store, input);
    try {
      return captionShape(this.data.putCaption(this.videoId, language, false, blobId));
    } catch (error) {
      removeBlobs(blobDir(this.data.store), [blobId]);
      throw error;
    }
  }

  async generate(language: string) {
    return captionShape(this.data.putCaption(this.videoId, language, true, null));
  }

  async list(language?: string) {
    return this.data.listCaptions(this.videoId, language).map(captionShape);
  }

  async delete(language: string) {
    this.data.deleteCaption(this.videoId, language);
  }
}

class StreamDownloads extends VideoScoped {
  async generate(type = "default") {
    return this.data.generateDownload(this.videoId, type);
  }

  async get() {
    return this.data.downloads(this.videoId);
  }

  async delete(type = "default") {
    this.data.deleteDownload(this.videoId, type);
  }
}

class StreamVideos extends Scoped {
  async list(params?: ListParams) {
    const rows = this.data.listVideos(params);
    const origin = this.data.origin();
    return rows.map((row) => videoShape(row, origin));
  }
}

class StreamWatermarks extends Scoped {
  async generate(streamOrUrl: unknown, params: WatermarkParams) {
    checkWatermarkParams(params);
    if (typeof streamOrUrl === "string") {
      const response = await download(streamOrUrl, "watermark");
      return watermarkShape(await this.data.createWatermark(response.body, streamOrUrl, params));
    }
    return watermarkShape(await this.data.createWatermark(streamOrUrl, null, params));
  }

  async list() {
    return (this.data.db.query("SELECT * FROM stream_watermarks ORDER BY created DESC").all() as WatermarkRow[]).map(watermarkShape);
  }

  async get(id: string) {
    return watermarkShape(this.data.watermark(id));
  }

  async delete(id: string) {
    this.data.deleteWatermark(id);
  }
}

// --- Entry points ------------------------------------------------------------------

/**
 * env.STREAM: a Fetcher (its fetch answers the watch path) whose other members
 * are RPC calls, copied and with errors as they cross back in workerd.
 * `publicUrl` is the dev server's URL, which previews name.
 */
export function createStream(store: Store, publicUrl: (() => string | undefined) | undefined): unknown {
  ensureSchema(store.db, "stream", STREAM_MIGRATIONS);
  const binding = new StreamBinding(new StreamData(store, publicUrl));
  const fetch = (input: Request | string | URL, init?: RequestInit) => fetchThroughBinding(input instanceof Request ? new Request(input, init) : new Request(String(input), init), (request) => serveWatch(request, [store]));
  return makeFetcher(fetch, clonedCapability(localCapability(() => binding)));
}

/** GET /cdn-cgi/mf/stream/<id>/watch: the uploaded bytes, from the first of `stores` that has the video. */
export async function serveWatch(request: Request, stores: readonly Store[]): Promise<Response> {
  const match = WATCH.exec(new URL(request.url).pathname);
  if (!match) return new Response("Not found", { status: 404 });
  for (const store of stores) {
    ensureSchema(store.db, "stream", STREAM_MIGRATIONS);
    const row = store.db.query("SELECT size, blob_id FROM stream_videos WHERE id = ?").get(match[1]!) as Pick<VideoRow, "size" | "blob_id"> | null;
    if (!row?.blob_id) continue;
    try {
      const body = await openBlobStream(blobDir(store), row.blob_id, 0, row.size);
      return new Response(body, { headers: { "Content-Type": "video/mp4", "Content-Length": String(row.size) } });
    } catch {
      // Deleted since the row was read.
    }
  }
  return new Response("Video not found", { status: 404 });
}
