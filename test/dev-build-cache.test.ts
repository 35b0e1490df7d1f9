// A dev start keeps its first build in the store (src/bundle/cache.ts) and the next
// start serves it without running esbuild: never when anything that went into it
// changed. Each case starts a project once (the build is kept), alters the kept
// bundle so it can be told apart, starts again (the altered bundle is served: the
// kept one is used), changes the project, and starts a third time: the change must
// be served, not the kept bundle.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { cleanup, eventually, project, startDev, write } from "./dev-helpers.ts";

setDefaultTimeout(60_000);

const CONFIG = 'name = "kept"\nmain = "src/index.js"\ncompatibility_date = "2025-01-01"\n';
const respond = (body: string) => `export default { fetch: () => new Response(${body}) };\n`;

// A build is kept only when its files are older than cache.ts' SETTLED_MS (2.5 s) at
// its start: every project is written first, and the cases wait once for that.
const projects = {
  hit: project({ "wrangler.toml": CONFIG, "src/index.js": respond('"Hello A"') }),
  content: project({ "wrangler.toml": CONFIG, "src/index.js": 'import { word } from "./word.js";\n' + respond('"Hello " + word'), "src/word.js": 'export const word = "one";\n' }),
  shadow: project({ "wrangler.toml": CONFIG, "src/index.js": 'import { word } from "./util";\n' + respond('"Hello " + word'), "src/util.js": 'export const word = "js";\n' }),
  index: project({ "wrangler.toml": CONFIG, "src/index.js": 'import { word } from "./a/lib";\n' + respond('"Hello " + word'), "src/a/lib/index.js": 'export const word = "dir";\n' }),
  define: project({ "wrangler.toml": `${CONFIG}[define]\nWORD = '"one"'\n`, "src/index.js": respond('"Hello " + WORD') }),
  tsconfig: project({
    "wrangler.toml": CONFIG.replace("index.js", "index.jsx"),
    "tsconfig.json": '{ "compilerOptions": { "jsxFactory": "h1" } }\n',
    "src/index.jsx": 'const h1 = () => "one";\nconst h2 = () => "two";\n' + respond('"Hello " + <p />'),
  }),
  package: project({
    "wrangler.toml": CONFIG,
    "src/index.js": 'import word from "dep";\n' + respond('"Hello " + word'),
    "node_modules/dep/package.json": '{ "name": "dep", "main": "a.js" }\n',
    "node_modules/dep/a.js": 'export default "one";\n',
    "node_modules/dep/b.js": 'export default "two";\n',
  }),
  extends: project({
    "wrangler.toml": CONFIG,
    "tsconfig.json": '{ "extends": "./base.json" }\n',
    "base.json": "{}\n",
    "src/index.js": respond('"Hello A"'),
  }),
  custom: project({ "wrangler.toml": `${CONFIG}[build]\ncommand = "true"\n`, "src/index.js": respond('"Hello A"') }),
  corrupt: project({ "wrangler.toml": CONFIG, "src/index.js": respond('"Hello A"') }),
};

// Each project has its store already: the first start making it changes the project's
// directory, which the build depends on (the entry is then kept by a later start).
for (const dir of Object.values(projects)) mkdirSync(path.join(dir, ".bunflare"));
// A whole second, so the time put back after a change is the same to the nanosecond.
const time = Math.floor(Date.now() / 1000) - 60;
utimesSync(path.join(projects.content, "src", "word.js"), time, time);
beforeAll(() => Bun.sleep(2_700));
// Where Bun and bunflare keep per-user files, outside the projects.
const home = project({});
afterAll(() => cleanup(home));

const keptDir = (dir: string) => path.join(dir, ".bunflare", "dev-build");
/** The kept build's file, once the first start has written it. */
async function kept(dir: string): Promise<string> {
  await eventually(async () => existsSync(keptDir(dir)) && readdirSync(keptDir(dir)).some((name) => !name.endsWith(".tmp")));
  return path.join(keptDir(dir), readdirSync(keptDir(dir)).find((name) => !name.endsWith(".tmp"))!);
}

/** One dev start: the body of `/` and what it printed. */
async function start(dir: string): Promise<{ body: string; output: string }> {
  const dev = await startDev(dir, [], { env: { HOME: home } });
  try {
    const body = await (await fetch(dev.url)).text();
    return { body, output: dev.output() };
  } finally {
    await dev.stop();
  }
}

/** Alters the kept bundle's "Hello" (same length: the entry stays well formed), so a start that serves it shows "Kept!". */
function alter(entry: string): void {
  const text = readFileSync(entry, "utf8");
  const body = text.indexOf("\n") + 1;
  writeFileSync(entry, text.slice(0, body) + text.slice(body).replace("Hello", "Kept!"));
}

/** First start (kept), second (the kept bundle served), then `change` and a third start's body. */
async function afterChange(dir: string, first: string, change: () => void): Promise<string> {
  try {
    expect((await start(dir)).body).toBe(`Hello ${first}`);
    alter(await kept(dir));
    expect((await start(dir)).body).toBe(`Kept! ${first}`);
    change();
    return (await start(dir)).body;
  } finally {
    cleanup(dir);
  }
}

describe("dev: the first build kept for the next start", () => {
  test("the next start serves it, printing what a start that builds prints", async () => {
    const dir = projects.hit;
    try {
      const built = await start(dir);
      expect(built.body).toBe("Hello A");
      const entry = await kept(dir);
      alter(entry);
      const served = await start(dir);
      expect(served.body).toBe("Kept! A");
      // Up to "Ready on" and its address (the request's log line may come later).
      const head = (output: string) => output.slice(0, output.indexOf("Ready on")).trim();
      expect(head(served.output)).toBe(head(built.output));
      expect(head(built.output)).toContain("Starting local server...");
      // Only one entry per worker, and no temporary file left.
      expect(readdirSync(keptDir(dir))).toEqual([path.basename(entry)]);
    } finally {
      cleanup(dir);
    }
  });

  test("an input changed to the same size, its modification time put back, is built", async () => {
    const dir = projects.content;
    const word = path.join(dir, "src", "word.js");
    const body = await afterChange(dir, "one", () => {
      writeFileSync(word, 'export const word = "two";\n');
      utimesSync(word, time, time);
      expect(statSync(word, { bigint: true }).mtimeNs).toBe(BigInt(time) * 1_000_000_000n);
    });
    expect(body).toBe("Hello two");
  });

  test("a file that takes an import's place (./util.ts before ./util.js) is built", async () => {
    const dir = projects.shadow;
    const body = await afterChange(dir, "js", () => write(dir, "src/util.ts", 'export const word: string = "ts";\n'));
    expect(body).toBe("Hello ts");
  });

  test("a file that takes a directory's place (./a/lib.js before ./a/lib/index.js) is built", async () => {
    const dir = projects.index;
    const body = await afterChange(dir, "dir", () => write(dir, "src/a/lib.js", 'export const word = "file";\n'));
    expect(body).toBe("Hello file");
  });

  test("a changed define in the config is built", async () => {
    const dir = projects.define;
    const body = await afterChange(dir, "one", () => write(dir, "wrangler.toml", `${CONFIG}[define]\nWORD = '"two"'\n`));
    expect(body).toBe("Hello two");
  });

  test("a changed tsconfig.json (same size) is built", async () => {
    const dir = projects.tsconfig;
    const body = await afterChange(dir, "one", () => write(dir, "tsconfig.json", '{ "compilerOptions": { "jsxFactory": "h2" } }\n'));
    expect(body).toBe("Hello two");
  });

  test("a package whose package.json points elsewhere (same size) is built", async () => {
    const dir = projects.package;
    const body = await afterChange(dir, "one", () => write(dir, "node_modules/dep/package.json", '{ "name": "dep", "main": "b.js" }\n'));
    expect(body).toBe("Hello two");
  });

  test("not kept: a build under a tsconfig that extends another, a custom build", async () => {
    for (const dir of [projects.extends, projects.custom]) {
      try {
        expect((await start(dir)).body).toBe("Hello A");
        // A stopping server keeps what it has not kept yet: nothing here.
        expect(existsSync(keptDir(dir)) ? readdirSync(keptDir(dir)) : []).toEqual([]);
      } finally {
        cleanup(dir);
      }
    }
  });

  test("a corrupt entry is built over", async () => {
    const dir = projects.corrupt;
    try {
      await start(dir);
      const entry = await kept(dir);
      const whole = readFileSync(entry, "utf8");
      writeFileSync(entry, whole.slice(0, whole.length - 10));
      expect((await start(dir)).body).toBe("Hello A");
      writeFileSync(entry, "{ not json\nHello");
      expect((await start(dir)).body).toBe("Hello A");
      // Built over: whole again.
      await eventually(async () => readFileSync(entry, "utf8") === whole);
    } finally {
      cleanup(dir);
    }
  });
});
