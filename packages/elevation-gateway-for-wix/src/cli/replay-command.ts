// `elevate replay <log.jsonl> [--policies <dir>] [--json] [--fail-on-change]`
import { statSync } from 'node:fs';
import { buildPolicy } from '../policy/build.ts';
import { policyDigest } from '../contract/policy-digest.ts';
import { formatDiagnostic } from '../policy/diagnostics.ts';
import { createReplayer, replayLog, type ReplayedLine, type ReplayGroup, type ReplaySummary, type SkippedLine } from '../review/replay/replay.ts';
import { projectConfig } from './project-config.ts';
import { readCommandLine } from './command-line.ts';
import { paint, printable, usageError, type Paint } from './output.ts';

export const REPLAY_HELP = `usage: elevate replay <log.jsonl> [--policies <dir>] [--json] [--fail-on-change]

Re-decides, offline, every decision of a decision log (the gateway's JSON lines; any other line is
skipped and listed with its number) with the working policy, and sorts each line:
  unchanged    the working policy decides the same: the same effect and the same deciding rule
  changed      another effect or another deciding rule (before → after)
  undecidable  not decidable from the log: the decision depended on the objects Wix returned,
               on argument values the line does not hold (redacted, or not logged: the gateway's
               logArguments option), on the traffic (a rate limit), or no decision was made
A line whose policy digest is the working policy's is marked "same policy".
  --policies <dir>   the working policy folder (default: the project's, policies unless configured)
  --json             the report as JSON
  --fail-on-change   exit 1 when any line changed (a gate on a recorded log)
Exit 0 otherwise (replay is a report); 1 when the policy has errors; 2 on usage errors.
example: elevate replay decisions.jsonl --policies policies`;

export async function runReplay(argv: string[]): Promise<number> {
  const line = readCommandLine(
    'replay',
    argv,
    REPLAY_HELP,
    {
      policies: { type: 'string', default: projectConfig().policies },
      json: { type: 'boolean', default: false },
      'fail-on-change': { type: 'boolean', default: false },
    },
    true,
  );
  if (typeof line === 'number') return line;
  const { values, positionals } = line;
  if (positionals.length !== 1) return usageError('replay', 'give one decision log (a file of JSON lines)', REPLAY_HELP);
  const file = positionals[0]!;
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
  } catch {
    return usageError('replay', `${file}: no such file`, REPLAY_HELP);
  }
  if (!isFile) return usageError('replay', `${file} is not a file: give the decision log`, REPLAY_HELP);

  const built = await buildPolicy(values.policies);
  if (!built.policy) {
    for (const d of built.diagnostics) console.error(formatDiagnostic(d));
    console.error('elevate replay: the policy has errors; run `elevate check`');
    return 1;
  }
  const replayer = createReplayer(built.policy, await policyDigest(built.policy));
  const summary = values.json ? await printJson(file, values.policies, replayer) : await printText(file, values.policies, replayer, paint());
  return values['fail-on-change'] && summary.changed > 0 ? 1 : 0;
}

/** The report as one JSON document, written as the log is read (a large log is never held). */
async function printJson(file: string, policies: string, replayer: ReturnType<typeof createReplayer>): Promise<ReplaySummary> {
  console.log(`{"log":${JSON.stringify(file)},"policies":${JSON.stringify(policies)},"policy":${JSON.stringify(replayer.digest)},"lines":[`);
  let first = true;
  const item = (value: unknown) => {
    console.log(`${first ? '' : ','}${JSON.stringify(value)}`);
    first = false;
  };
  const summary = await replayLog(file, replayer, {
    replayed: item,
    skipped: (s) => item({ line: s.line, group: 'skipped', why: s.skipped }),
  });
  console.log(`],"summary":${JSON.stringify(summary)}}`);
  return summary;
}

const LABEL: Record<ReplayGroup | 'skipped', string> = { unchanged: 'unchanged', changed: 'CHANGED', undecidable: 'undecidable', skipped: 'skipped' };

export function formatReplayedLine(r: ReplayedLine, p: Paint): string {
  const colour = r.group === 'changed' ? p.red : r.group === 'unchanged' ? p.green : p.yellow;
  const who = r.caller ? printable(r.caller, 120) : '(no caller)';
  const what = r.call !== undefined ? printable(r.call, 120) : '(no call)';
  return `  line ${String(r.line).padEnd(5)} ${colour(LABEL[r.group].padEnd(11))} ${who} ${what} (${r.status}): ${printable(r.why, 600)}${r.samePolicy ? p.dim('  [same policy]') : ''}`;
}

export function formatSkippedLine(s: SkippedLine, p: Paint): string {
  return `  line ${String(s.line).padEnd(5)} ${p.dim(LABEL.skipped.padEnd(11))} ${printable(s.skipped, 300)}`;
}

export function formatSummary(s: ReplaySummary, digest: string): string {
  return [
    `summary: ${s.decisions} decision(s): ${s.unchanged} unchanged, ${s.changed} changed, ${s.undecidable} not decidable from the log`,
    `  ${s.skipped} line(s) skipped (not decision entries)`,
    `  ${s.samePolicy} of ${s.decisions} decided under the working policy (${digest})`,
  ].join('\n');
}

async function printText(file: string, policies: string, replayer: ReturnType<typeof createReplayer>, p: Paint): Promise<ReplaySummary> {
  console.log(`${p.bold('replay')} of ${printable(file)} against ${printable(policies)} (${replayer.digest})`);
  const summary = await replayLog(file, replayer, {
    replayed: (r) => console.log(formatReplayedLine(r, p)),
    skipped: (s) => console.log(formatSkippedLine(s, p)),
  });
  console.log(formatSummary(summary, replayer.digest));
  return summary;
}
