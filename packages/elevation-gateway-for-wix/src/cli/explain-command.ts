// `elevate explain --as <subjectType>[:<id>] <module.method> ['<json args array>'] [--resource '<json>'] [--json]`
import { buildPolicy } from '../policy/build.ts';
import { projectConfig } from './project-config.ts';
import { formatDiagnostic } from '../policy/diagnostics.ts';
import { didYouMean } from '../policy/suggest.ts';
import { callerFor, parseCallerSpec } from '../review/explain/caller-spec.ts';
import { explainCall, type Explanation } from '../review/explain/explain.ts';
import { formatTrace } from '../conditions/condition-trace.ts';
import { findCall, restMethodsOf, namespacesOf, sdkPackages } from '../sdk/catalogue.ts';
import { paint, usageError, type Paint } from './output.ts';
import { readCommandLine } from './command-line.ts';
import { MAX_DOCUMENT_DEPTH } from '../policy/load.ts';

export const EXPLAIN_HELP = `usage: elevate explain --as <subjectType>[:<id>] [--site <id>] [--instance <id>] [--attribute <name>=<value>]… <module.method> ['<json args array>'] [--resource '<json object>'] [--json]

Explains offline (no Wix call) what the gateway would decide for this caller and call, and why:
the caller's roles, the rules considered, each condition with the value it saw, deny rules and
the obligations an allowed call carries.
  --as <caller>        visitor, member, user, app or unknown, optionally with an id: member:m-1
  --site <id>          the caller's siteId (for rules using \${caller.siteId})
  --instance <id>      the caller's instanceId (for rules using \${caller.instanceId})
  --attribute <n>=<v>  a caller attribute the policy derives (callerAttributes), as its read would
                       load it: --attribute contactId=c-1 (repeat for more)
  --resource <json>    a sample object Wix would return (or the item of a list, or the target of a
                       write): checked against the resource conditions and the field rules
  --policies <dir>     policy folder (default: the project's, policies unless configured)
  --json               the explanation as JSON
example: elevate explain --as member:m-1 ecom.orders.getOrder '["o-1"]'`;

function parseJson(text: string, what: string): { ok: true; value: unknown } | { ok: false; message: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, message: `${what} is not valid JSON: ${(e as Error).message}` };
  }
  // The gateway refuses bodies nested deeper than its limit (at most 64) before deciding anything.
  let level: unknown[] = [value];
  for (let depth = 0; level.length > 0; depth++) {
    if (depth > MAX_DOCUMENT_DEPTH)
      return { ok: false, message: `${what}: nested more than ${MAX_DOCUMENT_DEPTH} levels deep (the gateway refuses such a body)` };
    level = level.flatMap((v) => (v !== null && typeof v === 'object' ? Object.values(v) : []));
  }
  return { ok: true, value };
}

export async function runExplain(argv: string[]): Promise<number> {
  const line = readCommandLine(
    'explain',
    argv,
    EXPLAIN_HELP,
    {
      as: { type: 'string' },
      site: { type: 'string' },
      instance: { type: 'string' },
      attribute: { type: 'string', multiple: true },
      resource: { type: 'string' },
      policies: { type: 'string', default: projectConfig().policies },
      json: { type: 'boolean', default: false },
    },
    true,
  );
  if (typeof line === 'number') return line;
  const { values, positionals } = line;
  if (values.as === undefined) return usageError('explain', '--as <subjectType>[:<id>] is required', EXPLAIN_HELP);
  const spec = parseCallerSpec(values.as);
  if (!spec.ok) return usageError('explain', `bad --as: ${spec.message}`, EXPLAIN_HELP);
  if (positionals.length < 1 || positionals.length > 2)
    return usageError('explain', 'give the call and, optionally, its arguments as a JSON array', EXPLAIN_HELP);
  const call = positionals[0]!;
  if (!/^[a-z][A-Za-z0-9]*\.[A-Za-z][A-Za-z0-9]*\.[A-Za-z][A-Za-z0-9]*$/.test(call)) {
    return usageError('explain', `"${call}" is not a call: write package.namespace.method, e.g. ecom.orders.getOrder`, EXPLAIN_HELP);
  }
  const parsedArgs = parseJson(positionals[1] ?? '[]', 'the arguments');
  if (!parsedArgs.ok) return usageError('explain', parsedArgs.message, EXPLAIN_HELP);
  if (!Array.isArray(parsedArgs.value))
    return usageError('explain', 'the arguments must be a JSON array (the positional arguments of the call), e.g. \'["o-1"]\'', EXPLAIN_HELP);
  let sample: unknown;
  if (values.resource !== undefined) {
    const parsed = parseJson(values.resource, '--resource');
    if (!parsed.ok) return usageError('explain', parsed.message, EXPLAIN_HELP);
    if (parsed.value === null || typeof parsed.value !== 'object' || Array.isArray(parsed.value))
      return usageError('explain', '--resource must be a JSON object', EXPLAIN_HELP);
    sample = parsed.value;
  }
  const described = await findCall(call);
  if (!described.ok) {
    const cut = call.lastIndexOf('.');
    let hint = '';
    if (described.reason === 'unknown-module')
      hint = didYouMean(
        call.slice(0, cut),
        sdkPackages().flatMap((p) => namespacesOf(p).map((n) => n.module)),
      );
    if (described.reason === 'unknown-method') hint = didYouMean(call.slice(cut + 1), await restMethodsOf(call.slice(0, cut)));
    return usageError('explain', `${described.message}${hint}`, EXPLAIN_HELP);
  }

  const built = await buildPolicy(values.policies);
  if (!built.policy) {
    for (const d of built.diagnostics) console.error(formatDiagnostic(d));
    console.error('elevate explain: the policy has errors; run `elevate check`');
    return 1;
  }
  const caller = callerFor(built.policy, spec.subjectType, spec.id, {
    ...(values.site ? { siteId: values.site } : {}),
    ...(values.instance ? { instanceId: values.instance } : {}),
  });
  const declared = Object.keys(built.policy.callerAttributes);
  const attributes: Record<string, string> = {};
  for (const text of (values.attribute as string[] | undefined) ?? []) {
    const cut = text.indexOf('=');
    const name = cut < 0 ? text : text.slice(0, cut);
    if (cut < 1 || cut === text.length - 1) return usageError('explain', `bad --attribute "${text}": write <name>=<value>, e.g. contactId=c-1`, EXPLAIN_HELP);
    if (!declared.includes(name)) {
      return usageError('explain', `bad --attribute: the policy declares no caller attribute "${name}"${didYouMean(name, declared)}`, EXPLAIN_HELP);
    }
    attributes[name] = text.slice(cut + 1);
  }
  if (Object.keys(attributes).length) caller.attributes = attributes;
  const explanation = await explainCall(built.policy, caller, call, parsedArgs.value, sample);
  if (values.json) console.log(JSON.stringify(explanation, null, 2));
  else console.log(formatExplanation(explanation, paint()));
  return 0;
}

export function formatExplanation(e: Explanation, p: Paint): string {
  const out: string[] = [];
  const who = `${e.caller.subjectType}${e.caller.id ? `:${e.caller.id}` : ''}`;
  const allowed = e.decision.effect === 'allow' && !e.argumentsRefused && e.resource?.passes !== false;
  const verdict =
    e.decision.effect === 'allow'
      ? e.argumentsRefused
        ? p.red(`DENY (${e.argumentsRefused.status} ${e.argumentsRefused.code})`)
        : e.resource?.refused
          ? p.red(`DENY (${e.resource.refused.status} ${e.resource.refused.code}: an obligation refuses the sample resource)`)
          : e.resource?.passes === false
            ? p.red('DENY (the sample resource fails the resource conditions)')
            : p.green('ALLOW')
      : p.red('DENY');
  out.push(`${p.bold('decision')}: ${verdict}  ${e.call}(${e.args.map((a) => JSON.stringify(a)).join(', ')}) as ${who}`);
  out.push(`caller roles: ${e.caller.roles.length ? e.caller.roles.join(', ') : '(none: no role names this subject type)'}`);
  if (e.decision.effect === 'allow') {
    out.push(`call allowed by rule(s): ${e.decision.rules.map((r) => r.id).join(', ')} (deciding rule: ${e.decision.decidingRule.id})`);
  } else {
    out.push(`reason: ${e.decision.reason}`);
  }
  if (e.argumentsRefused) out.push(`arguments refused: ${e.argumentsRefused.message}`);
  if (allowed && e.obligations?.resource && !e.resource) {
    out.push("(only if the object Wix returns passes the resource condition below; try it with --resource '{...}')");
  }

  out.push('', p.bold('rules considered') + (e.considered.length ? '' : ': none name this call (deny by default)'));
  for (const c of e.considered) {
    const applies = c.heldRoles.length ? `role ${c.heldRoles.join(', ')}` : `not for this caller (roles ${c.roles.join(', ')})`;
    const state = c.matched ? (c.effect === 'deny' ? p.red('refuses') : p.green('matches')) : p.dim('does not apply');
    out.push(`  ${c.effect} ${c.rule} [${c.call}] — ${applies} — ${state}`);
    if (c.when) {
      out.push(`    when (on { args }): ${c.when.holds ? 'holds' : 'fails'}`);
      out.push(...formatTrace(c.when));
    } else if (c.heldRoles.length) out.push('    when: (none — unconditional)');
  }

  const o = e.obligations;
  if (o) {
    out.push('', p.bold(`obligations (${o.kind} call)`));
    if (o.pathArgs.length) out.push(`  path arguments (must be plain ids): ${o.pathArgs.join(', ')}`);
    if (o.allowOptions) out.push(`  protection-disabling options allowed: ${o.allowOptions.join(', ')}`);
    if (o.resource) {
      for (const [rule, cond] of Object.entries(o.resource)) out.push(`  resource condition (${rule}): ${JSON.stringify(cond)}`);
    } else out.push('  resource condition: none (every object the call reaches)');
    if (o.filter !== undefined) out.push(`  forced filter sent to Wix ($and with the client's): ${JSON.stringify(o.filter)}`);
    if (o.filterNote) out.push(`  forced filter: ${o.filterNote}`);
    if (o.kind === 'list' && o.resource) out.push('  every returned item is re-checked against the resource conditions');
    if (o.kind === 'read-one' && o.resource) out.push('  the returned object is checked; a failing or missing object is the same 403');
    if (o.preload)
      for (const [rule, call] of Object.entries(o.preload)) out.push(`  preload (${rule}): ${call} loads the target and checks it before the write`);
    if (o.cap !== undefined) out.push(`  page cap: ${o.cap}`);
    out.push(
      o.fields
        ? `  field rules: ${Object.entries(o.fields)
            .map(([rule, f]) => `${rule}: ${f.allow ? `allow ${f.allow.join(', ')}` : `deny ${f.deny!.join(', ')}`}`)
            .join('; ')}`
        : '  field rules: none (whole objects are returned)',
    );
    if (o.writable) out.push(`  writable: ${o.writable.join(', ')} (any other key is refused)`);
    if (o.presets) out.push(`  presets: ${JSON.stringify(o.presets)}`);
    for (const [key, value] of Object.entries(o.extensions ?? {})) out.push(`  ${key}: ${JSON.stringify(value)}`);
    if (o.rateLimit)
      out.push(
        `  rate limit: ${Object.entries(o.rateLimit)
          .map(([rule, r]) => `${r} (${rule})`)
          .join(', ')} per caller`,
      );
    out.push(`  timeout: ${o.timeoutMs} ms for each request to Wix`);
  }
  if (e.resource) {
    out.push('', `${p.bold('sample resource')}: ${e.resource.passes ? p.green('passes') : p.red('fails')} the resource conditions`);
    for (const r of e.resource.perRule) {
      if (!r.trace) {
        out.push(`  ${r.rule}: no resource condition`);
        continue;
      }
      out.push(`  ${r.rule}: ${r.trace.holds ? 'holds' : 'fails'}`);
      out.push(...formatTrace(r.trace, '    '));
    }
    if (e.resource.refused) out.push(`  refused: ${e.resource.refused.message}`);
    if (e.resource.passes) out.push(`  fields removed: ${e.resource.fieldsRemoved.length ? e.resource.fieldsRemoved.join(', ') : '(none)'}`);
  }
  out.push(
    '',
    allowed
      ? 'The gateway would make this call (elevated) with the obligations above.'
      : 'The gateway would refuse this call with 403 FORBIDDEN (or 400 for refused arguments).',
  );
  return out.join('\n');
}
