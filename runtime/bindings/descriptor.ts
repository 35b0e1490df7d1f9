// The one shape every binding has. Each runtime/bindings/<name>/descriptor.ts
// exports one of these; runtime/bindings/registry.ts lists them all, and
// buildEnv, the bindings table, config validation, config types, `types` and
// the Local Explorer iterate that list. Adding a binding = its folder plus one
// line in the registry.
//
// Descriptor modules stay light (types, validation, table rows): they are
// loaded by every command that reads a config. The implementation is loaded
// inside createEnv / resources, on first use.
import type { Store } from "../store/index.ts";
import type { Diagnostics } from "../diagnostics.ts";
import type { WorkerConfig } from "../config.ts";
import type { ServiceTarget } from "./service/index.ts";
import type { Assets } from "./assets/index.ts";

/** What a dev session knows beyond the config; the bindings table and buildEnv pass it. */
export interface BindingScope {
  /** Vars after .dev.vars / .env / --var precedence (see src/config/vars.ts); else the config's `vars`. */
  vars?: Record<string, unknown>;
  /** Var names the bindings table shows as "(hidden)" (secrets). */
  hidden?: ReadonlySet<string>;
  /** Whether a worker of this name runs in this dev session (service and Durable Object rows). */
  inSession?(name: string): boolean;
}

/** What createEnv gets besides its own config entry. */
export interface BindingContext extends BindingScope {
  /** The worker's resolved config (after environments). */
  config: WorkerConfig;
  /** The store, opened on first use. */
  store(): Store;
  /** The loaded worker's exports, looked up at call time so a reload swaps them in. */
  getExports(): Record<string, unknown>;
  /** The env being built (Durable Objects and workflows hand it to their instances). */
  env: Record<string, unknown>;
  /** Workers reachable by service binding (this one, by its name). */
  findService(name: string, entrypoint?: string): ServiceTarget | undefined;
  /** Another worker of this dev session (for `script_name`), if it runs here. */
  findWorker?(name: string): { exports: Record<string, unknown>; env: Record<string, unknown> } | undefined;
  /** The worker's static assets, when it has an `assets` directory. */
  assets?: Assets;
  /** Called when this env is replaced by a reload. */
  onDispose(release: () => void): void;
  /**
   * A dev-server log line ("[wrangler:info] <heading><rest>", the heading in
   * miniflare's blue), at the session's log level. Absent outside `dev`.
   */
  log?(level: "info" | "warn" | "error", heading: string, rest?: string): void;
  /**
   * An uncaught error of the worker's code that no request awaits (an alarm
   * handler's), printed as the dev server prints worker errors, its stack
   * mapped to the sources. Absent outside `dev`.
   */
  reportError?(error: unknown): void;
  /** The dev server's URL as bindings name it (miniflare's public URL, e.g. in a Stream video's `preview`). Absent outside `dev`. */
  publicUrl?(): string | undefined;
}

/** One row of "Your Worker has access to the following bindings:". */
export interface BindingRow {
  name: string;
  type: string;
  value?: string;
  mode: string;
}

/** A resource the binding's registry knows (a namespace, bucket, database, queue, ...). */
export interface ResourceSummary {
  id: string;
  name: string;
}

/** One config section (the top level or one `[env.NAME]`) as wrangler validates it. */
export interface SectionCheck {
  d: Diagnostics;
  /** "" at the top level, "env.<name>." in an environment; binding field paths start with it. */
  prefix: string;
  /** The raw value under the descriptor's top-level key (e.g. the whole `durable_objects` table). */
  value: unknown;
  /** The raw section being validated, for sibling keys such as `migrations`. */
  section: Record<string, unknown>;
  /** The raw top level, when `section` is an environment. */
  top?: Record<string, unknown>;
  envName?: string;
  /** The config file's name ("wrangler.toml", "wrangler.jsonc", ...), for messages with a snippet. */
  configFile: string;
}

export interface BindingDescriptor<Entry = any> {
  /** Config path of the entries, e.g. "kv_namespaces", "queues.producers", "durable_objects.bindings". */
  key: string;
  /** What the bindings table and messages call it: "KV Namespace", "Queue", ... */
  kind: string;
  /** The entries of this binding in a resolved config (vars come from the scope when given). */
  entries(config: WorkerConfig, scope?: BindingScope): Entry[];
  /** The env property an entry binds to. */
  bindingName(entry: Entry): string;
  /**
   * Validates one raw config entry in wrangler's words (field is e.g. `kv_namespaces[0]`),
   * including its unknown-field warnings. Entries that are not objects never get here.
   */
  validate?(d: Diagnostics, field: string, entry: Record<string, unknown>): void;
  /** How a non-object entry is reported; default `"<key>" bindings should be objects, but got ...`. */
  notObject?(field: string, value: unknown): string;
  /**
   * Validates the whole section under the key's first part, replacing the default
   * entry-by-entry loop. Needed by nested keys (`durable_objects.bindings`, `queues.producers`),
   * whose tables wrangler checks as a whole and reports differently.
   */
  validateSection?(check: SectionCheck): void;
  /** The bindings-table row of one entry. */
  row(entry: Entry, config: WorkerConfig, scope?: BindingScope): BindingRow;
  /**
   * Checked once at dev start, before anything runs (Hyperdrive needs its local
   * database named): lines to print, or an error that stops the start with exit 1.
   */
  prepare?(entries: Entry[], config: WorkerConfig): { logs: string[]; error?: string };
  /**
   * How wrangler dev serves the product: "remote" has no local simulation (`remote = false`
   * is refused, unset warns), "always-remote" always runs on Cloudflare (unset warns of charges).
   */
  remoteSupport?: "remote" | "always-remote";
  /**
   * For an entry wrangler dev would reach Cloudflare's network for: how the
   * "only available on Cloudflare's network" warning names it. Such entries keep
   * their table row's mode (they are not "not supported by bunflare yet").
   */
  unavailable?(entry: Entry): string | undefined;
  /** Whether env gets a value for this entry (default true; wrangler leaves some out). */
  inEnv?(entry: Entry): boolean;
  /** The env value; absent while a binding has no implementation (one warning, never a silent undefined). */
  createEnv?(entry: Entry, ctx: BindingContext): unknown;
  /** The workers-types type `types` writes for an entry (e.g. "KVNamespace", "Queue"). */
  typeName(entry: Entry): string;
  /**
   * Paths under /cdn-cgi/ the dev server answers for this binding (Stream's watch URLs):
   * `prefix` and below, when some worker's config `serves` them; `serve` gets those workers' stores.
   */
  devRoute?: { prefix: string; serves(config: WorkerConfig): boolean; serve(request: Request, stores: Store[]): Promise<Response> };
  /** Store tables this binding owns: applied with ensureSchema(db, component, migrations). */
  schema?: { component: string; migrations: readonly string[] };
  /** Crash recovery when a store is opened: removes what a killed writer left behind (never a live writer's files). */
  recover?(store: Store): void;
  /** The binding's local resources, for `types`, the explorer and resource commands. */
  resources?(store: Store): ResourceSummary[];
}

/** The table mode of a configured binding bunflare cannot create yet. */
export const NOT_IMPLEMENTED_MODE = "not supported by bunflare yet";
