// Reads a decision log: the JSON lines the gateway wrote, among whatever else the runtime printed.
// Each line is either a decision entry or a skipped line with why. The file is streamed and every
// line is bounded, so a log of any size, and anything in it, is read without crashing.
import { createReadStream } from 'node:fs';
import * as z from 'zod';
import { SUBJECT_TYPES } from '../../contract/compiled-policy.ts';
import { isRedacted, type DecisionEntry } from '../../gateway/decision-log.ts';

/** A longer line is skipped unread (a gateway line is far shorter: its body limit bounds the arguments). */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;
/** Deepest nesting of logged arguments accepted (the policy's `limits.jsonDepth` is far lower). */
export const MAX_ARGS_DEPTH = 64;
/**
 * Most values (every array item and object entry, at any depth) a line may hold: a gateway line is
 * far smaller (its body limit bounds the arguments), and checking a wider one would take seconds
 * and hundreds of megabytes for nothing a decision holds.
 */
export const MAX_LINE_VALUES = 100_000;

export type LogLine = { line: number; entry: DecisionEntry } | { line: number; skipped: string };

const id = z.string().min(1).max(512);
const entrySchema = z.object({
  time: z.string().max(64),
  requestId: id,
  policy: z.string().max(128).optional(),
  caller: z.object({ subjectType: z.enum(SUBJECT_TYPES), id: z.string().max(512) }).optional(),
  call: z.string().max(512).optional(),
  malformedName: z.literal(true).optional(),
  effect: z.enum(['allow', 'deny']).optional(),
  decision: z.enum(['allow', 'deny', 'error']),
  rule: id.optional(),
  reason: z.string().optional(),
  status: z.int().min(100).max(599),
  code: z.string().max(64).optional(),
  args: z.array(z.unknown()).optional(),
  obligations: z.array(z.looseObject({ type: z.string().max(64) })),
  durationMs: z.number(),
});

/** The decision entry a line holds, or why it is skipped. */
export function parseLogLine(text: string): { entry: DecisionEntry } | { skipped: string } {
  // Before parsing: a line too wide or too deep is skipped without building its millions of values.
  const shape = textShapeProblem(text);
  if (shape) return { skipped: `not a decision entry (${shape})` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { skipped: 'not JSON' };
  }
  const size = sizeProblem(value);
  if (size) return { skipped: `not a decision entry (${size})` };
  const parsed = entrySchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { skipped: `not a decision entry (${issue.path.length ? issue.path.join('.') : 'the line'}: ${issue.message})` };
  }
  const entry = parsed.data as DecisionEntry;
  if (entry.effect === 'allow' && entry.rule === undefined) return { skipped: 'not a decision entry (an allow without its rule)' };
  if (entry.args !== undefined) {
    const problem = redactedFormProblem(entry.args);
    if (problem) return { skipped: `not a decision entry (args: ${problem})` };
  }
  return { entry };
}

const TOO_LARGE = `too large: more than ${MAX_LINE_VALUES} values (a gateway line holds far fewer), skipped unchecked`;
const TOO_DEEP = `nested more than ${MAX_ARGS_DEPTH} levels deep`;

/**
 * The same bounds read off the text in one pass, before JSON.parse builds anything: outside
 * strings, every `,` separates one more value and every container but the outermost is a value, so
 * either count past MAX_LINE_VALUES means more values than that; `[` and `{` give the nesting.
 * (Text that is not JSON passes here and fails to parse.)
 */
function textShapeProblem(text: string): string | undefined {
  let commas = 0;
  let opens = 0;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x2c) {
      if (++commas > MAX_LINE_VALUES) return TOO_LARGE;
    } else if (c === 0x5b || c === 0x7b) {
      // The outermost container is depth 1 here, depth 0 below (sizeProblem).
      if (++depth > MAX_ARGS_DEPTH + 1) return TOO_DEEP;
      if (++opens > MAX_LINE_VALUES + 1) return TOO_LARGE;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return undefined;
}

/**
 * Why a line's value is too large to check (undefined: it is not): more than MAX_LINE_VALUES values,
 * or nested deeper than MAX_ARGS_DEPTH. Walked level by level, so neither recursion nor the count
 * of values ever grows past the bounds.
 */
function sizeProblem(value: unknown): string | undefined {
  let level: unknown[] = [value];
  let budget = MAX_LINE_VALUES;
  for (let depth = 0; level.length > 0; depth++) {
    if (depth > MAX_ARGS_DEPTH) return TOO_DEEP;
    const next: unknown[] = [];
    for (const v of level) {
      if (v === null || typeof v !== 'object') continue;
      const children = Array.isArray(v) ? v : Object.values(v);
      budget -= children.length;
      if (budget < 0) return TOO_LARGE;
      for (const c of children) if (c !== null && typeof c === 'object') next.push(c);
    }
    level = next;
  }
  return undefined;
}

/** A node of the arguments as walked: its path is built only when a problem is reported. */
interface Walked {
  value: unknown;
  parent: Walked | undefined;
  key: string;
}

const pathOf = (node: Walked): string => {
  const keys: string[] = [];
  for (let n: Walked | undefined = node; n; n = n.parent) keys.push(n.key.length > 64 ? `${n.key.slice(0, 64)}…` : n.key);
  return keys.reverse().join('.');
};

/**
 * Why logged arguments are not in the gateway's redacted form (undefined: they are). A string
 * outside a marker is refused, so replay never decides on a value that reads as sent. The line's
 * size is checked first (sizeProblem): this walk is bounded by it.
 */
function redactedFormProblem(args: unknown[]): string | undefined {
  let level: Walked[] = [{ value: args, parent: undefined, key: 'args' }];
  for (let depth = 1; level.length > 0; depth++) {
    if (depth > MAX_ARGS_DEPTH) return `nested more than ${MAX_ARGS_DEPTH} levels deep`;
    const next: Walked[] = [];
    for (const node of level) {
      const value = node.value;
      if (typeof value === 'string') return `${pathOf(node)} is a string, not a redaction marker`;
      if (value === null || typeof value !== 'object') continue;
      if (isRedacted(value)) {
        const keys = Object.keys(value);
        const marker = value as Record<string, unknown>;
        const ok =
          marker.$redacted === 'string'
            ? keys.length === 2 && Number.isSafeInteger(marker.length) && (marker.length as number) >= 0
            : marker.$redacted === 'number' && keys.length === 1;
        if (!ok) return `${pathOf(node)} is not a redaction marker`;
        continue;
      }
      if (Array.isArray(value)) value.forEach((v, i) => next.push({ value: v, parent: node, key: String(i) }));
      else for (const key of Object.keys(value)) next.push({ value: (value as Record<string, unknown>)[key], parent: node, key });
    }
    level = next;
  }
  return undefined;
}

/** Every line of the file, numbered from 1; blank lines are passed over. */
export async function* readDecisionLog(file: string, maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<LogLine> {
  let number = 0;
  for await (const line of boundedLines(file, maxLineBytes)) {
    number++;
    if (line === undefined) {
      yield { line: number, skipped: `longer than ${maxLineBytes} bytes` };
      continue;
    }
    const text = (number === 1 ? line.replace(/^\uFEFF/, '') : line).trim();
    if (text === '') continue;
    yield { line: number, ...parseLogLine(text) };
  }
}

/** The file's lines as text (`\n` or `\r\n`), or undefined for one longer than `max` bytes, which is never held. */
async function* boundedLines(file: string, max: number): AsyncGenerator<string | undefined> {
  let parts: Buffer[] = [];
  let size = 0;
  let overflow = false;
  const finish = () => {
    const text = overflow ? undefined : Buffer.concat(parts, size).toString('utf8').replace(/\r$/, '');
    parts = [];
    size = 0;
    overflow = false;
    return text;
  };
  const take = (chunk: Buffer) => {
    if (overflow) return;
    if (size + chunk.length > max) {
      overflow = true;
      parts = [];
      size = 0;
      return;
    }
    parts.push(chunk);
    size += chunk.length;
  };
  for await (const chunk of createReadStream(file, { highWaterMark: 64 * 1024 }) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let end = chunk.indexOf(0x0a); end >= 0; end = chunk.indexOf(0x0a, start)) {
      take(chunk.subarray(start, end));
      yield finish();
      start = end + 1;
    }
    if (start < chunk.length) take(chunk.subarray(start));
  }
  if (size > 0 || overflow) yield finish();
}
