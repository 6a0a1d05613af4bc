// Compares the permitted-call inventory with the approved one: a grant added, a grant removed, or a
// grant whose conditions changed, one line each, so a reviewer sees exactly what would change.
import type { PermittedCall } from './permitted-calls.ts';

export interface InventoryChange {
  kind: 'added' | 'removed' | 'changed';
  key: string;
  /** For `changed`: each differing field, old → new. */
  fields?: { field: string; approved: unknown; current: unknown }[];
}

const keyOf = (e: Pick<PermittedCall, 'role' | 'call' | 'rule'>) => `${e.role} ${e.call} (rule ${e.rule})`;
const stable = (value: unknown): string => JSON.stringify(value === undefined ? null : value);

export function diffInventory(approved: PermittedCall[], current: PermittedCall[]): InventoryChange[] {
  const before = new Map(approved.map((e) => [keyOf(e), e]));
  const after = new Map(current.map((e) => [keyOf(e), e]));
  const changes: InventoryChange[] = [];
  for (const [key, e] of after) {
    const old = before.get(key);
    if (!old) {
      changes.push({ kind: 'added', key });
      continue;
    }
    const names = [...new Set([...Object.keys(old), ...Object.keys(e)])].sort();
    const fields = names
      .filter((f) => stable((old as unknown as Record<string, unknown>)[f]) !== stable((e as unknown as Record<string, unknown>)[f]))
      .map((f) => ({
        field: f,
        approved: (old as unknown as Record<string, unknown>)[f] ?? null,
        current: (e as unknown as Record<string, unknown>)[f] ?? null,
      }));
    if (fields.length) changes.push({ kind: 'changed', key, fields });
  }
  for (const key of before.keys()) if (!after.has(key)) changes.push({ kind: 'removed', key });
  return changes.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** One line per change: `+` granted now but not approved, `-` approved but no longer granted, `~` changed. */
export function formatInventoryDiff(changes: InventoryChange[]): string {
  return changes
    .map((c) => {
      if (c.kind === 'added') return `+ ${c.key}`;
      if (c.kind === 'removed') return `- ${c.key}`;
      return `~ ${c.key}: ${c.fields!.map((f) => `${f.field} ${stable(f.approved)} → ${stable(f.current)}`).join('; ')}`;
    })
    .join('\n');
}

/** Parses an approved inventory file; throws with a clear message when it is not one. */
export function parseApprovedInventory(text: string, file: string): PermittedCall[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file} is not JSON: ${(e as Error).message}`);
  }
  const list = Array.isArray(data) ? data : (data as { permittedCalls?: unknown })?.permittedCalls;
  if (
    !Array.isArray(list) ||
    !list.every((e) => e && typeof e === 'object' && typeof e.role === 'string' && typeof e.call === 'string' && typeof e.rule === 'string')
  ) {
    throw new Error(`${file} is not a permitted-call inventory (expected { permittedCalls: [{ role, call, rule, … }] })`);
  }
  return list as PermittedCall[];
}

/** The approved file's text: a marker comment and the entries, one stable JSON document. */
export function approvedInventoryText(entries: PermittedCall[]): string {
  return `${JSON.stringify(
    {
      $comment:
        'Approved permitted-call inventory. Written by `elevate audit --approve` after review; `npm test` and `elevate audit --check` fail while the policy grants anything else.',
      permittedCalls: entries,
    },
    null,
    2,
  )}\n`;
}
