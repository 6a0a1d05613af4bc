// Reads policies/*.yaml with the real YAML parser, keeping every node's position so that schema
// and semantic errors point at file:line:column.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Document, type Node } from 'yaml';
import { policyFileSchema, type PolicyFile } from './schema';
import type { Diagnostic } from './diagnostics';

export interface LoadedFile {
  /** Path as shown in diagnostics (relative to the working directory). */
  file: string;
  doc: Document;
  lines: LineCounter;
  policy?: PolicyFile;
}

export interface Located {
  /** Position of the node at `path` (or of its nearest existing parent). */
  at(path: readonly (string | number)[], key?: boolean): { line: number; column: number };
}

export function policyFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
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
  const offset = target?.range?.[0] ?? 0;
  const pos = file.lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}

export function parsePolicyText(text: string, file: string, diagnostics: Diagnostic[]): LoadedFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const loaded: LoadedFile = { file, doc, lines };
  for (const error of [...doc.errors, ...doc.warnings]) {
    const pos = lines.linePos(error.pos[0]);
    diagnostics.push({
      severity: doc.errors.includes(error as never) ? 'error' : 'warning',
      file, line: pos.line, column: pos.col, code: 'yaml',
      message: error.message.split('\n')[0] ?? 'YAML error',
    });
  }
  if (doc.errors.length > 0) return loaded;
  const parsed = policyFileSchema.safeParse(doc.toJS({ maxAliasCount: 50 }));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path as (string | number)[];
      const unknownKey = issue.code === 'unrecognized_keys';
      const keys = unknownKey ? (issue as { keys: string[] }).keys : [];
      const pos = locate(loaded, unknownKey ? [...path, keys[0] ?? ''] : path, unknownKey);
      const where = path.length ? `${path.join('.')}: ` : '';
      diagnostics.push({
        severity: 'error', file, ...pos, code: 'schema',
        message: unknownKey ? `${where}unknown key ${keys.map((k) => `"${k}"`).join(', ')}` : `${where}${issue.message}`,
      });
    }
    return loaded;
  }
  loaded.policy = parsed.data;
  return loaded;
}

export function loadPolicyDir(dir: string, diagnostics: Diagnostic[], cwd = process.cwd()): LoadedFile[] {
  return policyFiles(dir).map((path) => parsePolicyText(readFileSync(path, 'utf8'), relative(cwd, path) || path, diagnostics));
}
