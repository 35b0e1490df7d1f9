// `bunflare complete [shell]`: wrangler's shell completion. `complete <shell>` prints a
// script for the shell; the script asks `bunflare complete -- <words so far>` for the
// candidates, answered from bunflare's own command tree in wrangler's protocol: one
// `name<TAB>description` line per candidate, then `:<directive>` (4: no file names).
// The scripts are bunflare's own; the protocol's answers match wrangler's.
import { defineCommand, type CommandSpec, type GlobalArgs } from "./define.ts";
import { COMMAND_GROUPS } from "./index.ts";
import { GLOBAL_FLAGS } from "./global-flags.ts";
import { CommandLineArgsError } from "../errors.ts";
import type { Options, PositionalOptions } from "yargs";

const SHELLS = ["bash", "fish", "powershell", "zsh"] as const;
type Shell = (typeof SHELLS)[number];

/** cobra's ShellCompDirectiveNoFileComp, the directive wrangler always answers with. */
const NO_FILE_COMPLETION = 4;

/**
 * Wrangler lists top-level commands in the order it registers them, not the help's
 * order. The "" is an unnamed entry wrangler lists (a blank line) when nothing is typed.
 */
const WRANGLER_ORDER = [
  "docs", "complete", "init", "dev", "deploy", "preview", "setup", "deployments", "rollback", "versions",
  "triggers", "delete", "tail", "secret", "types", "", "kv", "queues", "r2", "d1", "vectorize", "hyperdrive",
  "tunnel", "ai-search", "cert", "pages", "mtls-certificate", "cloudchamber", "containers", "dispatch-namespace",
  "ai", "browser", "secrets-store", "workflows", "pipelines", "vpc", "email", "login", "logout", "whoami", "auth",
  "telemetry", "metrics", "check",
];

interface Node {
  name: string;
  describe: string;
  /** Subcommands; undefined for a leaf (or a group bunflare hands to wrangler, whose tree it does not hold). */
  children?: Node[];
  /** Flags as wrangler lists them: positionals first (as --name), then options, each alias after its flag. */
  flags: [string, string][];
  choices: Map<string, string[]>;
  /** A top-level group: its module, loaded only when the words reach it. */
  load?: () => Promise<Node>;
}

function flagsOf(positionals: Record<string, PositionalOptions> = {}, options: Record<string, Options> = {}) {
  const flags: [string, string][] = [];
  const choices = new Map<string, string[]>();
  for (const [name, spec] of Object.entries(positionals)) flags.push([`--${name}`, spec.describe ?? ""]);
  for (const [name, spec] of Object.entries(options)) {
    if (spec.hidden) continue;
    flags.push([`--${name}`, spec.describe ?? ""]);
    const aliases = spec.alias === undefined ? [] : Array.isArray(spec.alias) ? spec.alias : [spec.alias];
    for (const alias of aliases) flags.push([`--${alias}`, `Alias for --${name}`]);
    if (spec.choices) {
      for (const flag of [name, ...aliases]) choices.set(`--${flag}`, spec.choices.map(String));
    }
  }
  return { flags, choices };
}

function specNode(spec: CommandSpec): Node {
  const children = spec.subcommands?.filter((child) => !child.hidden).map(specNode);
  return {
    name: spec.command.split(" ")[0]!,
    describe: spec.describe,
    children: children?.length ? children : undefined,
    ...flagsOf(spec.positionals, spec.options),
  };
}

function rootNode(): Node {
  const byName = new Map(COMMAND_GROUPS.map((group) => [group.name, group]));
  const listed = [...WRANGLER_ORDER, ...COMMAND_GROUPS.filter((g) => !g.hidden && !WRANGLER_ORDER.includes(g.name)).map((g) => g.name)];
  const groups: Node[] = [];
  for (const name of listed) {
    const group = byName.get(name);
    if (name !== "" && !group) continue;
    const load = group?.load;
    groups.push({
      name,
      describe: group?.describe ?? "",
      flags: [],
      choices: new Map(),
      load: load && (async () => specNode((await load()).default)),
    });
  }
  return { name: "", describe: "", children: groups, ...flagsOf({}, GLOBAL_FLAGS as unknown as Record<string, Options>) };
}

/** The candidate lines for the words typed so far (the last one being completed, maybe ""). */
export async function completions(words: string[]): Promise<string[]> {
  const current = words.at(-1) ?? "";
  let node = rootNode();
  for (const word of words.slice(0, -1)) {
    if (word.startsWith("-")) continue;
    if (!node.children) continue; // a positional of a leaf command
    const next = node.children.find((child) => child.name === word && child.name !== "");
    if (!next) return [];
    node = next.load ? await next.load() : next;
  }
  const previous = words.at(-2);
  const choices = previous ? node.choices.get(previous) : undefined;
  if (choices) return choices.filter((choice) => choice.startsWith(current)).map((choice) => `${choice}\t${choice}`);
  if (current.startsWith("-")) {
    return node.flags.filter(([flag]) => flag.startsWith(current)).map(([flag, describe]) => `${flag}\t${describe}`);
  }
  if (!node.children) return [];
  return node.children
    .filter((child) => child.name.startsWith(current))
    .map((child) => (child.name ? `${child.name}\t${child.describe}` : ""));
}

function script(shell: Shell): string {
  switch (shell) {
    case "bash":
      return `# bash completion for bunflare (wrangler's commands), from \`bunflare complete bash\`.
# Load it with: eval "$(bunflare complete bash)"   (or save it under bash-completion's completions/)
# With "alias wrangler=bunflare", also: complete -o default -F __bunflare_complete wrangler
__bunflare_complete() {
    local cur=\${COMP_WORDS[COMP_CWORD]}
    local out
    out=$(bunflare complete -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) || return
    local directive=\${out##*:}
    local names=() line
    while IFS= read -r line; do
        [[ -z $line || $line == :* ]] && continue
        names+=("\${line%%$'\\t'*}")
    done <<< "$out"
    COMPREPLY=($(compgen -W "\${names[*]}" -- "$cur"))
    if (( \${#COMPREPLY[@]} == 0 && (directive & ${NO_FILE_COMPLETION}) == 0 )); then
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}
complete -o default -F __bunflare_complete bunflare
`;
    case "zsh":
      return `#compdef bunflare
# zsh completion for bunflare (wrangler's commands), from \`bunflare complete zsh\`.
# Load it with: source <(bunflare complete zsh)   (or save it as _bunflare in your $fpath)
_bunflare() {
    local out line directive
    local -a candidates
    out=$(bunflare complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null) || return 1
    for line in "\${(@f)out}"; do
        if [[ $line == :* ]]; then directive=\${line#:}; continue; fi
        [[ -z $line ]] && continue
        if [[ $line == *$'\\t'* ]]; then
            candidates+=("\${\${line%%$'\\t'*}//:/\\\\:}:\${line#*$'\\t'}")
        else
            candidates+=("\${line//:/\\\\:}")
        fi
    done
    if (( \${#candidates} )); then
        _describe 'bunflare' candidates
    elif (( (directive & ${NO_FILE_COMPLETION}) == 0 )); then
        _files
    fi
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
    _bunflare "$@"
else
    compdef _bunflare bunflare
fi
`;
    case "fish":
      return `# fish completion for bunflare (wrangler's commands), from \`bunflare complete fish\`.
# Load it with: bunflare complete fish | source   (or save it as ~/.config/fish/completions/bunflare.fish)
function __bunflare_complete
    set -l words (commandline -opc) (commandline -ct)
    for line in (bunflare complete -- $words[2..-1] 2>/dev/null)
        string match -q -- ':*' $line; and continue
        test -n "$line"; and echo $line
    end
end
complete -c bunflare -f -a '(__bunflare_complete)'
`;
    case "powershell":
      return `# PowerShell completion for bunflare (wrangler's commands), from \`bunflare complete powershell\`.
# Load it with: bunflare complete powershell | Out-String | Invoke-Expression
Register-ArgumentCompleter -Native -CommandName bunflare -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $words = @($commandAst.CommandElements | Select-Object -Skip 1 | ForEach-Object { $_.ToString() })
    if ($wordToComplete -eq '') { $words += '""' }
    foreach ($line in @(& bunflare complete -- @words 2>$null)) {
        if (-not $line -or $line.StartsWith(':')) { continue }
        $parts = $line -split "\`t", 2
        $description = if ($parts.Count -gt 1 -and $parts[1]) { $parts[1] } else { $parts[0] }
        [System.Management.Automation.CompletionResult]::new($parts[0], $parts[0], 'ParameterValue', $description)
    }
}
`;
  }
}

interface CompleteArgs extends GlobalArgs {
  shell?: Shell;
}

export default defineCommand<CompleteArgs>({
  command: "complete [shell]",
  describe: "⌨️ Generate and handle shell completions",
  positionals: { shell: { describe: "Shell type to generate completions for", type: "string", choices: [...SHELLS] } },
  examples: SHELLS.map((shell) => [`$0 complete ${shell}`, `Generate ${shell} completion script`]),
  async handler(args) {
    // The words after `--` are the command line being completed, taken as typed (yargs would parse them).
    const argv = process.argv.slice(2);
    const separator = argv.indexOf("--");
    if (separator >= 0) {
      const lines = await completions(argv.slice(separator + 1));
      process.stdout.write([...lines, `:${NO_FILE_COMPLETION}`].join("\n") + "\n");
      return;
    }
    if (!args.shell) throw new CommandLineArgsError("Missing required argument: shell");
    process.stdout.write(script(args.shell));
  },
});
