// What the playground shows of one request, beside the gateway's own reply: the call and arguments
// that were sent, the decision-log entry, the explain trace of the policy that decided (every rule
// naming the call, each condition ✓/✗ with the value it met), what reached the emulated Wix, and,
// for a name the policy and the installed SDK do not know, a did-you-mean. The wire reply stays
// uniform (the gateway never says which names exist); only this dev view, on loopback, does.
import type { DecisionEntry } from '../../gateway/decision-log.ts';
import type { CompiledPolicy } from '../../contract/compiled-policy.ts';
import { callerFor } from '../../review/explain/caller-spec.ts';
import { explainCall, type Explanation } from '../../review/explain/explain.ts';
import { namespacesOf, restMethodsOf, sdkPackages } from '../../sdk/catalogue.ts';
import { suggest } from '../../policy/suggest.ts';
import { describeObligation } from './format-decision.ts';
import { preloadArguments } from '../../gateway/enforce.ts';
import { checkPathArguments } from '../../gateway/obligations/path-arguments.ts';
import type { WixExchange } from './wix-traffic.ts';

export interface SentCall {
  module?: unknown;
  method?: unknown;
  args?: unknown;
  /** The body as text, when it was not a JSON object. */
  raw?: string;
}

export interface DecisionView {
  entry: DecisionEntry;
  /** The obligations in words. */
  described: string[];
  sent: SentCall;
  /** What the gateway sent to the emulated Wix while deciding and dispatching (token-info included). */
  wix: WixExchange[];
  /** The policy's reasoning, re-run by explain for this caller and these arguments; absent when the request was refused before a decision. */
  trace?: Pick<Explanation, 'considered' | 'obligations' | 'argumentsRefused' | 'resource'> & { decision: Explanation['decision'] };
  /** Dev views only: the names the policy and the installed SDK know that the one sent is close to. */
  didYouMean?: { module?: string; method?: string; call?: string };
}

/** The body the playground (or curl) sent, read as the gateway reads it, without trusting it. */
export function readSentCall(text: string): SentCall {
  try {
    const value = JSON.parse(text) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const { module, method, args } = value as Record<string, unknown>;
      return { module, method, args };
    }
  } catch {
    /* shown as text */
  }
  return { raw: text.length > 2000 ? `${text.slice(0, 2000)}…` : text };
}

const NAME = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/;

/** Module and method names near the unknown ones sent: the policy's calls first, then the installed SDK's. */
async function nearNames(policy: CompiledPolicy | undefined, module: string, method: string): Promise<DecisionView['didYouMean']> {
  const known = new Set([...(policy ? policy.rules.map((r) => r.call) : []), ...Object.keys(policy?.methods ?? {})].filter((c) => !c.includes('*')));
  const call = `${module}.${method}`;
  if (known.has(call)) return undefined;
  const policyCall = suggest(call, known);
  const modules = new Set([...known].map((c) => c.slice(0, c.lastIndexOf('.'))));
  let installed: string[] = [];
  try {
    installed = sdkPackages().flatMap((p) => namespacesOf(p).map((n) => n.module));
  } catch {
    /* no readable package.json: the policy's names only */
  }
  const moduleKnown = modules.has(module) || installed.includes(module);
  const nearModule = moduleKnown ? undefined : suggest(module, new Set([...modules, ...installed]));
  let nearMethod: string | undefined;
  const inModule = nearModule ?? (moduleKnown ? module : undefined);
  if (inModule) {
    const methods = new Set([...known].filter((c) => c.startsWith(`${inModule}.`)).map((c) => c.slice(inModule.length + 1)));
    try {
      for (const m of await restMethodsOf(inModule)) methods.add(m);
    } catch {
      /* not an installed module */
    }
    if (!methods.has(method)) nearMethod = suggest(method, methods);
  }
  const out = { ...(nearModule ? { module: nearModule } : {}), ...(nearMethod ? { method: nearMethod } : {}), ...(policyCall ? { call: policyCall } : {}) };
  return Object.keys(out).length ? out : undefined;
}

export async function decisionView(input: {
  entry: DecisionEntry;
  sent: SentCall;
  wix: WixExchange[];
  /** The policy that decided (its digest is the entry's). */
  policy: CompiledPolicy | undefined;
  /**
   * Reads an object as the app (after the reply; never recorded as the request's traffic): what a
   * read of one object met, or the target a write preloaded, for the resource trace.
   */
  sample?: (call: string, args: unknown[]) => Promise<unknown>;
}): Promise<DecisionView> {
  const { entry, sent, wix, policy } = input;
  const view: DecisionView = { entry, described: entry.obligations.map(describeObligation), sent, wix };
  const { module, method, args } = sent;
  if (typeof module === 'string' && typeof method === 'string' && NAME.test(module) && /^[A-Za-z][A-Za-z0-9]*$/.test(method)) {
    const near = await nearNames(policy, module, method);
    if (near) view.didYouMean = near;
  }
  if (!policy || !entry.caller || !entry.call || entry.effect === undefined || !Array.isArray(args)) return view;
  const caller = callerFor(policy, entry.caller.subjectType, entry.caller.id);
  const info = policy.methods[entry.call];
  let sample: unknown;
  if (info && entry.effect === 'allow' && input.sample) {
    try {
      if (info.kind === 'read-one') sample = await input.sample(entry.call, structuredClone(args));
      const preload = entry.obligations.find((o) => o.type === 'preload');
      const preloadInfo = preload?.type === 'preload' ? policy.methods[preload.call] : undefined;
      if (preload?.type === 'preload' && preloadInfo) {
        const preloadArgs = preloadArguments(info, preloadInfo, structuredClone(args));
        checkPathArguments(preloadInfo, preloadArgs); // only what the gateway itself would have read (throws otherwise)
        sample = await input.sample(preload.call, preloadArgs);
      }
    } catch {
      sample = undefined; // the object is not there (the gateway's reply says so)
    }
  }
  try {
    const explained = await explainCall(policy, caller, entry.call, structuredClone(args), sample ?? undefined);
    view.trace = {
      decision: explained.decision,
      considered: explained.considered,
      ...(explained.obligations ? { obligations: explained.obligations } : {}),
      ...(explained.argumentsRefused ? { argumentsRefused: explained.argumentsRefused } : {}),
      ...(explained.resource ? { resource: explained.resource } : {}),
    };
  } catch {
    /* arguments explain cannot weigh (the gateway refused them): the entry says why */
  }
  return view;
}
