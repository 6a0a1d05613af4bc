// What the playground offers each identity: the calls its roles are granted (from the audit's
// permitted-call inventory of the compiled policy), every other call the policy names (to see a
// denial), and a sensible first set of arguments for each.
import { permittedCalls } from '../../review/audit/permitted-calls.ts';
import type { CompiledPolicy, SubjectType } from '../../contract/compiled-policy.ts';
import type { ArgumentSchema, Signature } from '../../sdk/argument-schema.ts';
import { SEED_CONTACT_TABLE, SEED_LOYALTY_ACCOUNT_TABLE, SEED_ORDER_TABLE } from '../emulator/index.ts';

export interface PlaygroundCall {
  call: string;
  /** Allow rules granting it to this subject type, in policy order. */
  rules: { id: string; description: string }[];
}

export interface PlaygroundInventory {
  /** Per subject type: the calls its roles are granted. */
  permitted: Partial<Record<SubjectType, PlaygroundCall[]>>;
  /** Every call the policy names (granted to someone, or only preloaded). */
  allCalls: string[];
}

export function playgroundInventory(policy: CompiledPolicy): PlaygroundInventory {
  const entries = permittedCalls(policy);
  const permitted: PlaygroundInventory['permitted'] = {};
  for (const [subjectType, roles] of Object.entries(policy.subjectRoles) as [SubjectType, string[]][]) {
    const byCall = new Map<string, PlaygroundCall>();
    for (const entry of entries) {
      if (!roles.includes(entry.role)) continue;
      const item = byCall.get(entry.call) ?? { call: entry.call, rules: [] };
      if (!item.rules.some((r) => r.id === entry.rule)) item.rules.push({ id: entry.rule, description: entry.description });
      byCall.set(entry.call, item);
    }
    permitted[subjectType] = [...byCall.values()].sort((a, b) => a.call.localeCompare(b.call));
  }
  const allCalls = [...new Set([...policy.rules.filter((r) => r.effect === 'allow').map((r) => r.call), ...Object.keys(policy.methods)])].sort();
  return { permitted, allCalls };
}

/**
 * The arguments a call needs at least, from its signature: each required parameter with a
 * placeholder of its type (a string names itself, `"<key>"`), a list call's query with a first page.
 */
export function argumentsSkeleton(signature: Signature): unknown[] {
  const fill = (schema: ArgumentSchema | undefined, name: string, depth: number): unknown => {
    if (!schema || depth > 6) return null;
    if ('$ref' in schema) return fill(signature.defs[schema.$ref], name, depth + 1);
    if ('anyOf' in schema) return fill(schema.anyOf[0], name, depth + 1);
    switch (schema.type) {
      case 'string':
        return schema.enum?.[0] ?? (schema.format === 'date-time' ? new Date(0).toISOString() : `<${name}>`);
      case 'number':
        return schema.const ?? schema.minimum ?? 1;
      case 'boolean':
        return schema.const ?? false;
      case 'array':
        return [];
      case 'object': {
        const out: Record<string, unknown> = {};
        for (const key of schema.required ?? []) out[key] = fill(schema.properties[key], key, depth + 1);
        if (depth === 0 && 'cursorPaging' in schema.properties) out.cursorPaging = { limit: 10 };
        else if (depth === 0 && 'paging' in schema.properties) out.paging = { limit: 10 };
        else if ('query' in schema.properties && !('query' in out)) out.query = fill(schema.properties.query, 'query', depth + 1);
        return out;
      }
      default:
        return {};
    }
  };
  return signature.params.slice(0, Math.max(signature.required, 0)).map((p, i) => fill(p, signature.names[i] ?? `arg${i}`, 0));
}

/** A first set of arguments for a call, for the caller `subjectId` (their own order where one fits). */
export function exampleArgs(call: string, subjectId: string | null, signature?: Signature): unknown[] {
  const own = SEED_ORDER_TABLE.filter((o) => subjectId !== null && o.memberId === subjectId);
  const ownOrder = own[0]?.id ?? 'o-1';
  const ownUnfulfilled = own.find((o) => o.fulfillmentStatus === 'NOT_FULFILLED')?.id ?? ownOrder;
  switch (call) {
    case 'ecom.orders.getOrder':
      return [ownOrder];
    case 'ecom.orders.searchOrders':
      return [{ cursorPaging: { limit: 10 } }];
    case 'ecom.orders.cancelOrder':
      return [ownUnfulfilled, { sendOrderCanceledEmail: false, customMessage: 'Cancelled from the playground' }];
    case 'stores.productsV3.getProduct':
      return ['p-001'];
    case 'stores.productsV3.queryProducts':
      return [{ cursorPaging: { limit: 10 } }];
    // Members: EXTENDED, so Wix says whether a profile is public (PUBLIC, the default, answers UNKNOWN).
    case 'members.members.getMember':
      return [subjectId !== null && /^m-\d+$/.test(subjectId) ? subjectId : 'm-1', { fieldsets: ['EXTENDED'] }];
    case 'members.members.queryMembers':
      return [{ paging: { limit: 10 } }, { fieldsets: ['EXTENDED'] }];
    case 'crm.contacts.getContact':
      return [SEED_CONTACT_TABLE.find((c) => 'memberId' in c && c.memberId === subjectId)?.id ?? 'c-1'];
    case 'loyalty.accounts.getAccount':
      return [SEED_LOYALTY_ACCOUNT_TABLE.find((a) => 'memberId' in a && a.memberId === subjectId)?.id ?? 'la-1'];
    case 'loyalty.accounts.queryLoyaltyAccounts':
      return [{ cursorPaging: { limit: 10 } }];
    default:
      return signature ? argumentsSkeleton(signature) : [];
  }
}
