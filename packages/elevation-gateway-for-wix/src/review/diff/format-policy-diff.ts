// The policy diff for a terminal and for a pull-request comment (Markdown): widenings first, one
// line per change with the kinds of caller, the call, what changed and the rule where it is written.
import type { PolicyChange, PolicyDiff } from './policy-diff.ts';

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
): string {
  const lines = [`policy diff: ${base} → working tree`];
  if (diff.changes.length === 0) return [...lines, 'no change in what any caller may do'].join('\n');
  for (const [direction, title, colour] of [
    ['widens', 'widens', paint.red],
    ['narrows', 'narrows', paint.green],
  ] as const) {
    const changes = sorted(diff.changes.filter((c) => c.direction === direction));
    if (changes.length === 0) continue;
    lines.push('', colour(`${title} (${changes.length}):`));
    for (const c of changes) {
      lines.push(`  ${colour(direction === 'widens' ? '+' : '-')} ${who(c)}  ${c.call ?? '(policy)'}  ${c.text}`);
      const at = where(c);
      if (at) lines.push(`      ${paint.dim(at)}`);
    }
  }
  lines.push('', `${diff.widens} widening, ${diff.narrows} narrowing`);
  return lines.join('\n');
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;

export function formatPolicyDiffMarkdown(diff: PolicyDiff, base: string): string {
  const lines = [`### Policy diff: ${code(base)} → this change`, ''];
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
      const rule = c.rule ? `${code(c.rule)}${c.source ? ` (${c.source.file}:${c.source.line})` : ''}` : '';
      lines.push(`| ${cell(who(c))} | ${c.call ? code(c.call) : '(policy)'} | ${cell(c.text)} | ${cell(rule)} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
