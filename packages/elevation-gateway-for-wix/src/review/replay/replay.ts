// `elevate replay`: each logged decision re-decided by the working policy, and sorted: unchanged
// (the same effect and deciding rule), changed (another effect or rule: before → after), or not
// decidable from the log (the decision depended on what the log does not hold: the objects Wix
// returned, argument values, the traffic; or no decision was made). The logged decision is taken
// as recorded; the working one is the gateway's own evaluation on what the line holds.
import type { CompiledPolicy } from '../../contract/compiled-policy.ts';
import type { DecisionEntry } from '../../gateway/decision-log.ts';
import { createEvaluator } from '../../gateway/evaluate.ts';
import { loggedDecision, type LoggedDecision, type Verdict } from './logged-decision.ts';
import { workingDecision, type WorkingDecision } from './working-decision.ts';
import { readDecisionLog } from './read-decision-log.ts';

export type ReplayGroup = 'unchanged' | 'changed' | 'undecidable';

export interface ReplayedLine {
  line: number;
  requestId: string;
  /** `SUBJECTTYPE:id`, when the line names a caller. */
  caller?: string;
  call?: string;
  status: number;
  group: ReplayGroup;
  /** Why the line is in its group. */
  why: string;
  /** What the log says the policy decided (absent: no decision was made). */
  before?: Verdict;
  /** What the working policy decides (absent: not decidable; `rules`: deny, by one of these). */
  after?: Verdict | { effect: 'deny'; oneOf: string[] };
  /** The digest of the policy that decided the line, and whether it is the working policy's. */
  policy?: string;
  samePolicy: boolean;
}

export interface SkippedLine {
  line: number;
  skipped: string;
}

export interface ReplaySummary {
  decisions: number;
  unchanged: number;
  changed: number;
  undecidable: number;
  skipped: number;
  /** Lines whose `policy` digest is the working policy's. */
  samePolicy: number;
}

export interface Replayer {
  /** The working policy's digest. */
  digest: string;
  replay(line: number, entry: DecisionEntry): Promise<ReplayedLine>;
}

/** What "unchanged" compares: the effect and the deciding rule (not what obligations then do). */
const SAME = 'same effect and deciding rule:';
const show = (v: Verdict) => `${v.effect}${v.rule ? ` ${v.rule}` : ''}`;

export function createReplayer(policy: CompiledPolicy, digest: string): Replayer {
  const evaluator = createEvaluator(policy);
  return {
    digest,
    async replay(line, entry) {
      const logged = loggedDecision(entry);
      let working: WorkingDecision | undefined;
      try {
        working = logged.decided ? await workingDecision(evaluator, entry) : undefined;
      } catch (error) {
        // A line is input: whatever it holds, replay reports it and goes on.
        working = { decided: false, reason: `could not be re-decided: ${error instanceof Error ? error.message : String(error)}` };
      }
      const out: ReplayedLine = {
        line,
        requestId: entry.requestId,
        ...(entry.caller ? { caller: `${entry.caller.subjectType}:${entry.caller.id}` } : {}),
        ...(entry.call !== undefined ? { call: entry.call } : {}),
        status: entry.status,
        ...(entry.policy !== undefined ? { policy: entry.policy } : {}),
        samePolicy: entry.policy === digest,
        ...compare(logged, working),
      };
      return out;
    },
  };
}

type Comparison = Pick<ReplayedLine, 'group' | 'why' | 'before' | 'after'>;

function compare(logged: LoggedDecision, working: WorkingDecision | undefined): Comparison {
  if (!logged.decided || !working) return { group: 'undecidable', why: logged.decided ? 'no working decision' : logged.reason };
  const before = logged.verdict;
  const changed = (after: Verdict | { effect: 'deny'; oneOf: string[] }, why: string): Comparison => ({ group: 'changed', why, before, after });
  const undecidable = (why: string, after?: Verdict): Comparison => ({ group: 'undecidable', why, before, ...(after ? { after } : {}) });

  if (working.decided === false) return undecidable(working.reason);
  if (working.decided === 'deny') {
    if (before.effect === 'allow') return changed({ effect: 'deny', oneOf: working.denyRules }, `now refused by the policy: ${working.why}`);
    return undecidable(`refused either way, but ${working.why}`);
  }
  const after = working.verdict;
  if (after.effect === 'deny') {
    if (before.effect === 'deny' && before.rule === after.rule)
      return { group: 'unchanged', why: `${SAME} refused ${after.rule ? `by ${after.rule}` : 'by default'} both times`, before, after };
    return changed(after, `${show(before)} → ${show(after)}${after.rule ? '' : ` (${after.reason})`}`);
  }
  // The working policy allows.
  const onObjects = working.dependsOn?.what === 'objects' ? ', if the object Wix returns passes its resource conditions' : '';
  if (working.refusedArguments !== undefined) {
    // Allowed, then refused for certain on the logged arguments' keys (a 400): the call no longer goes through.
    const now = `${show(after)}, then its arguments refused (400 INVALID_REQUEST: ${working.refusedArguments})`;
    const refusedAfter: Verdict = { ...after, reason: `its arguments are refused: ${working.refusedArguments}` };
    if (logged.refused) return undecidable(`${show(before)} (then ${logged.refused.why}) → ${now}: refused both times`, refusedAfter);
    return changed(refusedAfter, `${show(before)} → ${now}`);
  }
  if (before.effect === 'deny') return changed(after, `${show(before)} → ${show(after)}${onObjects}`);
  if (logged.refused) {
    if (before.rule !== after.rule) return changed(after, `${show(before)} (then ${logged.refused.why}) → ${show(after)}`);
    const cause = logged.refused.by === 'traffic' ? 'traffic' : logged.refused.by === 'arguments' ? 'argument values' : 'the object Wix returned';
    return undecidable(`allowed by ${before.rule} both times, but then ${logged.refused.why}: depends on ${cause}, which the log does not hold`, after);
  }
  if (working.dependsOn) {
    if (!working.allowing.includes(before.rule!))
      return changed(after, `${show(before)} → allowed by ${working.allowing.join(' or ')}, never by ${before.rule}`);
    return undecidable(
      `depends on ${working.dependsOn.what === 'objects' ? 'the objects Wix returns' : 'traffic'} (${working.dependsOn.why}), which the log does not hold`,
      after,
    );
  }
  if (before.rule !== after.rule) return changed(after, `${show(before)} → ${show(after)}`);
  if (logged.objects) return undecidable(`allowed by ${before.rule} both times, but ${logged.objects}, which the log does not hold`, after);
  return { group: 'unchanged', why: `${SAME} allowed by ${after.rule} both times`, before, after };
}

export interface ReplayReport {
  replayed(line: ReplayedLine): void;
  skipped(line: SkippedLine): void;
}

/** Replays every line of a log file, streamed: each line is reported as it is read; the summary at the end. */
export async function replayLog(file: string, replayer: Replayer, report: ReplayReport): Promise<ReplaySummary> {
  const summary: ReplaySummary = { decisions: 0, unchanged: 0, changed: 0, undecidable: 0, skipped: 0, samePolicy: 0 };
  for await (const read of readDecisionLog(file)) {
    if ('skipped' in read) {
      summary.skipped++;
      report.skipped(read);
      continue;
    }
    const replayed = await replayer.replay(read.line, read.entry);
    summary.decisions++;
    summary[replayed.group]++;
    if (replayed.samePolicy) summary.samePolicy++;
    report.replayed(replayed);
  }
  return summary;
}
