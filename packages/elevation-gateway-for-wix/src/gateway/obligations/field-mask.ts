// Field rules: which fields of a result (or of every item of a list) a caller receives. Paths are
// dotted and pass through arrays (`variantsInfo.variants.revenueDetails` applies to every variant).
// Given several field rules (the obligation plan's, one per allowing rule), a field is returned
// when any of them returns it (CASL's union).
import type { FieldRule } from '../../contract/compiled-policy.ts';
import { isPlainObject } from '../../conditions/json-value.ts';
import { fieldWithin, revealsField } from '../../conditions/path.ts';

type Tree = Map<string, Tree | true>;

function toTree(paths: string[]): Tree {
  const root: Tree = new Map();
  for (const path of paths) {
    let node = root;
    const segments = path.split('.');
    segments.forEach((s, i) => {
      if (i === segments.length - 1) {
        node.set(s, true);
        return;
      }
      const next = node.get(s);
      if (next === true) return;
      if (!next) {
        const t: Tree = new Map();
        node.set(s, t);
        node = t;
      } else node = next;
    });
  }
  return root;
}

function project(value: unknown, tree: Tree, mode: 'allow' | 'deny', base: string, removed: Set<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => project(v, tree, mode, base, removed));
  if (!isPlainObject(value)) return mode === 'allow' ? undefined : value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const here = base ? `${base}.${key}` : key;
    const node = tree.get(key);
    if (mode === 'deny') {
      if (node === true) {
        removed.add(here);
        continue;
      }
      out[key] = node ? project(v, node, mode, here, removed) : v;
    } else {
      if (node === true) {
        out[key] = v;
        continue;
      }
      if (!node) {
        removed.add(here);
        continue;
      }
      const inner = project(v, node, mode, here, removed);
      if (inner !== undefined) out[key] = inner;
    }
  }
  return out;
}

function deepMerge(a: unknown, b: unknown): unknown {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (Array.isArray(a) && Array.isArray(b)) return a.map((v, i) => deepMerge(v, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const out: Record<string, unknown> = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = deepMerge(out[k], v);
    return out;
  }
  return a;
}

export interface FieldMask {
  apply(value: unknown): { value: unknown; removed: string[] };
  /** Whether a caller may read (and so filter or sort on) a field path; SDK `_id` equals REST `id`. */
  permits(path: string): boolean;
}

/** A path is readable under one rule when nothing it reveals is removed by that rule (compared loosely: conditions/path.ts). */
function permitsUnder(rule: FieldRule, path: string): boolean {
  if (rule.allow) return rule.allow.some((a) => fieldWithin(a, path));
  // Denied: the field itself, anything inside it, and any parent that contains it.
  return !(rule.deny ?? []).some((d) => revealsField(path, d));
}

const trees = new WeakMap<FieldRule, { tree: Tree; mode: 'allow' | 'deny' }>();
function compiled(rule: FieldRule) {
  let c = trees.get(rule);
  if (!c) {
    c = rule.allow ? { tree: toTree(rule.allow), mode: 'allow' } : { tree: toTree(rule.deny ?? []), mode: 'deny' };
    trees.set(rule, c);
  }
  return c;
}

/** The mask of several field rules: a field is returned when any of them returns it. */
export function fieldMask(fieldRules: readonly FieldRule[]): FieldMask {
  const masks = fieldRules.map(compiled);
  return {
    permits: (path) => fieldRules.some((r) => permitsUnder(r, path)),
    apply(value) {
      let merged: unknown;
      let removed: Set<string> | undefined;
      for (const { tree, mode } of masks) {
        const gone = new Set<string>();
        merged = deepMerge(merged, project(value, tree, mode, '', gone));
        removed = removed ? new Set([...removed].filter((p) => gone.has(p))) : gone;
      }
      return { value: merged ?? {}, removed: [...(removed ?? [])].sort() };
    },
  };
}
