// The permitted-call inventory: for every role, every call a caller holding that role can make
// (inherited roles' rules included) and under which conditions. Reviewers approve it as a file;
// any change of permissions shows up as a diff against that file.
import type { CompiledPolicy, CompiledRule } from '../../contract/compiled-policy.ts';
import type { Diagnostic } from '../../policy/diagnostics.ts';
import { matchesCallPattern } from '../../conditions/call-pattern.ts';
import { placeholderNamesIn } from '../../conditions/placeholders.ts';
import { planObligations, type BuiltInObligation, type ObligationPlan } from '../../gateway/obligation-plan.ts';

export interface PermittedCall {
  role: string;
  call: string;
  rule: string;
  description: string;
  when: Record<string, unknown> | null;
  resource: Record<string, unknown> | null;
  fields: { allow?: string[]; deny?: string[] } | null;
  cap: number | null;
  rateLimit: string | null;
  justification: string | null;
  preload: string | null;
  writable: string[] | null;
  presets: Record<string, unknown> | null;
  /** Conditional deny rules that can still refuse this call for this role (`rule id: when`). */
  deniedWhen: { rule: string; when: Record<string, unknown> }[] | null;
  /** Risk-lint codes this rule's justification accepts. */
  acceptedRisks: string[] | null;
  /** Registered obligation kinds the rule sets, as each describes itself (absent when none). */
  extensions?: Record<string, unknown>;
  /** Protection-disabling options the rule lets a caller set (absent when none). */
  allowOptions?: string[];
  /**
   * The caller attributes the rule (or a deny rule that can refuse it) names, as the policy reads
   * them (absent when none): re-pointing one changes what "own" means, so it is part of the grant.
   */
  callerAttributes?: Record<string, { subjects: string[]; read: string; args: unknown[]; value: string }>;
}

type Granted = Pick<PermittedCall, 'resource' | 'fields' | 'cap' | 'rateLimit' | 'preload' | 'writable' | 'presets' | 'allowOptions'>;

/**
 * What each built-in obligation of a rule's own plan contributes to its inventory entry
 * (exhaustive: a new kind must say). The timeout is how long, not what: no column.
 */
const COLUMNS = {
  resource: (plan) => ({ resource: plan.resource ? Object.values(plan.resource.byRule)[0]! : null }),
  preload: (plan) => ({ preload: plan.preload?.[0]?.call ?? null }),
  fields: (plan) => ({ fields: plan.fields ? Object.values(plan.fields.byRule)[0]! : null }),
  cap: (plan) => ({ cap: plan.cap ?? null }),
  writable: (plan) => ({ writable: plan.writable ? [...plan.writable] : null }),
  presets: (plan) => ({ presets: plan.presets ? Object.fromEntries(plan.presets.map((p) => [p.path, p.value])) : null }),
  rateLimit: (plan) => ({ rateLimit: plan.rateLimit?.[0]?.limit.text ?? null }),
  timeout: () => ({}),
  allowOptions: (plan) => (plan.allowOptions ? { allowOptions: [...plan.allowOptions] } : {}),
} satisfies Record<BuiltInObligation, (plan: ObligationPlan) => Partial<Granted>>;

/** A rule's obligations as the inventory lists them: the plan of that rule alone. */
function grantedBy(policy: CompiledPolicy, rule: CompiledRule): Granted & Pick<PermittedCall, 'extensions'> {
  const info = policy.methods[rule.call];
  const plan = planObligations([rule], info ?? { call: rule.call, kind: 'read' }, policy);
  const out = Object.assign({}, ...Object.values(COLUMNS).map((column) => column(plan))) as Granted & Pick<PermittedCall, 'extensions'>;
  if (plan.extensions.length) out.extensions = Object.fromEntries(plan.extensions.map((e) => [e.kind.key, e.kind.describe(e.planned)]));
  return out;
}

/** Every role `role` holds: itself and what it inherits, transitively. */
export function rolesHeldWith(policy: CompiledPolicy, role: string): string[] {
  const seen = new Set<string>();
  const walk = (r: string) => {
    if (seen.has(r) || !Object.hasOwn(policy.roles, r)) return;
    seen.add(r);
    for (const parent of policy.roles[r]!.inherits) walk(parent);
  };
  walk(role);
  return [...seen];
}

/** The declared caller attributes the rules name, with their definitions (what an inventory entry depends on). */
function attributesNamed(policy: CompiledPolicy, rules: CompiledRule[]): PermittedCall['callerAttributes'] {
  const declared = policy.callerAttributes ?? {};
  const names = placeholderNamesIn(
    rules.flatMap((r) => [r.when, r.resource, r.presets, r.extensions]),
    (n) => Object.hasOwn(declared, n),
  );
  if (names.size === 0) return undefined;
  return Object.fromEntries(
    [...names].sort().map((n) => {
      const { subjects, read, args, value } = declared[n]!;
      return [n, { subjects: [...subjects], read, args, value }];
    }),
  );
}

export function permittedCalls(policy: CompiledPolicy, accepted: Diagnostic[] = []): PermittedCall[] {
  const out: PermittedCall[] = [];
  for (const role of Object.keys(policy.roles)) {
    const held = new Set(rolesHeldWith(policy, role));
    const applies = (r: CompiledRule) => r.roles.some((x) => held.has(x));
    // A deny rule refuses a caller by any role its subject type holds, not only this role's chain.
    const coHeld = new Set([
      ...held,
      ...Object.values(policy.subjectRoles)
        .filter((roles) => roles.includes(role))
        .flat(),
    ]);
    const deniesFor = (r: CompiledRule) => r.roles.some((x) => coHeld.has(x));
    for (const rule of policy.rules) {
      if (rule.effect !== 'allow' || !applies(rule)) continue;
      const denies = policy.rules
        .filter((d) => d.effect === 'deny' && deniesFor(d) && matchesCallPattern(d.call, rule.call))
        .map((d) => ({ rule: d.id, when: d.when ?? {} }));
      const risks = [...new Set(accepted.filter((d) => d.rule === rule.id).map((d) => d.code))].sort();
      const { extensions, ...granted } = grantedBy(policy, rule);
      const attributes = attributesNamed(policy, [
        rule,
        ...policy.rules.filter((d) => d.effect === 'deny' && applies(d) && matchesCallPattern(d.call, rule.call)),
      ]);
      out.push({
        role,
        call: rule.call,
        rule: rule.id,
        description: rule.description,
        when: rule.when ?? null,
        resource: granted.resource,
        fields: granted.fields,
        cap: granted.cap,
        rateLimit: granted.rateLimit,
        justification: rule.justification ?? null,
        preload: granted.preload,
        writable: granted.writable,
        presets: granted.presets,
        deniedWhen: denies.length ? denies : null,
        acceptedRisks: risks.length ? risks : null,
        ...(extensions ? { extensions } : {}),
        ...(attributes ? { callerAttributes: attributes } : {}),
      });
    }
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return out.sort((a, b) => cmp(a.role, b.role) || cmp(a.call, b.call) || cmp(a.rule, b.rule));
}

const text = (value: unknown) => (value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value));
const cell = (value: unknown) => text(value).replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The inventory as a Markdown table, one row per permitted call. */
export function inventoryMarkdown(entries: PermittedCall[]): string {
  const columns: [string, (e: PermittedCall) => unknown][] = [
    ['role', (e) => e.role],
    ['call', (e) => `\`${e.call}\``],
    ['rule', (e) => e.rule],
    ['description', (e) => e.description],
    ['when', (e) => e.when],
    ['resource', (e) => e.resource],
    ['fields', (e) => e.fields],
    ['cap', (e) => e.cap],
    ['rate limit', (e) => e.rateLimit],
    [
      'writes / preload / presets',
      (e) =>
        [e.writable && `writable ${e.writable.join(', ')}`, e.preload && `preload ${e.preload}`, e.presets && `presets ${JSON.stringify(e.presets)}`]
          .filter(Boolean)
          .join('; ') || null,
    ],
    ['denied when', (e) => e.deniedWhen?.map((d) => `${d.rule}: ${JSON.stringify(d.when)}`).join('; ') ?? null],
    ['justification', (e) => (e.justification ? `${e.justification}${e.acceptedRisks ? ` (accepts ${e.acceptedRisks.join(', ')})` : ''}` : null)],
  ];
  if (entries.some((e) => e.extensions)) columns.push(['registered obligations', (e) => e.extensions ?? null]);
  if (entries.some((e) => e.callerAttributes)) columns.push(['caller attributes', (e) => e.callerAttributes ?? null]);
  const rows = entries.map((e) => `| ${columns.map(([, get]) => cell(get(e))).join(' | ')} |`);
  return [`| ${columns.map(([name]) => name).join(' | ')} |`, `|${columns.map(() => '---').join('|')}|`, ...rows].join('\n');
}
