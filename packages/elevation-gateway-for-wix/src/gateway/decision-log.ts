// One structured line per request: who, what, the decision, the rule that decided, what was
// done to the reply, and how long it took. Never a token, never an argument value.
import type { SubjectType } from '../contract/compiled-policy.ts';

export type Obligation =
  | { type: 'filter'; filter: unknown }
  | { type: 'filter-skipped'; reason: string }
  | { type: 'cap'; cap: number; enforced: string[] }
  | { type: 'items-dropped'; count: number }
  | { type: 'fields-removed'; paths: string[]; items?: number }
  | { type: 'preload'; call: string; passed: boolean }
  | { type: 'resource-check'; passed: boolean }
  | { type: 'presets'; paths: string[] }
  | { type: 'signed-cursor'; passed: boolean }
  | { type: 'cursors-withheld'; reason: string };

export interface DecisionEntry {
  time: string;
  requestId: string;
  caller?: { subjectType: SubjectType; id: string };
  call?: string;
  decision: 'allow' | 'deny' | 'error';
  rule?: string;
  /** Why a call was denied or failed (internal; not sent to the client). */
  reason?: string;
  status: number;
  code?: string;
  obligations: Obligation[];
  durationMs: number;
}

/** Where decision entries go. A sink must not throw; the gateway guards against it anyway. */
export interface DecisionSink {
  write(entry: DecisionEntry): void;
}

export const consoleSink: DecisionSink = {
  write(entry) {
    console.log(JSON.stringify(entry));
  },
};

export const silentSink: DecisionSink = { write() {} };

/** Keeps entries in memory (tests, the local playground). */
export function memorySink(max = 1000): DecisionSink & { entries: DecisionEntry[] } {
  const entries: DecisionEntry[] = [];
  return {
    entries,
    write(entry) {
      entries.push(entry);
      if (entries.length > max) entries.shift();
    },
  };
}
