// `[[containers]]` under both tools: how wrangler checks and names each entry, the list it
// prints after the bindings (dev and deploy --dry-run), `dev.enable_containers = false` /
// `--enable-containers=false` (dev runs the Durable Object without `ctx.container`), and a dev
// start with containers enabled, which wrangler hands to Docker and bunflare refuses.
import type { CompatCase } from "../harness.ts";
import { devCase, withoutCfFetch } from "../dev-harness.ts";

const WORKER = `import { DurableObject } from "cloudflare:workers";
export class Box extends DurableObject {
  fetch() { return new Response("container: " + typeof this.ctx.container); }
}
export default { fetch(request, env) { return env.BOX.get(env.BOX.idFromName("a")).fetch(request); } };
`;
const toml = (containers: string, extra = "") =>
  `name = "boxes"\nmain = "index.js"\ncompatibility_date = "2025-06-01"\n${extra}` +
  `${containers}\n[[durable_objects.bindings]]\nname = "BOX"\nclass_name = "Box"\n[[migrations]]\ntag = "v1"\nnew_sqlite_classes = ["Box"]\n`;
const DOCKERFILE = { Dockerfile: 'FROM alpine:3\nCMD ["sleep", "1000"]\n' };
const BOX = '[[containers]]\nclass_name = "Box"\nimage = "./Dockerfile"\nmax_instances = 2\n';

export const cases: CompatCase[] = [
  devCase({
    name: "dev: containers with --enable-containers=false are listed after the bindings, and the Durable Object runs without ctx.container",
    files: { "wrangler.toml": toml(BOX), "index.js": WORKER, ...DOCKERFILE },
    args: ["--enable-containers=false"],
    compareStartup: true,
    requests: [{ path: "/" }],
  }),
  devCase({
    // (With a registry image wrangler's dev asks Cloudflare about it, enabled or not, and stops logged out.)
    name: "dev: dev.enable_containers = false, and a container named in the config",
    files: {
      "wrangler.toml": toml('[[containers]]\nclass_name = "Box"\nname = "My Box"\nimage = "./Dockerfile"\n', "[dev]\nenable_containers = false\n"),
      "index.js": WORKER,
      ...DOCKERFILE,
    },
    compareStartup: true,
    requests: [{ path: "/" }],
  }),
  {
    name: "dev: containers enabled stop the start after the bindings and containers lists",
    files: { "wrangler.toml": toml(BOX), "index.js": WORKER, ...DOCKERFILE },
    steps: [{ args: ["dev", "--port", "0"] }],
    normalize: (text) => withoutCfFetch(text).join("\n"),
    expected: [
      {
        // Wrangler's message depends on the machine's Docker (its CLI's own error follows); bunflare's never does.
        reason: "wrangler builds the images with Docker and stops when it cannot reach it; bunflare does not run containers and says so, with the same way out (dev.enable_containers = false or --enable-containers=false)",
        wrangler: (text) =>
          text
            .replace(/^(‹[\d;]+›)*⎔ Preparing container image\(s\)\.\.\.(‹[\d;]+›)*\n/m, "")
            .replace(/^.*ERROR.*The Docker CLI could not be launched[^]*$/m, "<containers cannot run>"),
        // (The harness reads bunflare's name as wrangler's.)
        bunflare: (text) => text.replace(/^.*ERROR.*wrangler does not run containers \(boxes-box\)[^]*dev\.enable_containers to false[^]*$/m, "<containers cannot run>"),
      },
    ],
  },
  {
    name: "deploy --dry-run lists containers with a registry image after the bindings",
    files: { "wrangler.toml": toml('[[containers]]\nclass_name = "Box"\nimage = "registry.example.com/team/box:1.2"\n'), "index.js": WORKER },
    steps: [{ args: ["deploy", "--dry-run"] }],
  },
  {
    name: "config: containers without a class name, or with an image that is a directory or has no tag, are refused in wrangler's words",
    files: { "index.js": WORKER, "images/.keep": "" },
    steps: [
      // No class name; an image that is a directory; one with no tag; a build context that is not a string.
      '[[containers]]\nimage = "docker.io/library/alpine:3"\n',
      '[[containers]]\nclass_name = "Box"\nimage = "./images"\n',
      '[[containers]]\nclass_name = "Box"\nimage = "alpine"\n',
      '[[containers]]\nclass_name = "Box"\nimage = "docker.io/library/alpine:3"\nimage_build_context = 5\n',
    ].flatMap((containers) => [
      { args: [], setup: true, shell: `cat > wrangler.toml <<'EOF'\n${toml(containers)}EOF` },
      { args: ["deploy", "--dry-run"] },
    ]),
  },
  {
    name: "config: a container in an environment is named after the environment's own name, and needs one",
    files: {
      "index.js": WORKER,
      "wrangler.toml":
        toml("") +
        '[env.staging]\nname = "boxes-staging"\n[[env.staging.containers]]\nclass_name = "Box"\nimage = "docker.io/library/alpine:3"\n' +
        '[[env.staging.durable_objects.bindings]]\nname = "BOX"\nclass_name = "Box"\n' +
        '[env.qa]\n[[env.qa.containers]]\nclass_name = "Box"\nimage = "docker.io/library/alpine:3"\n[[env.qa.durable_objects.bindings]]\nname = "BOX"\nclass_name = "Box"\n',
    },
    steps: [{ args: ["deploy", "--dry-run", "--env", "staging"] }, { args: ["deploy", "--dry-run", "--env", "qa"] }],
  },
];
