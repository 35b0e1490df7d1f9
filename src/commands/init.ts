// `bunflare init [name]`: wrangler delegates to create-cloudflare (C3), which downloads a
// template and installs packages; bunflare writes the minimal "Hello World" Worker that
// `wrangler init --yes` gives (C3's --wrangler-defaults), locally, without installing
// anything. `--from-dash` needs the Cloudflare dashboard, so it goes to real wrangler.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { defineCommand, type GlobalArgs } from "./define.ts";
import { UserError } from "../errors.ts";
import { log, printBanner } from "../log.ts";
import { forwardToWrangler } from "../forward.ts";

interface InitArgs extends GlobalArgs {
  name?: string;
  yes?: boolean;
  "from-dash"?: string;
}

function files(name: string, today: string): Record<string, string> {
  return {
    "wrangler.jsonc": `{
\t"$schema": "node_modules/wrangler/config-schema.json",
\t"name": ${JSON.stringify(name)},
\t"main": "src/index.ts",
\t"compatibility_date": "${today}",
\t"observability": {
\t\t"enabled": true
\t}
}
`,
    "src/index.ts": `export default {
\tasync fetch(request, env, ctx): Promise<Response> {
\t\treturn new Response('Hello World!');
\t},
} satisfies ExportedHandler<Env>;
`,
    "package.json": `${JSON.stringify(
      {
        name,
        version: "0.0.0",
        private: true,
        scripts: { deploy: "wrangler deploy", dev: "wrangler dev", start: "wrangler dev", "cf-typegen": "wrangler types" },
        devDependencies: { typescript: "^5.5.2", wrangler: "^4" },
      },
      null,
      "\t",
    )}\n`,
    "tsconfig.json": `${JSON.stringify(
      {
        compilerOptions: {
          target: "es2024",
          lib: ["es2024"],
          jsx: "react-jsx",
          module: "es2022",
          moduleResolution: "Bundler",
          resolveJsonModule: true,
          allowJs: true,
          checkJs: false,
          noEmit: true,
          isolatedModules: true,
          allowSyntheticDefaultImports: true,
          forceConsistentCasingInFileNames: true,
          strict: true,
          skipLibCheck: true,
          types: ["./worker-configuration.d.ts"],
        },
        exclude: ["test"],
        include: ["worker-configuration.d.ts", "src/**/*.ts"],
      },
      null,
      "\t",
    )}\n`,
    "worker-configuration.d.ts": "// Regenerate with `wrangler types` once your Worker has bindings.\ninterface Env {}\n",
    ".gitignore": "node_modules\n.wrangler\n.bunflare\n.dev.vars*\n!.dev.vars.example\n.env*\n!.env.example\n",
  };
}

export default defineCommand<InitArgs>({
  command: "init [name]",
  describe: "📥 Initialize a basic Worker",
  positionals: { name: { describe: "The name of your worker", type: "string" } },
  options: {
    yes: { describe: 'Answer "yes" to any prompts for new projects', type: "boolean", alias: "y" },
    "from-dash": {
      describe: "The name of the Worker you wish to download from the Cloudflare dashboard for local development.",
      type: "string",
      requiresArg: true,
    },
    "delegate-c3": { describe: "Delegate to Create Cloudflare CLI (C3)", type: "boolean", hidden: true, default: true, alias: "c3" },
  },
  async handler(args) {
    if (args["from-dash"]) {
      process.exitCode = await forwardToWrangler(process.argv.slice(2));
      return;
    }
    printBanner();
    const name = args.name ?? "my-worker";
    if (!/^[a-z0-9][a-z0-9-]*$/.test(path.basename(name))) {
      throw new UserError(`"${name}" is not a valid Worker name: use lowercase letters, digits and dashes.`);
    }
    const dir = path.resolve(name);
    if (existsSync(dir) && readdirSync(dir).length > 0) {
      throw new UserError(`The directory "${name}" already exists and is not empty: choose another name.`);
    }
    const today = new Date().toISOString().slice(0, 10);
    for (const [file, content] of Object.entries(files(path.basename(name), today))) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), content);
    }
    log.info(`✨ Created a "Hello World" Worker in ${path.relative(process.cwd(), dir) || "."} (TypeScript).`);
    log.info(
      "bunflare writes the minimal template `wrangler init --yes` gets from create-cloudflare, locally: it installs nothing and does not run git.",
    );
    log.info(`\nNext: cd ${name} && npm install && npx bunflare dev`);
  },
});
