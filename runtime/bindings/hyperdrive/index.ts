// env.<binding> for a Hyperdrive config: the local database's connection
// details. Wrangler hands workerd a proxy host; under Bun a driver connects
// directly, so host and port are the local database's own.
import type { HyperdriveConfig } from "./descriptor.ts";

const PREFIX = "CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_";
const DEPRECATED_PREFIX = "WRANGLER_HYPERDRIVE_LOCAL_CONNECTION_STRING_";

/** The connection string a binding uses locally: the environment first, then the config. */
export function localConnectionString(entry: HyperdriveConfig, environment = process.env): string | undefined {
  return environment[`${PREFIX}${entry.binding}`] || environment[`${DEPRECATED_PREFIX}${entry.binding}`] || entry.localConnectionString;
}

export function missingConnectionStringMessage(binding: string): string {
  return (
    `When developing locally, you should use a local Postgres connection string to emulate Hyperdrive functionality. ` +
    `Please setup Postgres locally and set the value of the '${PREFIX}${binding}' variable or "${binding}"'s "localConnectionString" to the Postgres connection string.`
  );
}

/**
 * What wrangler dev checks at start for each Hyperdrive binding: the lines it
 * logs (a connection string found in the environment), or the message it stops
 * with when a binding has no local connection string at all.
 */
export function hyperdriveStartup(entries: HyperdriveConfig[], environment = process.env): { logs: string[]; error?: string } {
  const logs: string[] = [];
  for (const entry of entries) {
    const found = [PREFIX, DEPRECATED_PREFIX].map((prefix) => `${prefix}${entry.binding}`).find((name) => environment[name]);
    if (!found && entry.localConnectionString === undefined) return { logs, error: missingConnectionStringMessage(entry.binding) };
    if (found) logs.push(`Found a non-empty ${found} variable for binding. Hyperdrive will connect to this database during local development.`);
  }
  return { logs };
}

const DEFAULT_PORTS: Record<string, number> = { "postgres:": 5432, "postgresql:": 5432, "mysql:": 3306 };

export function createHyperdrive(entry: HyperdriveConfig) {
  const connectionString = localConnectionString(entry);
  if (!connectionString) throw new Error(missingConnectionStringMessage(entry.binding));
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    throw new Error(`The local connection string of Hyperdrive binding "${entry.binding}" is not a URL: ${JSON.stringify(connectionString)}`);
  }
  return Object.freeze({
    connectionString,
    host: url.hostname,
    port: url.port ? Number(url.port) : (DEFAULT_PORTS[url.protocol] ?? 5432),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.replace(/^\//, "")),
    connect(): never {
      throw new Error("Hyperdrive's connect() is not available under bunflare: connect with a database driver to connectionString.");
    },
  });
}
