// The roles × calls matrix of the loaded policy: for each kind of caller (and the roles it holds)
// and each call the policy names, whether a rule grants it, always or under conditions, and which
// rules do; a deny rule that can still refuse is shown beside the grant. From the audit's permitted
// call inventory: the same facts `elevate audit` approves.
import { permittedCalls, type PermittedCall } from '../../review/audit/permitted-calls.ts';
import { SUBJECT_TYPES, type CompiledPolicy, type SubjectType } from '../../contract/compiled-policy.ts';

export type MatrixVerdict = 'always' | 'conditional' | 'never';

export interface MatrixCell {
  verdict: MatrixVerdict;
  /** The allow rules granting the call to this kind of caller. */
  rules: string[];
  /** Deny rules that can still refuse it (conditional denies). */
  deniedWhen: string[];
}

export interface PolicyMatrix {
  columns: { subjectType: SubjectType; roles: string[] }[];
  rows: { call: string; cells: MatrixCell[] }[];
}

const conditional = (e: PermittedCall) => e.when !== null || e.resource !== null || (e.deniedWhen?.length ?? 0) > 0;

export function policyMatrix(policy: CompiledPolicy): PolicyMatrix {
  const entries = permittedCalls(policy);
  const columns = SUBJECT_TYPES.map((subjectType) => ({ subjectType, roles: [...(policy.subjectRoles[subjectType] ?? [])] }));
  const calls = [...new Set([...policy.rules.map((r) => r.call), ...Object.keys(policy.methods)])].filter((c) => !c.includes('*')).sort();
  const rows = calls.map((call) => ({
    call,
    cells: columns.map(({ roles }): MatrixCell => {
      const granted = entries.filter((e) => e.call === call && roles.includes(e.role));
      if (granted.length === 0) return { verdict: 'never', rules: [], deniedWhen: [] };
      return {
        verdict: granted.some((e) => !conditional(e)) ? 'always' : 'conditional',
        rules: [...new Set(granted.map((e) => e.rule))],
        deniedWhen: [...new Set(granted.flatMap((e) => (e.deniedWhen ?? []).map((d) => d.rule)))],
      };
    }),
  }));
  return { columns, rows };
}
