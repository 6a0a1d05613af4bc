// The policy diff for a terminal and for a pull-request comment (Markdown): widenings first, one
// line per change with the kinds of caller, the call, what changed and the rule where it is written.
// Everything a policy or a command line wrote (file names, rule ids, roles, condition values, the
// base) passes through the caller's `printable` first: a file name with terminal escape sequences
// must not erase the widening line in a CI log. In Markdown, what could break out of its table
// cell or code span (`|`, `<`, `>`, backticks, backslashes, line breaks) is escaped as well.
import type { PolicyChange, PolicyDiff } from './policy-diff.ts';

/** Text from a policy as a terminal may show it (src/cli/output.ts `printable`: control and format characters escaped). */
type Printable = (text: string, max?: number) => string;

/** Long enough for any line of the diff: nothing a reviewer must read is cut. */
const MAX = 100_000;

const where = (c: PolicyChange) =>
  c.rule
    ? `rule ${c.rule}${c.roles?.length ? ` (role${c.roles.length > 1 ? 's' : ''} ${c.roles.join(', ')})` : ''}${c.source ? `, ${c.source.file}:${c.source.line}` : ''}`
    : '';

const who = (c: PolicyChange) => (c.callers.length ? c.callers.join(', ') : 'every caller');

function sorted(changes: PolicyChange[]): PolicyChange[] {
  const key = (c: PolicyChange) => `${c.call ?? ''}\u0000${c.rule ?? ''}\u0000${c.text}`;
  return [...changes].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

export function formatPolicyDiffText(
  diff: PolicyDiff,
  base: string,
  paint: { red(s: string): string; green(s: string): string; dim(s: string): string },
  printable: Printable,
): string {
  const clean = (s: string) => printable(s, MAX);
  const lines = [`policy diff: ${clean(base)} → working tree`];
  if (diff.changes.length === 0) return [...lines, 'no change in what any caller may do'].join('\n');
  for (const [direction, title, colour] of [
    ['widens', 'widens', paint.red],
    ['narrows', 'narrows', paint.green],
  ] as const) {
    const changes = sorted(diff.changes.filter((c) => c.direction === direction));
    if (changes.length === 0) continue;
    lines.push('', colour(`${title} (${changes.length}):`));
    for (const c of changes) {
      lines.push(`  ${colour(direction === 'widens' ? '+' : '-')} ${who(c)}  ${clean(c.call ?? '(policy)')}  ${clean(c.text)}`);
      const at = where(c);
      if (at) lines.push(`      ${paint.dim(clean(at))}`);
    }
  }
  lines.push('', `${diff.widens} widening, ${diff.narrows} narrowing`);
  return lines.join('\n');
}

/** Plain text in a table cell: nothing in it opens HTML, a code span or another cell. */
const cellText = (s: string) =>
  s
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/`/g, '\\`')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r\n|\r|\n/g, ' ');
/** A code span (in a cell: GFM splits cells at `|` even in code, unless escaped). */
const code = (s: string) =>
  `\`${s
    .replace(/`/g, "'")
    .replace(/\|/g, '\\|')
    .replace(/\r\n|\r|\n/g, ' ')}\``;

export function formatPolicyDiffMarkdown(diff: PolicyDiff, base: string, printable: Printable): string {
  const clean = (s: string) => printable(s, MAX);
  const lines = [`### Policy diff: ${code(clean(base))} → this change`, ''];
  if (diff.changes.length === 0) return [...lines, 'No change in what any caller may do.', ''].join('\n');
  lines.push(
    diff.widens
      ? `**This change widens what callers may do: ${diff.widens} widening, ${diff.narrows} narrowing.** Each widening needs a reviewer's approval.`
      : `This change only narrows what callers may do: ${diff.narrows} narrowing.`,
  );
  for (const [direction, title] of [
    ['widens', 'Widens'],
    ['narrows', 'Narrows'],
  ] as const) {
    const changes = sorted(diff.changes.filter((c) => c.direction === direction));
    if (changes.length === 0) continue;
    lines.push('', `#### ${title}`, '', '| callers | call | change | rule |', '|---|---|---|---|');
    for (const c of changes) {
      const rule = c.rule ? `${code(clean(c.rule))}${c.source ? ` ${cellText(clean(`(${c.source.file}:${c.source.line})`))}` : ''}` : '';
      lines.push(`| ${cellText(who(c))} | ${c.call ? code(clean(c.call)) : '(policy)'} | ${cellText(clean(c.text))} | ${rule} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
