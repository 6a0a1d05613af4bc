// The local server's memory of recent decisions, by request id, for the playground. Bounded: the
// oldest entries go first, so a long session or a load test cannot grow it without limit.
import type { DecisionEntry } from '../../gateway/decision-log.ts';

export interface DecisionStore {
  add(entry: DecisionEntry): void;
  get(requestId: string): DecisionEntry | undefined;
  readonly size: number;
}

export function createDecisionStore(max = 1000): DecisionStore {
  const entries = new Map<string, DecisionEntry>();
  return {
    add(entry) {
      entries.delete(entry.requestId);
      entries.set(entry.requestId, entry);
      while (entries.size > max) entries.delete(entries.keys().next().value!);
    },
    get: (requestId) => entries.get(requestId),
    get size() {
      return entries.size;
    },
  };
}
