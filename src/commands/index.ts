// The root command list, in wrangler's categories. No category: listed first
// (docs, complete); category "": listed next under no heading, as wrangler does. Each group's module is
// imported only when that group runs, so `bunflare kv key put` does not load dev.
import type { CommandGroup } from "./define.ts";

export const COMMAND_GROUPS: CommandGroup[] = [
  { name: "docs", usage: "docs [search..]", describe: "📚 Open Wrangler's command documentation in your browser", load: () => import("./docs.ts") },
  { name: "complete", usage: "complete [shell]", describe: "⌨️ Generate and handle shell completions", load: () => import("./complete.ts") },
  // bunflare's own: the Local Explorer on the store without a dev server.
  { name: "explorer", usage: "explorer", describe: "🔎 Browse and edit local binding data in the browser", hidden: true, load: () => import("./explorer.ts") },
  { name: "email", usage: "email", describe: "Manage Cloudflare Email services [open beta]", category: "" },
  { name: "auth", usage: "auth", describe: "🔐 Manage authentication", category: "Account" },
  { name: "login", usage: "login", describe: "🔓 Login to Cloudflare", category: "Account" },
  { name: "logout", usage: "logout", describe: "🚪 Logout from Cloudflare", category: "Account" },
  { name: "whoami", usage: "whoami", describe: "🕵️ Retrieve your user information", category: "Account" },
  { name: "ai", usage: "ai", describe: "🤖 Manage AI models", category: "Compute & AI" },
  { name: "ai-search", usage: "ai-search", describe: "🔍 Manage AI Search instances [open beta]", category: "Compute & AI" },
  { name: "browser", usage: "browser", describe: "🌐 Manage Browser Run sessions [open beta]", category: "Compute & AI" },
  { name: "containers", usage: "containers", describe: "📦 Manage Containers", category: "Compute & AI" },
  { name: "delete", usage: "delete [name]", describe: "🗑️ Delete a Worker from Cloudflare", category: "Compute & AI" },
  { name: "deploy", usage: "deploy [script]", describe: "🆙 Deploy a Worker to Cloudflare", category: "Compute & AI", load: () => import("./deploy.ts") },
  { name: "deployments", usage: "deployments", describe: "🚢 List and view the current and past deployments for your Worker", category: "Compute & AI" },
  { name: "dev", usage: "dev [script]", describe: "👂 Start a local server for developing your Worker", category: "Compute & AI", load: () => import("./dev.ts") },
  { name: "dispatch-namespace", usage: "dispatch-namespace", describe: "🏗️ Manage dispatch namespaces", category: "Compute & AI" },
  { name: "init", usage: "init [name]", describe: "📥 Initialize a basic Worker", category: "Compute & AI", load: () => import("./init.ts") },
  { name: "pages", usage: "pages", describe: "⚡️ Configure Cloudflare Pages", category: "Compute & AI", load: () => import("./pages.ts") },
  { name: "preview", usage: "preview [script]", describe: "👀 Create a Preview deployment of the current Worker [private beta]", category: "Compute & AI" },
  { name: "queues", usage: "queues", describe: "📬 Manage Workers Queues", category: "Compute & AI", load: () => import("./queues.ts") },
  { name: "rollback", usage: "rollback [version-id]", describe: "🔙 Rollback a deployment for a Worker", category: "Compute & AI" },
  { name: "secret", usage: "secret", describe: "🤫 Generate a secret that can be referenced in a Worker", category: "Compute & AI", load: () => import("./secret.ts") },
  { name: "setup", usage: "setup", describe: "🪄 Setup a project to work on Cloudflare", category: "Compute & AI", load: () => import("./setup.ts") },
  { name: "tail", usage: "tail [worker]", describe: "🦚 Start a log tailing session for a Worker", category: "Compute & AI" },
  { name: "triggers", usage: "triggers", describe: "🎯 Updates the triggers of your current deployment [experimental]", category: "Compute & AI" },
  { name: "types", usage: "types [path]", describe: "📝 Generate types from your Worker configuration", category: "Compute & AI", load: () => import("./types.ts") },
  { name: "versions", usage: "versions", describe: "🫧 List, view, upload and deploy Versions of your Worker to Cloudflare", category: "Compute & AI", load: async () => ({ default: (await import("./deploy.ts")).versions }) },
  { name: "vpc", usage: "vpc", describe: "🌐 Manage VPC [open beta]", category: "Compute & AI" },
  { name: "workflows", usage: "workflows", describe: "🔁 Manage Workflows", category: "Compute & AI", load: () => import("./workflows.ts") },
  { name: "d1", usage: "d1", describe: "🗄️ Manage Workers D1 databases", category: "Storage & Databases", load: () => import("./d1.ts") },
  { name: "hyperdrive", usage: "hyperdrive", describe: "🚀 Manage Hyperdrive databases", category: "Storage & Databases" },
  { name: "kv", usage: "kv", describe: "🗂️ Manage Workers KV Namespaces", category: "Storage & Databases", load: () => import("./kv.ts") },
  { name: "pipelines", usage: "pipelines", describe: "🚰 Manage Cloudflare Pipelines [open beta]", category: "Storage & Databases" },
  { name: "r2", usage: "r2", describe: "📦 Manage R2 buckets & objects", category: "Storage & Databases", load: () => import("./r2.ts") },
  { name: "secrets-store", usage: "secrets-store", describe: "🔐 Manage the Secrets Store [open beta]", category: "Storage & Databases", load: () => import("./secrets-store.ts") },
  { name: "vectorize", usage: "vectorize", describe: "🧮 Manage Vectorize indexes", category: "Storage & Databases" },
  { name: "cert", usage: "cert", describe: "🪪 Manage client mTLS certificates and CA certificate chains used for secured connections [open beta]", category: "Networking & Security" },
  { name: "mtls-certificate", usage: "mtls-certificate", describe: "🪪 Manage certificates used for mTLS connections", category: "Networking & Security" },
  // Hidden in wrangler's root help too.
  { name: "build", usage: "build", describe: "🔨 Build a Worker", hidden: true, load: async () => ({ default: (await import("./build.ts")).build }) },
  { name: "check", usage: "check", describe: "☑️ Run checks on your Worker", hidden: true, load: async () => ({ default: (await import("./build.ts")).check }) },
  { name: "tunnel", usage: "tunnel", describe: "🚇 Manage Cloudflare Tunnels [experimental]", category: "Networking & Security" },
];

export const CATEGORY_ORDER = ["Account", "Compute & AI", "Storage & Databases", "Networking & Security"];
