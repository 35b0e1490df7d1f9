// Writes runtime/compat-flags.ts: the compatibility flags a worker sees in
// `Cloudflare.compatibilityFlags`, read off the pinned workerd (through the compat suite's
// miniflare) rather than typed by hand. Run with Node after `npm install` in compat-tests,
// whenever the pinned wrangler changes:  node scripts/compat-flags.cjs
//
// What it asks workerd: the flags' values at every date the runtime names, alone and with
// nodejs_compat or nodejs_compat_v2 (a flag's default date, and the dates from which those
// imply it), and at its newest date with each other known flag name added (the flag each
// one turns off, and the flags that need another one on).
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const { Miniflare, supportedCompatibilityDate } = require(path.join(ROOT, "compat-tests/node_modules/miniflare"));
const WORKERD = path.join(ROOT, "compat-tests/node_modules/@cloudflare/workerd-linux-64/bin/workerd");
const IMPLIERS = ["nodejs_compat", "nodejs_compat_v2"];
const SCRIPT = "export default { fetch() { return Response.json(Cloudflare.compatibilityFlags); } }";

/** Every flag name runtime/compat.ts knows. */
function knownFlags() {
  const source = fs.readFileSync(path.join(ROOT, "runtime/compat.ts"), "utf8");
  return /KNOWN_FLAGS = new Set\(\s*`([^`]*)`/.exec(source)[1].trim().split(/\s+/);
}

/** The dates the runtime's binary names, up to the newest it supports. */
function runtimeDates() {
  const text = fs.readFileSync(WORKERD).toString("latin1");
  const dates = new Set(text.match(/20\d\d-\d\d-\d\d/g));
  return [...dates].filter((date) => date >= "2000-01-02" && date <= supportedCompatibilityDate).sort();
}

/** Each run's `Cloudflare.compatibilityFlags`, or undefined where workerd refused to start it. */
async function probe(runs) {
  const results = [];
  for (let at = 0; at < runs.length; at += 40) {
    const batch = runs.slice(at, at + 40);
    const workers = (list) => list.map(({ date, flags }, i) => ({ name: `w${i}`, modules: true, script: SCRIPT, compatibilityDate: date, compatibilityFlags: flags }));
    let mf;
    try {
      mf = new Miniflare({ workers: workers(batch) });
      for (let i = 0; i < batch.length; i++) results.push(await (await (await mf.getWorker(`w${i}`)).fetch("http://probe/")).json());
    } catch {
      // One run workerd refuses stops its batch: each on its own then.
      await mf?.dispose().catch(() => {});
      mf = undefined;
      results.length = at;
      for (const run of batch) {
        const one = new Miniflare({ workers: workers([run]) });
        try {
          results.push(await (await (await one.getWorker("w0")).fetch("http://probe/")).json());
        } catch {
          results.push(undefined);
        }
        await one.dispose().catch(() => {});
      }
    }
    await mf?.dispose();
  }
  return results;
}

async function main() {
  const dates = ["2000-01-01", ...runtimeDates()];
  const byDate = await probe(dates.flatMap((date) => [[], ...IMPLIERS.map((flag) => [flag])].map((flags) => ({ date, flags }))));
  const at = (d, implier) => byDate[dates.indexOf(d) * 3 + (implier ? 1 + IMPLIERS.indexOf(implier) : 0)];
  const names = Object.keys(at(dates[0]));
  /** The first probed date from which `name` is on in every later one. */
  const firstOn = (name, implier) => {
    const values = dates.map((d) => at(d, implier)[name]);
    const index = values.findIndex((_, i) => values.slice(i).every(Boolean));
    return index === -1 ? undefined : dates[index];
  };

  const newest = dates[dates.length - 1];
  const others = knownFlags().filter((flag) => !names.includes(flag));
  const base = (await probe([{ date: newest, flags: ["nodejs_compat"] }]))[0];
  const withOther = await probe(others.map((flag) => ({ date: newest, flags: ["nodejs_compat", flag] })));
  const disables = new Map();
  const requires = new Map();
  others.forEach((flag, i) => {
    const seen = withOther[i];
    if (!seen) return;
    const off = names.filter((name) => base[name] && !seen[name]);
    if (!off.length) return;
    // The first turned off is the one it disables; the rest need that one on.
    disables.set(off[0], flag);
    for (const name of off.slice(1)) requires.set(name, off[0]);
  });

  const rows = names.map((name) => {
    const from = firstOn(name);
    const implied = IMPLIERS.map((flag) => [flag, firstOn(name, flag)]).filter(([flag, since]) => flag !== name && since !== undefined && (from === undefined || since < from));
    for (const [flag] of implied) if (names.indexOf(flag) > names.indexOf(name)) throw new Error(`${name} is implied by ${flag}, which comes after it`);
    return [name, from ?? "", disables.get(name) ?? "", implied, requires.get(name) ?? ""];
  });
  const line = ([name, from, disable, implied, needs]) => {
    const fields = [name, from, disable];
    if (implied.length || needs) fields.push(implied);
    if (needs) fields.push(needs);
    return `  ${JSON.stringify(fields)},`;
  };
  const text = `// Generated by scripts/compat-flags.cjs from the pinned workerd (newest date ${newest}): run it again, do not edit.
// A worker's \`Cloudflare.compatibilityFlags\` in workerd's order: [enable flag, default date or "", disable flag or "",
// [flag, date] pairs that turn it on from that date, the flag it needs on].
export type CompatFlagRow = readonly [string, string, string, (readonly [string, string])[]?, string?];

export const COMPAT_FLAGS: readonly CompatFlagRow[] = [
${rows.map(line).join("\n")}
];
`;
  fs.writeFileSync(path.join(ROOT, "runtime/compat-flags.ts"), text);
  console.log(`runtime/compat-flags.ts: ${rows.length} flags, ${dates.length} dates probed`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
