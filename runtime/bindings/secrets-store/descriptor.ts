// [[secrets_store_secrets]]: env.<binding>.get() returns one secret of the
// local Secrets Store (in the .bunflare store), as wrangler dev serves it.
import type { BindingDescriptor } from "../descriptor.ts";
import { json, warnUnknown } from "../config-checks.ts";
import { SECRETS_STORE_MIGRATIONS } from "./schema.ts";

export interface SecretsStoreSecretConfig {
  binding: string;
  store_id: string;
  secret_name: string;
}

const secrets = () => require("./index.ts") as typeof import("./index.ts");

export const secretsStoreDescriptor: BindingDescriptor<SecretsStoreSecretConfig> = {
  key: "secrets_store_secrets",
  kind: "Secrets Store Secret",
  entries: (config) => (config.secrets_store_secrets as SecretsStoreSecretConfig[] | undefined) ?? [],
  bindingName: (entry) => entry.binding,
  validate(d, field, value) {
    for (const key of ["binding", "store_id", "secret_name"]) {
      if (typeof value[key] !== "string") d.errors.push(`"${field}" bindings must have a string "${key}" field but got ${json(value)}.`);
    }
    warnUnknown(d, field, value, ["binding", "store_id", "secret_name"]);
  },
  row: (entry) => ({ name: entry.binding, type: "Secrets Store Secret", value: `${entry.store_id}/${entry.secret_name}`, mode: "local" }),
  createEnv: (entry, ctx) => secrets().createSecretsStoreSecret(ctx.store, entry.store_id, entry.secret_name),
  typeName: () => "SecretsStoreSecret",
  schema: { component: "secrets_store", migrations: SECRETS_STORE_MIGRATIONS },
  resources: (store) => {
    const ids = [...new Set(secrets().listSecrets(store).map((secret) => secret.store_id))];
    return ids.map((id) => ({ id, name: id }));
  },
};
