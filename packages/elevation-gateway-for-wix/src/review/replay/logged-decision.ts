// What a decision-log line says the policy decided, read from the line alone: no decision (401,
// 400 malformed, 413, 503 …), or the policy's effect and rule, with what happened after an allow
// that the log cannot replay (its obligations refused it, or the objects Wix returned took part).
import type { DecisionEntry } from '../../gateway/decision-log.ts';

export interface Verdict {
  effect: 'allow' | 'deny';
  /** Allow: the deciding rule; deny: the deny rule that refused, if one did. */
  rule?: string;
  reason?: string;
}

export type LoggedDecision =
  | { decided: false; reason: string }
  | {
      decided: true;
      verdict: Verdict;
      /** Allowed, then refused: by the rate limit (traffic), the arguments, the object, or another obligation. */
      refused?: { by: 'traffic' | 'arguments' | 'object' | 'obligation'; why: string };
      /** Allowed, and the objects Wix returned were checked against resource conditions (the rule and result depended on them). */
      objects?: string;
    };

/** Obligations that show the objects Wix returned took part in the outcome. */
const OBJECT_OBLIGATIONS = new Set(['filter', 'filter-skipped', 'items-dropped', 'resource-check', 'preload']);

export function loggedDecision(entry: DecisionEntry): LoggedDecision {
  const status = `${entry.status}${entry.code ? ` ${entry.code}` : ''}`;
  if (entry.effect === undefined || !entry.caller || entry.call === undefined) {
    if (entry.decision === 'error' || !entry.caller || entry.call === undefined) return { decided: false, reason: `no decision was made (${status})` };
    return { decided: false, reason: 'the line does not say what the policy decided (no "effect": written by an earlier gateway)' };
  }
  const verdict: Verdict = { effect: entry.effect };
  if (entry.rule !== undefined) verdict.rule = entry.rule;
  if (entry.effect === 'deny') {
    if (entry.reason !== undefined) verdict.reason = entry.reason;
    return { decided: true, verdict };
  }
  const objectTypes = entry.obligations.map((o) => o.type).filter((t) => OBJECT_OBLIGATIONS.has(t));
  if (entry.decision === 'deny') {
    const why = entry.reason ?? status;
    const failedObject = entry.obligations.some((o) => (o.type === 'resource-check' || o.type === 'preload') && o.passed === false);
    if (entry.status === 429) return { decided: true, verdict, refused: { by: 'traffic', why: `the rate limit refused it (${status})` } };
    if (failedObject) return { decided: true, verdict, refused: { by: 'object', why: `the object Wix returned was refused (${status}: ${why})` } };
    if (entry.status === 400) return { decided: true, verdict, refused: { by: 'arguments', why: `its arguments were refused (${status}: ${why})` } };
    return { decided: true, verdict, refused: { by: 'obligation', why: `an obligation refused it (${status}: ${why})` } };
  }
  if (objectTypes.length) return { decided: true, verdict, objects: `the objects Wix returned were checked (${[...new Set(objectTypes)].join(', ')})` };
  return { decided: true, verdict };
}
