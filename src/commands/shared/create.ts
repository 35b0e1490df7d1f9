// What `kv namespace create`, `r2 bucket create`, `d1 create` (and any new
// resource-creating command) print after creating: wrangler's
// createdResourceConfig, with its prompts and its binding-name cleanup.
import { addBindingToJsonConfig } from "../../config/edit.ts";
import { log } from "../../log.ts";
import { confirm, prompt } from "./prompts.ts";

/** wrangler's getValidBindingName: an identifier made from a resource name. */
export function validBindingName(name: string, fallback: string): string {
  let binding = name.replace(/[\s-]/g, "_").replace(/[^a-zA-Z0-9_]/g, "").replace(/_+/g, "_");
  if (/^[0-9]/.test(binding)) binding = `_${binding}`;
  return binding.length === 0 || /^_+$/.test(binding) ? fallback : binding;
}

/** How wrangler names each binding kind in "To access your new ..." (its friendlyBindingNames). */
const FRIENDLY_NAMES: Record<string, string> = {
  kv_namespaces: "KV Namespace",
  r2_buckets: "R2 Bucket",
  d1_databases: "D1 Database",
  queues: "Queue",
  durable_objects: "Durable Object",
  vectorize: "Vectorize Index",
  hyperdrive: "Hyperdrive Config",
  services: "Worker",
  workflows: "Workflow",
};

/** The add-to-config flags (ADD_TO_CONFIG_OPTIONS in src/config/edit.ts), as parsed. */
export interface AddToConfigArgs {
  binding?: string;
  "update-config"?: boolean;
  "use-remote"?: boolean;
}

/**
 * Prints the config snippet for a new resource, in the config file's format
 * (JSON when there is none); for a JSON config, adds the binding when
 * --binding / --update-config say so, or when the user says yes on a terminal.
 * `snippet(binding?)` builds the entry, cleaning the binding name itself.
 */
export async function printCreatedResourceConfig(
  resource: string,
  snippet: (binding?: string) => Record<string, unknown>,
  configPath: string | undefined,
  env: string | undefined,
  defaults: AddToConfigArgs,
): Promise<void> {
  const where = env ? ` in the "${env}" environment` : "";
  log.info(`To access your new ${FRIENDLY_NAMES[resource] ?? resource} in your Worker, add the following snippet to your configuration file${where}:`);
  const shown = { [resource]: [{ ...snippet(defaults.binding), ...(defaults["use-remote"] === true ? { remote: true } : {}) }] };
  if (configPath?.endsWith("toml")) {
    const { stringify } = await import("smol-toml");
    log.info(stringify(shown));
  } else {
    log.info(JSON.stringify(shown, null, 2));
  }
  if (!configPath || !/\.jsonc?$/.test(configPath)) return;
  // Never written in CI unless asked: the question falls back to "no" there.
  const write =
    defaults.binding ??
    defaults["update-config"] ??
    (await confirm("Would you like Wrangler to add it on your behalf?", { defaultValue: true, fallbackValue: false }));
  if (!write) return;
  const binding = defaults.binding ?? (await prompt("What binding name would you like to use?", snippet().binding as string));
  const useRemote =
    defaults["use-remote"] ??
    (defaults.binding || defaults["update-config"]
      ? false
      : await confirm("For local dev, do you want to connect to the remote resource instead of a local resource?", { defaultValue: false }));
  addBindingToJsonConfig(configPath, env, resource, { ...snippet(binding), ...(useRemote ? { remote: true } : {}) });
}
