/**
 * The seed file the user edits (`elevate.seed.yaml` in the app's folder): what the emulated SDK modules hold
 * when the emulator starts and after each `reset()`. Read with the real YAML parser, keeping positions, so that
 * every problem is reported as file:line:column (as the policy loader does) and never crashes the dev server.
 *
 *   crm.labels:                # an SDK module, as the policy names it
 *     singular: label          # optional: the response key of one item (derived from the REST path)
 *     plural: labels           # optional: the response key of a page of items
 *     idField: key             # optional: the field that identifies an item
 *     items:
 *       - key: custom.vip
 *         displayName: VIP
 *
 * Items are written as the REST API sends them (`id`, `createdDate`); `_id`, `_createdDate` and `_updatedDate`,
 * as the SDK shows them, are accepted and renamed. Each item needs its id field, once per module.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Diagnostic } from '../../policy/diagnostics.ts';
import { documentValue, locate, parseYamlText, positionOf, type LoadedFile } from '../../policy/load.ts';
import type { EmulatorDiagnostic } from './emulator-diagnostic.ts';
import type { ModuleSeed } from './module-emulation.ts';

export const DEFAULT_SEED_FILE = 'elevate.seed.yaml';

const MODULE = /^[a-z][A-Za-z0-9]*\.[A-Za-z][A-Za-z0-9]*$/;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

const identifier = (what: string) =>
  z
    .string()
    .regex(IDENTIFIER, `${what} is a field name: letters, digits, _ or $, not starting with a digit`)
    .refine((name) => name !== '__proto__', `${what} cannot be "__proto__"`);

/** YAML's `.inf` and `.nan` have no JSON form: the SDK would receive null. */
function finiteNumbers(value: unknown, path: (string | number)[], ctx: z.RefinementCtx): void {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    ctx.addIssue({ code: 'custom', path, message: `${String(value)} is not a JSON number` });
  } else if (Array.isArray(value)) value.forEach((v, i) => finiteNumbers(v, [...path, i], ctx));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) finiteNumbers(v, [...path, k], ctx);
}

const itemSchema = z
  .record(z.string(), z.unknown(), { error: 'each item is a mapping of its fields (key: value)' })
  .superRefine((item, ctx) => finiteNumbers(item, [], ctx));

const moduleSeedSchema = z.strictObject(
  {
    singular: identifier('singular').optional(),
    plural: identifier('plural').optional(),
    idField: identifier('idField').optional(),
    items: z.array(itemSchema, { error: 'items is a list of items (- key: value)' }).optional(),
  },
  { error: 'a module entry is a mapping with items (and optionally singular, plural, idField)' },
);

const seedFileSchema = z.record(
  z.string().regex(MODULE, 'a seed file is keyed by SDK module, as the policy names it (e.g. crm.labels)'),
  moduleSeedSchema.nullable(),
  { error: 'a seed file is a mapping of SDK modules (crm.labels: { items: [...] })' },
);

export interface SeedFile {
  /** the path shown in diagnostics */
  file: string;
  /** module → its seed as written (items not yet checked against the module's id field: see `seedItemsFor`) */
  modules: Map<string, ModuleSeed>;
  diagnostics: EmulatorDiagnostic[];
  /** line and column of a path in the document (of the key, with `key`) */
  at(path: readonly (string | number)[], key?: boolean): { line: number; column: number };
}

const fromPolicyDiagnostic = (d: Diagnostic): EmulatorDiagnostic => ({
  severity: d.severity,
  file: d.file,
  line: d.line,
  column: d.column,
  message: d.message,
});

/** Parses and validates a seed file's text; problems are in `diagnostics`, with their positions. */
export function parseSeedText(text: string, file: string): SeedFile {
  const { doc, lines } = parseYamlText(text);
  const loaded: LoadedFile = { file, doc, lines };
  const seed: SeedFile = { file, modules: new Map(), diagnostics: [], at: (path, key = false) => locate(loaded, path, key) };
  for (const error of [...doc.errors, ...doc.warnings]) {
    seed.diagnostics.push({
      severity: doc.errors.includes(error as never) ? 'error' : 'warning',
      file,
      ...positionOf(lines, error.pos[0]),
      message: error.message.split('\n')[0] ?? 'YAML error',
    });
  }
  if (doc.errors.length > 0) return seed;
  const policyDiagnostics: Diagnostic[] = [];
  const value = documentValue(loaded, policyDiagnostics);
  seed.diagnostics.push(...policyDiagnostics.map(fromPolicyDiagnostic));
  if (!value.ok) return seed;
  if (value.value === null || value.value === undefined) return seed; // an empty file seeds nothing

  const parsed = seedFileSchema.safeParse(value.value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path as (string | number)[];
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
      const onKey = issue.code === 'unrecognized_keys' || issue.code === 'invalid_key';
      const where = path.length ? `${path.join('.')}: ` : '';
      let message = issue.message;
      if (issue.code === 'unrecognized_keys')
        message = `unknown key ${keys.map((k) => `"${k}"`).join(', ')} (a module entry has items, singular, plural, idField)`;
      if (issue.code === 'invalid_key') message = issue.issues[0]?.message ?? issue.message;
      seed.diagnostics.push({
        severity: 'error',
        file,
        ...locate(loaded, keys.length ? [...path, keys[0]!] : path, onKey),
        message: `${where}${message}`,
      });
    }
    return seed;
  }
  for (const [module, entry] of Object.entries(parsed.data)) seed.modules.set(module, entry ?? {});
  return seed;
}

/** Reads and parses a seed file; an unreadable file is a diagnostic too. */
export function readSeedFile(path: string, shownAs = path): SeedFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    return {
      file: shownAs,
      modules: new Map(),
      diagnostics: [{ severity: 'error', file: shownAs, line: 1, column: 1, message: `cannot read the seed file: ${reason}` }],
      at: () => ({ line: 1, column: 1 }),
    };
  }
  return parseSeedText(text, shownAs);
}

const SDK_NAMES: readonly [sdk: string, rest: string][] = [
  ['_id', 'id'],
  ['_createdDate', 'createdDate'],
  ['_updatedDate', 'updatedDate'],
];

/**
 * A module's seed items, checked now that its id field is known: each has a non-empty string id, no two the
 * same (the SDK's `_id`, `_createdDate`, `_updatedDate` become `id`, …). Items in error are left out.
 */
export function seedItemsFor(seed: SeedFile, module: string, idField: string): { items: Record<string, unknown>[]; diagnostics: EmulatorDiagnostic[] } {
  const diagnostics: EmulatorDiagnostic[] = [];
  const items: Record<string, unknown>[] = [];
  const seen = new Map<string, number>();
  const problem = (path: (string | number)[], message: string, key = false) =>
    diagnostics.push({
      severity: 'error',
      file: seed.file,
      ...seed.at([module, 'items', ...path], key),
      module,
      message: `${module}.items.${path.join('.')}: ${message}`,
    });
  (seed.modules.get(module)?.items ?? []).forEach((written, index) => {
    let ok = true;
    const renamed = Object.entries(written).map(([key, value]): [string, unknown] => {
      const rest = SDK_NAMES.find(([sdk]) => sdk === key)?.[1];
      if (rest !== undefined && Object.hasOwn(written, rest)) {
        problem([index, key], `has both ${key} and ${rest} (the SDK's and the REST name of one field): keep ${rest}`, true);
        ok = false;
      }
      return [rest ?? key, value];
    });
    const item = Object.fromEntries(renamed);
    const id = item[idField];
    const idKey = Object.hasOwn(written, idField) ? idField : (SDK_NAMES.find(([, rest]) => rest === idField)?.[0] ?? idField);
    if (id === undefined) {
      problem([index], `has no ${idField} (the ${module} items are identified by ${idField})`);
      ok = false;
    } else if (typeof id !== 'string' || id === '') {
      problem([index, idKey], `${idField} must be a non-empty string${typeof id === 'number' ? ` (quote it: "${id}")` : ''}`);
      ok = false;
    } else if (seen.has(id)) {
      problem([index, idKey], `${idField} ${JSON.stringify(id)} is already the ${idField} of item ${seen.get(id)}`);
      ok = false;
    } else seen.set(id, index);
    if (ok) items.push(item);
  });
  return { items, diagnostics };
}
