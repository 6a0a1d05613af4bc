// One structured line per request: who, what, the policy (its digest) and what it decided, the rule
// that decided, what was done to the reply, and how long it took. Never a token; argument values
// never, and the arguments themselves only when the app opts in, in the redacted form below.
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
  /** The digest of the policy module the request met (`sha256:…`); absent when none loaded (503 POLICY_UNAVAILABLE). */
  policy?: string;
  caller?: { subjectType: SubjectType; id: string };
  call?: string;
  /** The module or method name was not well-formed: decided as an unknown call (`call` is then only what was sent, joined). */
  malformedName?: true;
  /**
   * What the policy decided, when it decided (absent: refused before a decision, e.g. 401, 400
   * malformed, 413, 503). `decision` is the outcome: an allowed call its obligations refused (an
   * argument, the object, the rate limit) is `effect: allow`, `decision: deny`.
   */
  effect?: 'allow' | 'deny';
  decision: 'allow' | 'deny' | 'error';
  /** Allowed: the rule that decided; denied by the policy: the deny rule, if one refused; refused after allow: the allowing rule. */
  rule?: string;
  /** Why a call was denied or failed (internal; not sent to the client). */
  reason?: string;
  status: number;
  code?: string;
  /** The arguments, redacted (`logArguments`; default: absent): only of requests whose body passed the wire checks. */
  args?: unknown[];
  obligations: Obligation[];
  durationMs: number;
}

/** Where decision entries go. A sink must not throw; the gateway guards against it anyway. */
export interface DecisionSink {
  write(entry: DecisionEntry): void;
}

/** What a Node-like runtime offers for writing lines to stdout (absent in workerd: `process.stdout` is not there). */
export interface NodeProcess {
  stdout: { write(text: string, written?: () => void): unknown };
  once(event: 'exit', listener: () => void): unknown;
  on(event: string, listener: (signal: string) => void): unknown;
  removeListener(event: string, listener: (signal: string) => void): unknown;
  listenerCount(event: string): number;
  kill(pid: number, signal: string): unknown;
  pid: number;
  getBuiltinModule?(id: string): unknown;
}

/** Node (or a runtime that says it is Node): its `process`, whose stdout is created only when first written. */
function nodeProcess(): NodeProcess | undefined {
  const p = (globalThis as { process?: Partial<NodeProcess> & { release?: { name?: unknown } } }).process;
  if (p?.release?.name !== 'node' || typeof p.once !== 'function' || typeof p.on !== 'function' || typeof p.kill !== 'function') return undefined;
  if (typeof setImmediate !== 'function') return undefined;
  return p as NodeProcess;
}

/** The most lines held before they are written, whatever the turn. */
export const MAX_PENDING_LINES = 256;

/** Signals whose default action ends the process at once: pending lines are written first. */
const FLUSH_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

/** console.log as the runtime made it, on Node's own console object; anything else is someone's wrapper. */
const runtimeLog = console.log;
const untouchedConsole = (p: NodeProcess) => {
  let nodeConsole: unknown;
  return () => console.log === runtimeLog && runtimeLog.name === 'log' && globalThis.console === (nodeConsole ??= p.getBuiltinModule?.('node:console'));
};

/**
 * JSON lines to stdout, written once per event-loop turn: every line written separately cost
 * about 100 µs of a request when stdout is a pipe (`npm run bench`), most of a request's overhead.
 * A full batch is written at once; what is pending is written when the process exits (normally,
 * by process.exit or an uncaught error) and on SIGTERM, SIGINT and SIGHUP: when nothing else
 * listens for the signal, the sink writes, then lets the signal end the process as it would have.
 * While console.log is not Node's own (a log shipper, the local server, a test's spy or runner),
 * each line goes through it instead, at once, as before.
 */
export function stdoutLineSink(out: NodeProcess, direct: () => boolean = untouchedConsole(out)): DecisionSink {
  let pending: string[] = [];
  let hooked = false;
  const flush = (written?: () => void) => {
    if (pending.length === 0) return false;
    const lines = pending;
    pending = [];
    out.stdout.write(`${lines.join('\n')}\n`, written);
    return true;
  };
  const onSignal = (signal: string) => {
    // Someone else handles the signal: write what is pending and leave the process to them.
    if (out.listenerCount(signal) > 1) return void flush();
    for (const s of FLUSH_SIGNALS) out.removeListener(s, onSignal);
    const end = () => void out.kill(out.pid, signal);
    if (!flush(end)) return end();
    (setTimeout(end, 1000) as { unref?: () => void }).unref?.();
  };
  const hook = () => {
    hooked = true;
    out.once('exit', () => void flush());
    for (const s of FLUSH_SIGNALS) out.on(s, onSignal);
  };
  return {
    write(entry) {
      const line = JSON.stringify(entry);
      if (!direct()) {
        flush();
        console.log(line);
        return;
      }
      if (!hooked) hook();
      pending.push(line);
      if (pending.length >= MAX_PENDING_LINES) flush();
      else if (pending.length === 1) setImmediate(() => void flush());
    },
  };
}

/**
 * The default: one JSON line per request on the console. On Node (a self-hosted backend)
 * with console.log as Node made it, the lines go to stdout in one write per event-loop turn
 * (stdoutLineSink); where there is no process stdout (Wix's workerd, where each console.log is
 * one log entry), one console.log each.
 */
export const consoleSink: DecisionSink = (() => {
  const out = nodeProcess();
  if (out) return stdoutLineSink(out);
  return {
    write(entry: DecisionEntry) {
      console.log(JSON.stringify(entry));
    },
  };
})();

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

/**
 * Whether the decision log carries the arguments: `off` (the default) never; `redacted`: every
 * string becomes `{ "$redacted": "string", "length": n }`, numbers, booleans, null, keys and array
 * lengths are kept; `redacted-numbers`: numbers too become `{ "$redacted": "number" }`.
 */
export type ArgumentLogging = 'off' | 'redacted' | 'redacted-numbers';
export const ARGUMENT_LOGGING: readonly ArgumentLogging[] = ['off', 'redacted', 'redacted-numbers'];

/** What stands in for a string or a number in logged arguments. */
export type RedactedValue = { $redacted: 'string'; length: number } | { $redacted: 'number' };

/**
 * Whether a logged value is a redaction marker. No value a client sent can read as one: every
 * client string is replaced, so a client's own `{ "$redacted": … }` never holds a string there.
 */
export function isRedacted(value: unknown): value is RedactedValue {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && typeof (value as { $redacted?: unknown }).$redacted === 'string';
}

/** The arguments as the log carries them: never a string's content (nor a number's, with `numbers`). */
export function redactArguments(args: readonly unknown[], numbers = false): unknown[] {
  const redact = (value: unknown): unknown => {
    if (typeof value === 'string') return { $redacted: 'string', length: value.length };
    if (typeof value === 'number') return numbers ? { $redacted: 'number' } : value;
    if (Array.isArray(value)) return value.map(redact);
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      // Defined, not assigned: a key such as `__proto__` stays a key (the wire checks let it through; the argument check refuses it later).
      for (const [key, v] of Object.entries(value)) Object.defineProperty(out, key, { value: redact(v), enumerable: true, writable: true, configurable: true });
      return out;
    }
    return value; // booleans and null
  };
  return args.map(redact);
}

/** The redaction a gateway applies to the arguments it logs; undefined when it logs none. */
export function argumentRedaction(mode: ArgumentLogging | undefined): ((args: readonly unknown[]) => unknown[]) | undefined {
  if (mode === undefined || mode === 'off') return undefined;
  if (mode === 'redacted') return (args) => redactArguments(args);
  if (mode === 'redacted-numbers') return (args) => redactArguments(args, true);
  throw new TypeError(`createGateway: logArguments must be one of ${ARGUMENT_LOGGING.map((m) => `"${m}"`).join(', ')} (got ${JSON.stringify(mode)})`);
}
