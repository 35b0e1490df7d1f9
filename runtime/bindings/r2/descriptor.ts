// R2's place in the registry: `r2_buckets` entries, validated in wrangler's
// words, shown in the bindings table, and created as env.<binding> on first use.
import type { BindingDescriptor } from "../descriptor.ts";
import { isStr, json, optionalString, requireString, warnUnknown } from "../config-checks.ts";
import type { R2BucketConfig } from "./config.ts";
import { R2_MIGRATIONS } from "./schema.ts";

/** R2's bucket naming rule, as wrangler checks it in config (for entries that name a binding). */
const VALID_BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

const r2 = () => require("./index.ts") as typeof import("./index.ts");

export const r2Descriptor: BindingDescriptor<R2BucketConfig> = {
  key: "r2_buckets",
  kind: "R2 Bucket",
  entries: (config) => config.r2_buckets ?? [],
  bindingName: (entry) => entry.binding,
  validate(d, field, value) {
    const errorsBefore = d.errors.length;
    requireString(d, field, value, "binding");
    const format =
      "is invalid. Bucket names must begin and end with an alphanumeric character, " +
      "only contain lowercase letters, numbers, and hyphens, and be between 3 and 63 characters long.";
    if ((value.bucket_name !== undefined && !isStr(value.bucket_name)) || value.bucket_name === "") {
      d.errors.push(`"${field}" bindings should have a string "bucket_name" field but got ${json(value)}.`);
    } else if (isStr(value.binding) && isStr(value.bucket_name) && !VALID_BUCKET_NAME.test(value.bucket_name as string)) {
      d.errors.push(`${field}.bucket_name=${json(value.bucket_name)} ${format}`);
    }
    optionalString(d, field, value, "preview_bucket_name");
    // Wrangler checks the preview name's format only when the entry is otherwise sound (and words it with "= ").
    if (d.errors.length === errorsBefore && isStr(value.preview_bucket_name) && !VALID_BUCKET_NAME.test(value.preview_bucket_name)) {
      d.errors.push(`${field}.preview_bucket_name= ${json(value.preview_bucket_name)} ${format}`);
    }
    optionalString(d, field, value, "jurisdiction");
    warnUnknown(d, field, value, ["binding", "bucket_name", "preview_bucket_name", "jurisdiction", "remote"]);
  },
  row: (entry) => ({ name: entry.binding, type: "R2 Bucket", value: entry.bucket_name ?? entry.binding, mode: "local" }),
  createEnv: (entry, ctx) => r2().createR2Bucket(ctx.store(), r2().r2BucketNameFor(entry)),
  typeName: () => "R2Bucket",
  schema: { component: "r2", migrations: R2_MIGRATIONS },
  recover(store) {
    const { recoverR2 } = require("./recover.ts") as typeof import("./recover.ts");
    recoverR2(store.db, `${store.dir}/r2`);
  },
  resources(store) {
    const { listBuckets } = require("./buckets.ts") as typeof import("./buckets.ts");
    return listBuckets(store).map((bucket) => ({ id: bucket.name, name: bucket.name }));
  },
};
