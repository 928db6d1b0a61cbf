/**
 * The README's shell examples, as `readme-examples.e2e-spec.ts` runs them. The format (also
 * described in the README, under "API"):
 * - a ```` ```sh ```` block runs when it has at least one `# => <status>` line; blocks marked
 *   ```` ```sh no-run ```` never run, and neither do blocks without a `# => ` line;
 * - one command a line, `\` at a line's end to continue it (no here-documents, no multi-line quotes);
 * - a command's expected HTTP status is `# => NNN` at the end of its last line or alone on the next
 *   line (text may follow the status); every command in a running block that calls curl needs one.
 */

export interface Example {
  /** The command as written, continuation lines joined. */
  command: string;
  /** The HTTP status the README says it answers; undefined for a command that makes no request. */
  status?: number;
  /** Where it is: README line number of the command's first line. */
  line: number;
  /** The README heading above it. */
  section: string;
}

export interface Block {
  line: number;
  section: string;
  info: string;
  body: string[];
}

const EXPECT = /#\s*=>\s*(\d{3})\b/;

/** Every fenced block with its info string, body and position. */
export function fencedBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const heading = /^#{1,6}\s+(.*)$/.exec(lines[i]);
    if (heading) section = heading[1].trim();
    const open = /^(\s*)(`{3,}|~{3,})(.*)$/.exec(lines[i]);
    if (!open) continue;
    const fence = open[2];
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !lines[j].trimStart().startsWith(fence)) body.push(lines[j++]);
    blocks.push({ line: i + 1, section, info: open[3].trim(), body });
    i = j;
  }
  return blocks;
}

/** The shell blocks that run, in README order. */
export function runnableBlocks(markdown: string): Block[] {
  return fencedBlocks(markdown).filter((b) => {
    const [lang, ...flags] = b.info.split(/\s+/);
    return (lang === 'sh' || lang === 'bash') && !flags.includes('no-run') && b.body.some((l) => EXPECT.test(l));
  });
}

/** The commands of a block, each with the status it expects. Throws when the block breaks the format. */
export function examplesOf(block: Block): Example[] {
  const examples: Example[] = [];
  for (let i = 0; i < block.body.length; i++) {
    const first = i;
    const raw = block.body[i];
    if (raw.trim() === '') continue;
    if (raw.trim().startsWith('#')) {
      if (EXPECT.test(raw)) throw new Error(`README line ${block.line + 1 + i}: "# => " must follow a command`);
      continue;
    }
    let command = raw;
    while (/\\\s*$/.test(command) && i + 1 < block.body.length) command = command.replace(/\\\s*$/, '') + ' ' + block.body[++i].trim();
    let status: number | undefined;
    const trailing = EXPECT.exec(command);
    if (trailing) {
      status = Number(trailing[1]);
    } else if (i + 1 < block.body.length && EXPECT.test(block.body[i + 1]) && block.body[i + 1].trim().startsWith('#')) {
      status = Number(EXPECT.exec(block.body[++i])![1]);
    }
    const line = block.line + 1 + first;
    if (status === undefined && /(^|[\s($|])curl\s/.test(command)) {
      throw new Error(`README line ${line}: a curl example without "# => <status>" (or mark its block \`sh no-run\`): ${command}`);
    }
    examples.push({ command: command.trim(), status, line, section: block.section });
  }
  return examples;
}

/** Words outside quotes that zsh would glob (`?`, `*`, `[`): a URL with a query must be quoted. */
export function unquotedGlobs(command: string): string[] {
  const code = command.replace(/\s#.*$/, '');
  const outside = code.replace(/'[^']*'|"(?:[^"\\]|\\.)*"/g, ' ');
  return outside.split(/\s+/).filter((w) => /[?*[]/.test(w));
}

/**
 * One bash script for all the examples, in order, sharing variables: each command is followed by a
 * check that writes `<index> <exit code> <last HTTP status>` to the results file (curl is wrapped to
 * dump its response headers), and a marker on stdout, so each step's output can be shown.
 */
export function scriptFor(examples: Example[], files: { headers: string; results: string }): string {
  const lines = [
    'set -o pipefail',
    `__H=${JSON.stringify(files.headers)}`,
    `__R=${JSON.stringify(files.results)}`,
    'curl() { command curl -sS -D "$__H" "$@"; }',
    '__check() { local rc=$2; local st; st=$(awk \'/^HTTP\\//{s=$2} END{print s}\' "$__H" 2>/dev/null); echo "$1 $rc ${st:--}" >> "$__R"; : > "$__H"; printf "\\n@@step %s\\n" "$1"; }',
  ];
  examples.forEach((e, i) => {
    lines.push(e.command, `__check ${i} $?`);
  });
  return lines.join('\n') + '\n';
}
