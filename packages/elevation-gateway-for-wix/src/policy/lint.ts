// Risk lint: rules that are valid but grant more than they probably mean to. Each finding is a
// warning with a stable code; a rule with a written `justification:` accepts its warnings (the audit
// shows the justification next to the grant, so the acceptance stays visible to reviewers).
import type { CompiledPolicy, CompiledRule } from '../contract/compiled-policy.ts';
import type { MethodInfo } from '../sdk/method-info.ts';
import type { Diagnostic, DiagnosticCode } from './diagnostics.ts';
import { locate, type LoadedFile } from './load.ts';
import { queryShape } from '../sdk/query-shape.ts';
import { conditionsToFilter } from '../conditions/wix-filter.ts';
import { signaturesOf } from '../sdk/signature-reader.ts';
import { fieldsNamed, objectWalk } from './field-paths.ts';

export const RISK_CODES = {
  idWithoutResource: 'risk/id-without-resource',
  unconditionalPublicWrite: 'risk/unconditional-public-write',
  wholeObjectsToVisitors: 'risk/whole-objects-to-visitors',
  listConditionNotFilterable: 'risk/list-condition-not-filterable',
} as const;

/** A caller with every attribute (the policy's derived ones too), to see which conditions can become a Wix filter at all. */
const anyCaller = (policy: CompiledPolicy): Record<string, unknown> => ({
  subjectType: 'MEMBER',
  id: 'x',
  siteId: 'x',
  instanceId: 'x',
  attributes: Object.fromEntries(Object.keys(policy.callerAttributes ?? {}).map((name) => [name, 'x'])),
});

export interface LintResult {
  /** Warnings on rules without a justification. */
  warnings: Diagnostic[];
  /** Warnings a rule's justification accepts (not printed by `check`, shown by `audit`). */
  accepted: Diagnostic[];
}

const isWrite = (info: MethodInfo) => info.kind === 'write' || info.kind === 'write-one' || (info.kind !== 'list' && info.httpMethod !== 'GET');

/** The roles held by a subject type, inheritance expanded (as the compiler computed them). */
const heldBy = (policy: CompiledPolicy, subjects: ('VISITOR' | 'MEMBER')[]) => new Set(subjects.flatMap((s) => policy.subjectRoles[s] ?? []));

/** Owner fields, best first: what a resource condition on "the caller's own" object usually names. */
const OWNER_FIELDS = ['memberId', '_owner', 'ownerId', 'userId', 'createdBy', 'contactId'];
/** Types whose own `_id` is one of the caller's ids: a member's token names the member; a contact is the caller's contact. */
const IDENTITY_TYPES: Record<string, 'id' | 'contactId'> = { Member: 'id', Contact: 'contactId' };

/**
 * A resource condition to suggest, from the fields of the method's own result type: its owner
 * field compared with the caller's id (or contact id); a placeholder text when the SDK declares none.
 */
function ownerHint(info: MethodInfo, policy: CompiledPolicy): string {
  const found = signaturesOf([{ call: info.call, package: info.package, method: info.method }]).get(info.call);
  const walk = found?.ok ? objectWalk(info, found.result) : undefined;
  const identity = walk && Object.hasOwn(IDENTITY_TYPES, walk.label) ? IDENTITY_TYPES[walk.label] : undefined;
  const paths = walk ? fieldsNamed(walk, new RegExp(`^(${OWNER_FIELDS.join('|')})$`)) : [];
  const rank = (path: string) => OWNER_FIELDS.indexOf(path.slice(path.lastIndexOf('.') + 1));
  const best = identity ? '_id' : paths.sort((a, b) => rank(a) - rank(b) || a.split('.').length - b.split('.').length)[0];
  if (!best) return 'add a `resource:` condition on the field that says whose the object is';
  if (identity === 'contactId' || (!identity && best.endsWith('contactId'))) {
    const declared = Object.keys(policy.callerAttributes ?? {}).find((n) => /contactId/i.test(n));
    return declared
      ? `add e.g. \`resource: { ${best}: "\${caller.${declared}}" }\``
      : `add e.g. \`resource: { ${best}: "\${caller.contactId}" }\` with a \`contactId\` caller attribute (callerAttributes)`;
  }
  return `add e.g. \`resource: { ${best}: "\${caller.id}" }\``;
}

/** Position of a key of a rule in its file, when the loaded files are at hand. */
function positionOf(rule: CompiledRule, key: string, files: LoadedFile[]): { file: string; line: number; column: number } {
  for (const f of files) {
    const index = (f.policy?.rules ?? []).findIndex((r) => r.id === rule.id);
    if (index >= 0 && f.file === rule.source.file) return { file: f.file, ...locate(f, ['rules', index, key]) };
  }
  return rule.source;
}

export function lintPolicy(policy: CompiledPolicy, files: LoadedFile[] = []): LintResult {
  const findings: Diagnostic[] = [];
  const warn = (rule: CompiledRule, key: string, code: DiagnosticCode, message: string) =>
    findings.push({ severity: 'warning', ...positionOf(rule, key, files), code, rule: rule.id, message });
  const publicRoles = heldBy(policy, ['VISITOR', 'MEMBER']);
  const visitorRoles = heldBy(policy, ['VISITOR']);
  const everyAttribute = anyCaller(policy);

  for (const rule of policy.rules) {
    if (rule.effect !== 'allow') continue;
    const info = policy.methods[rule.call];
    if (!info) continue;
    if ((info.pathArgs.length > 0 || info.kind === 'read-one' || info.kind === 'write-one') && !rule.resource) {
      warn(
        rule,
        'allow',
        RISK_CODES.idWithoutResource,
        `rule "${rule.id}": ${rule.call} is an elevated ${isWrite(info) ? 'write' : 'read'} addressed by an id the caller chooses, with no resource condition: ` +
          `any id reaches any object (${ownerHint(info, policy)}, or a \`justification:\`)`,
      );
    }
    const publicHolders = rule.roles.filter((r) => publicRoles.has(r));
    if (isWrite(info) && publicHolders.length > 0 && !rule.when && !rule.resource) {
      warn(
        rule,
        'allow',
        RISK_CODES.unconditionalPublicWrite,
        `rule "${rule.id}": ${rule.call} writes, and role ${publicHolders.map((r) => `"${r}"`).join(', ')} (held by visitors or members) may call it without any condition (add \`when\` or \`resource\`, or a \`justification:\`)`,
      );
    }
    if (info.kind === 'list' && info.list && rule.resource) {
      const pushed = { complete: true };
      conditionsToFilter(rule.resource, everyAttribute, queryShape(info.signature, info.list.queryArg).filter, pushed);
      if (!pushed.complete) {
        warn(
          rule,
          'resource',
          RISK_CODES.listConditionNotFilterable,
          `rule "${rule.id}": part of the resource condition cannot go into ${rule.call}'s Wix filter (its query spec does not declare those fields or operators filterable): ` +
            'Wix also returns objects the rule excludes, the gateway drops them, and a page shorter than asked tells the caller that excluded objects matched its filter (condition on filterable fields, or a `justification:`)',
        );
      }
    }
    const visitorHolders = rule.roles.filter((r) => visitorRoles.has(r));
    if (visitorHolders.length > 0 && !rule.fields) {
      warn(
        rule,
        'allow',
        RISK_CODES.wholeObjectsToVisitors,
        `rule "${rule.id}": visitors (role ${visitorHolders.map((r) => `"${r}"`).join(', ')}) receive whole ${rule.call} objects with no field rule (add \`fields: { allow: [...] }\` or \`fields: { deny: [...] }\`, or a \`justification:\`)`,
      );
    }
  }
  const justified = new Set(policy.rules.filter((r) => r.justification).map((r) => r.id));
  return {
    warnings: findings.filter((d) => !justified.has(d.rule!)),
    accepted: findings.filter((d) => justified.has(d.rule!)),
  };
}
