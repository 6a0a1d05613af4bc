// Reads policies/*.yaml with the real YAML parser, keeping every node's position so that schema
// and semantic errors point at file:line:column.
import { readFileSync, readdirSync, existsSync, lstatSync, readlinkSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LineCounter, YAMLParseError, parseDocument, visit, isAlias, isMap, isSeq, isScalar, type Alias, type Document, type Node } from 'yaml';
import { policyFileSchema, type PolicyFile } from './schema.ts';
import type { Diagnostic } from './diagnostics.ts';

export interface LoadedFile {
  /** Path as shown in diagnostics (relative to the working directory). */
  file: string;
  doc: Document;
  lines: LineCounter;
  policy?: PolicyFile;
}

/** The folder's `*.yaml` entries, sorted, each with why it is not a policy file (undefined: a regular file, or a link to one). */
export function policyEntries(dir: string): { path: string; problem?: string }[] {
  if (!isDirectory(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => {
      const path = join(dir, f);
      const problem = notAPolicyFile(path);
      return problem ? { path, problem } : { path };
    });
}

/** Why a `*.yaml` entry is not a file to read as policy (a dangling link, a folder, a FIFO …); undefined when it is one. */
function notAPolicyFile(path: string): string | undefined {
  let link: string | undefined;
  try {
    if (lstatSync(path).isSymbolicLink()) link = readlinkSync(path);
  } catch {
    return 'cannot be read';
  }
  const to = link === undefined ? '' : ` (a symbolic link to ${JSON.stringify(link)})`;
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return `is a symbolic link to nothing${to}`;
  }
  if (stats.isFile()) return undefined;
  return `is ${stats.isDirectory() ? 'a folder' : 'not a regular file'}${to}`;
}

/** The policy files of a folder: its `*.yaml` regular files (loadPolicyDir reports any other `*.yaml` entry as an error). */
export function policyFiles(dir: string): string[] {
  return policyEntries(dir)
    .filter((e) => e.problem === undefined)
    .map((e) => e.path);
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** 1-based line and column of an offset (never 0, even in an empty text). */
export function positionOf(lines: LineCounter, offset: number): { line: number; column: number } {
  const pos = lines.linePos(offset);
  return { line: Math.max(1, pos.line), column: Math.max(1, pos.col) };
}

/** Deepest nesting a policy or policy-test document may have (the gateway's own JSON depth limit is at most 64). */
export const MAX_DOCUMENT_DEPTH = 64;
const MAX_ALIAS_COUNT = 50;
const MAX_DOCUMENT_NODES = 100_000;

/**
 * The document as plain data, or positioned errors and `{ ok: false }`: YAML aliases that are
 * unresolved, excessive (billion laughs) or recursive, nesting deeper than MAX_DOCUMENT_DEPTH, and
 * `__proto__` keys (a record would silently drop them, and a condition with them) are refused before
 * anything recurses into the value.
 */
export function documentValue(loaded: LoadedFile, diagnostics: Diagnostic[]): { ok: true; value: unknown } | { ok: false } {
  const fail = (at: { line: number; column: number }, message: string) => {
    diagnostics.push({ severity: 'error', file: loaded.file, ...at, code: 'yaml', message });
    return { ok: false } as const;
  };
  let value: unknown;
  try {
    value = loaded.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // One pass over the document, in order: the first alias whose anchor is not defined before it
    // (linear: resolving each alias would walk the whole document once per alias, a hang on a
    // small file of many aliases), and the first alias of all.
    const anchors = new Set<string>();
    let first: Alias | undefined;
    let unresolved: Alias | undefined;
    visit(loaded.doc, (_key, node) => {
      if (isAlias(node)) {
        first ??= node;
        if (!anchors.has(node.source)) {
          unresolved = node;
          return visit.BREAK;
        }
        return undefined;
      }
      const anchor = (node as { anchor?: string } | null)?.anchor;
      if (anchor) anchors.add(anchor);
      return undefined;
    });
    const target = unresolved ?? first;
    const at = positionOf(loaded.lines, target?.range?.[0] ?? 0);
    if (unresolved) return fail(at, `alias *${(unresolved as Alias).source} refers to no anchor &${(unresolved as Alias).source} defined before it`);
    if (/excessive alias count/i.test((error as Error).message)) {
      return fail(at, `too many YAML aliases: expanding them would take more than ${MAX_ALIAS_COUNT} copies (write the values out instead)`);
    }
    return fail(at, `the YAML document cannot be read: ${(error as Error).message}`);
  }
  let budget = MAX_DOCUMENT_NODES;
  const ancestors: object[] = [];
  let problem: { path: (string | number)[]; message: string; key?: boolean } | undefined;
  const walk = (v: unknown, path: (string | number)[]): void => {
    if (problem || v === null || typeof v !== 'object') return;
    if (ancestors.includes(v)) {
      problem = { path, message: 'a YAML alias refers to a node that contains it: the value would be infinitely deep' };
      return;
    }
    if (path.length >= MAX_DOCUMENT_DEPTH) {
      problem = { path, message: `nested more than ${MAX_DOCUMENT_DEPTH} levels deep` };
      return;
    }
    if (--budget < 0) {
      problem = { path, message: `the document has more than ${MAX_DOCUMENT_NODES} values` };
      return;
    }
    const proto = Object.getPrototypeOf(v);
    let entries: [string | number, unknown][];
    if (Array.isArray(v)) entries = v.map((x, i) => [i, x]);
    else if (proto === Object.prototype || proto === null) {
      if (Object.hasOwn(v, '__proto__')) {
        problem = {
          path: [...path, '__proto__'],
          key: true,
          message: 'the key "__proto__" is not allowed (JavaScript would take it for the prototype and drop the entry)',
        };
        return;
      }
      entries = Object.entries(v);
    } else return; // Sets, Maps and other tagged values: the schema refuses them
    ancestors.push(v);
    for (const [k, x] of entries) walk(x, [...path, k]);
    ancestors.pop();
  };
  walk(value, []);
  if (problem) return fail(locate(loaded, problem.path, problem.key), problem.path.length ? `${problem.path.join('.')}: ${problem.message}` : problem.message);
  return { ok: true, value };
}

export function locate(file: LoadedFile, path: readonly (string | number)[], key = false): { line: number; column: number } {
  let node: unknown = file.doc.contents;
  let best: Node | undefined = node as Node | undefined;
  let keyNode: Node | undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === segment);
      if (!pair) break;
      keyNode = pair.key as Node;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
      keyNode = undefined;
    } else break;
    if (node && (node as Node).range) best = node as Node;
  }
  const target = key && keyNode?.range ? keyNode : best;
  return positionOf(file.lines, target?.range?.[0] ?? 0);
}

/**
 * A YAML text as a document with its line counter, duplicate keys of a map among its errors. The
 * parser's own `uniqueKeys` check compares every key with every other (20,000 keys: 4 s); this one
 * is a set per map, in one pass. Policy, policy-test and seed files are all read through it.
 */
export function parseYamlText(text: string): { doc: Document; lines: LineCounter } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  visit(doc, {
    Map: (_key, map) => {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const value = pair.key.value;
        if (seen.has(value)) {
          const at = pair.key.range?.[0] ?? 0;
          doc.errors.push(new YAMLParseError([at, at + 1], 'DUPLICATE_KEY', 'Map keys must be unique'));
        }
        seen.add(value);
      }
    },
  });
  return { doc, lines };
}

export function parsePolicyText(text: string, file: string, diagnostics: Diagnostic[]): LoadedFile {
  const { doc, lines } = parseYamlText(text);
  const loaded: LoadedFile = { file, doc, lines };
  for (const error of [...doc.errors, ...doc.warnings]) {
    diagnostics.push({
      severity: doc.errors.includes(error as never) ? 'error' : 'warning',
      file,
      ...positionOf(lines, error.pos[0]),
      code: 'yaml',
      message: error.message.split('\n')[0] ?? 'YAML error',
    });
  }
  if (doc.errors.length > 0) return loaded;
  const value = documentValue(loaded, diagnostics);
  if (!value.ok) return loaded;
  const parsed = policyFileSchema().safeParse(value.value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path as (string | number)[];
      const unknownKey = issue.code === 'unrecognized_keys';
      const keys = unknownKey ? (issue as { keys: string[] }).keys : [];
      const pos = locate(loaded, unknownKey ? [...path, keys[0] ?? ''] : path, unknownKey);
      const where = path.length ? `${path.join('.')}: ` : '';
      diagnostics.push({
        severity: 'error',
        file,
        ...pos,
        code: 'schema',
        message: unknownKey ? `${where}unknown key ${keys.map((k) => `"${k}"`).join(', ')}` : `${where}${issue.message}`,
      });
    }
    return loaded;
  }
  loaded.policy = parsed.data;
  return loaded;
}

export function loadPolicyDir(dir: string, diagnostics: Diagnostic[], cwd = process.cwd()): LoadedFile[] {
  const error = (file: string, message: string) => diagnostics.push({ severity: 'error', file, line: 1, column: 1, code: 'no-policy', message });
  const shown = dir;
  if (!existsSync(dir)) {
    error(shown, `the policy folder ${shown} does not exist`);
    return [];
  }
  if (!isDirectory(dir)) {
    error(shown, `${shown} is not a folder: give the folder that holds the policy *.yaml files`);
    return [];
  }
  const entries = policyEntries(dir);
  if (entries.length === 0) {
    error(shown, `no policy files found (${join(shown, '*.yaml')}): nothing would be allowed`);
    return [];
  }
  const files: LoadedFile[] = [];
  for (const { path, problem } of entries) {
    const file = relative(cwd, path) || path;
    // Never skipped: a policy file that silently does not count is a policy nobody reviewed.
    if (problem) {
      error(file, `${file} ${problem}: a *.yaml entry of the policy folder must be a policy file (remove or rename it)`);
      continue;
    }
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      error(file, `cannot read the file: ${(e as Error).message}`);
      continue;
    }
    files.push(parsePolicyText(text, file, diagnostics));
  }
  return files;
}
