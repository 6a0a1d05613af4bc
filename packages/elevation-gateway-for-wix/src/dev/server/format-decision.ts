// One decision-log entry as one readable terminal line: time, verdict, status, who, what, the rule
// (or why no rule), and what the gateway did to the reply.
import type { DecisionEntry, Obligation } from '../../gateway/decision-log.ts';

const paint = (color: boolean, code: number, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);

export function describeObligation(o: Obligation): string {
  switch (o.type) {
    case 'filter':
      return `forced filter ${JSON.stringify(o.filter)}`;
    case 'filter-skipped':
      return `filter not forced (${o.reason})`;
    case 'cap':
      return o.enforced.length ? `page size set to ${o.cap} (${o.enforced.join(', ')})` : `page cap ${o.cap} (asked size within it)`;
    case 'items-dropped':
      return `${o.count} item(s) dropped`;
    case 'fields-removed':
      return `removed ${o.paths.join(', ')}${o.items !== undefined ? ` from ${o.items} item(s)` : ''}`;
    case 'preload':
      return `preloaded ${o.call}: ${o.passed ? 'passed' : 'failed'}`;
    case 'resource-check':
      return `resource check ${o.passed ? 'passed' : 'failed'}`;
    case 'presets':
      return `preset ${o.paths.join(', ')}`;
    default:
      return JSON.stringify(o);
  }
}

export function formatDecision(e: DecisionEntry, color = false): string {
  const time = e.time.slice(11, 19);
  const verdict = e.decision === 'allow' ? paint(color, 32, 'ALLOW') : e.decision === 'deny' ? paint(color, 31, 'DENY ') : paint(color, 33, 'ERROR');
  const who = e.caller ? `${e.caller.subjectType} ${e.caller.id}` : 'no caller';
  const parts = [`${time} ${verdict} ${e.status}${e.code ? ` ${e.code}` : ''}`, `${who} → ${e.call ?? '(no call)'}`];
  if (e.rule) parts.push(`rule ${e.rule}`);
  if (e.reason) parts.push(e.rule ? `(${e.reason})` : e.reason);
  if (e.obligations.length) parts.push(`[${e.obligations.map(describeObligation).join('; ')}]`);
  parts.push(paint(color, 2, `${e.durationMs} ms, request ${e.requestId}`));
  return parts.join('  ');
}
