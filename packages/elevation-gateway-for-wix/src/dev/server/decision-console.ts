// api.ts logs one JSON line per request with console.log (Wix collects it). The local server wraps
// console.log to recognise those lines, and hands each to the server whose request wrote it (found
// through an AsyncLocalStorage scope around the request), so it can keep and print it readably.
// Lines outside a request, and every other line, pass through untouched.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DecisionEntry } from '../../gateway/decision-log.ts';

export type DecisionListener = (entry: DecisionEntry) => void;

const scope = new AsyncLocalStorage<DecisionListener>();
let original: typeof console.log | undefined;
let installed = 0;

/** The entry a decision-log line carries, or undefined when the line is something else. */
export function parseDecisionLine(line: string): DecisionEntry | undefined {
  if (!line.startsWith('{"')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const e = value as Partial<DecisionEntry> | null;
  if (!e || typeof e !== 'object') return undefined;
  if (typeof e.requestId !== 'string' || typeof e.status !== 'number' || !Array.isArray(e.obligations)) return undefined;
  if (e.decision !== 'allow' && e.decision !== 'deny' && e.decision !== 'error') return undefined;
  return e as DecisionEntry;
}

/** Runs `fn` (a request) so that the decision lines it logs reach `listener`. */
export function withDecisionListener<T>(listener: DecisionListener, fn: () => T): T {
  return scope.run(listener, fn);
}

/** Wraps console.log (once per process, however many servers); returns the undo. */
export function installDecisionConsole(): () => void {
  if (installed++ === 0) {
    const log = console.log;
    original = log;
    console.log = function decisionAwareLog(...args: unknown[]) {
      const listener = scope.getStore();
      if (listener && args.length === 1 && typeof args[0] === 'string') {
        const entry = parseDecisionLine(args[0]);
        if (entry) {
          listener(entry);
          return;
        }
      }
      log.apply(console, args);
    };
  }
  let undone = false;
  return () => {
    if (undone) return;
    undone = true;
    if (--installed === 0 && original) {
      console.log = original;
      original = undefined;
    }
  };
}
