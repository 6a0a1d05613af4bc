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
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { skipped: 'not JSON' };
  }
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

/**
 * Why logged arguments are not in the gateway's redacted form (undefined: they are). A string
 * outside a marker is refused, so replay never decides on a value that reads as sent.
 */
function redactedFormProblem(args: unknown[]): string | undefined {
  let level: { value: unknown; path: string }[] = [{ value: args, path: 'args' }];
  for (let depth = 1; level.length > 0; depth++) {
    if (depth > MAX_ARGS_DEPTH) return `nested more than ${MAX_ARGS_DEPTH} levels deep`;
    const next: typeof level = [];
    for (const { value, path } of level) {
      if (typeof value === 'string') return `${path} is a string, not a redaction marker`;
      if (value === null || typeof value !== 'object') continue;
      if (isRedacted(value)) {
        const keys = Object.keys(value);
        const marker = value as Record<string, unknown>;
        const ok =
          marker.$redacted === 'string'
            ? keys.length === 2 && Number.isSafeInteger(marker.length) && (marker.length as number) >= 0
            : marker.$redacted === 'number' && keys.length === 1;
        if (!ok) return `${path} is not a redaction marker`;
        continue;
      }
      const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
      for (const [key, v] of entries) next.push({ value: v, path: `${path}.${key.length > 64 ? `${key.slice(0, 64)}…` : key}` });
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
