// What an SDK function sends, learnt by calling the real function (build time only) through a
// client whose fetch only records: with arguments shaped by its argument schema (a string where it
// takes a string, an object where it takes an object: the SDK refuses anything else before it
// sends), each carrying a mark, the recorded request shows where every argument lands (the URL path,
// the query string, the body). From that and the REST meta: which arguments the SDK inserts into the
// URL path, which address the object, the HTTP verb, and the method's kind.
import { createClient } from '@wix/sdk';
import { resolveSchema, type ArgumentSchema, type Signature } from './argument-schema.ts';
import { ADDRESSING, type WireLocation } from './addressing.ts';
import { findCall, type CallProblem, type FoundCall } from './catalogue.ts';
import { signaturesOf } from './signature-reader.ts';
import type { MethodDescription, MethodKind } from './method-info.ts';

const MARK = (path: string) => `zzprobe${path.replace(/\./g, 'x').replace(/_/g, 'u')}zz`;

interface Recorded {
  method: string;
  url: URL;
  body: unknown;
}

/** A value of the schema's form: a mark for a string, an empty object for an object, … */
function sample(schema: ArgumentSchema, defs: Signature['defs'], mark: string): unknown {
  const s = resolveSchema(schema, defs);
  if ('anyOf' in s) {
    const forms = s.anyOf.map((b) => resolveSchema(b, defs));
    const pick = forms.find((f) => 'type' in f && f.type === 'string') ?? forms.find((f) => 'type' in f && f.type === 'object') ?? forms[0];
    return pick ? sample(pick, defs, mark) : undefined;
  }
  switch (s.type) {
    case 'string':
      return s.enum?.[0] ?? mark;
    case 'number':
      return s.const ?? 1;
    case 'boolean':
      return s.const ?? false;
    case 'array':
      return [];
    case 'object':
    case 'json':
    case 'filter':
      return {};
    default:
      return undefined;
  }
}

/** Whether an object of this schema may carry `key`. */
function admitsKey(schema: ArgumentSchema, defs: Signature['defs'], key: string): boolean {
  const s = resolveSchema(schema, defs);
  if ('anyOf' in s) return s.anyOf.some((b) => admitsKey(b, defs, key));
  if (s.type === 'json') return true;
  return s.type === 'object' && (Object.hasOwn(s.properties, key) || s.additionalProperties !== undefined);
}

/** Every place a string value sits in a JSON body, as dotted keys. */
function bodyLocations(value: unknown, prefix: string, out: Map<string, string[]>): void {
  if (typeof value === 'string') {
    const list = out.get(value) ?? [];
    list.push(prefix);
    out.set(value, list);
  } else if (Array.isArray(value)) value.forEach((v, i) => bodyLocations(v, prefix ? `${prefix}.${i}` : String(i), out));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) bodyLocations(v, prefix ? `${prefix}.${k}` : k, out);
  }
}

/** Where each mark landed in the recorded requests. */
function locations(requests: Recorded[], marks: string[]): Map<string, WireLocation[]> {
  const out = new Map<string, WireLocation[]>(marks.map((m) => [m, []]));
  for (const r of requests) {
    let path = r.url.pathname;
    try {
      path = decodeURIComponent(path);
    } catch {
      /* as sent */
    }
    const inBody = new Map<string, string[]>();
    bodyLocations(r.body, '', inBody);
    // A GET's request object travels base64url-encoded in `.r`.
    const encoded = r.url.searchParams.get('.r');
    if (encoded) {
      try {
        bodyLocations(JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')), '', inBody);
      } catch {
        /* not a request object */
      }
    }
    for (const mark of marks) {
      const found = out.get(mark)!;
      if (path.includes(mark)) found.push('path');
      for (const [key, value] of r.url.searchParams) if (key !== '.r' && value === mark) found.push(`query:${key}`);
      for (const at of inBody.get(mark) ?? []) found.push(encoded ? `query:${at}` : `body:${at}`);
    }
  }
  return out;
}

async function record(fn: FoundCall['fn'], args: unknown[], runBuilder = false): Promise<{ requests: Recorded[]; sync: boolean }> {
  const requests: Recorded[] = [];
  const client = createClient({
    auth: { getAuthHeaders: async () => ({ headers: {} }) } as never,
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
      let body: unknown;
      const raw = init?.body ?? (input instanceof Request ? await input.text() : undefined);
      if (typeof raw === 'string' && raw) {
        try {
          body = JSON.parse(raw);
        } catch {
          body = raw;
        }
      }
      requests.push({ method: (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase(), url, body });
      return new Response('{}', { status: 599 });
    }) as typeof fetch,
  });
  const bound = client.use(fn as never) as unknown as (...args: unknown[]) => unknown;
  let sync = false;
  try {
    const result = bound(...args);
    if (result && typeof (result as Promise<unknown>).then === 'function') await (result as Promise<unknown>);
    else {
      sync = true;
      // A builder-only query sends its request when the builder runs.
      if (runBuilder && result && typeof (result as { find?: unknown }).find === 'function') await (result as { find: () => Promise<unknown> }).find();
    }
  } catch {
    /* the recorder always fails the call */
  }
  return { requests, sync };
}

export type DescribeResult = { ok: true; info: MethodDescription } | { ok: false; reason: CallProblem; message: string };

const cache = new WeakMap<Signature, Map<string, Promise<DescribeResult>>>();

/** Everything the gateway needs to know about a found call, given its signature. */
export function describeMethod(found: FoundCall, signature: Signature): Promise<DescribeResult> {
  let perSignature = cache.get(signature);
  if (!perSignature) {
    perSignature = new Map();
    cache.set(signature, perSignature);
  }
  let result = perSignature.get(found.call);
  if (!result) {
    result = describeUncached(found, signature);
    perSignature.set(found.call, result);
  }
  return result;
}

async function describeUncached(found: FoundCall, signature: Signature): Promise<DescribeResult> {
  const { call, fn, meta } = found;
  const module = call.slice(0, call.lastIndexOf('.'));
  const unprobeable = (why: string): DescribeResult => ({ ok: false, reason: 'unprobeable', message: `cannot tell how ${call} addresses Wix: ${why}` });

  // The arguments the gateway passes: the required ones, and the optional objects the data overload
  // of a query method needs (as dispatch passes them).
  const { defs } = signature;
  // A builder-only query is probed as the gateway runs it: the builder of its leading arguments, found.
  const builder = signature.builder === true;
  const params = builder ? signature.params.slice(0, -1) : signature.params;
  const base: unknown[] = params.map((p, i) => (i < signature.required ? sample(p, defs, MARK(String(i))) : undefined));
  const marks = new Map<string, string>(); // mark → argument path
  params.forEach((_, i) => marks.set(MARK(String(i)), String(i)));
  let first = await record(fn, base, builder);
  let args = base;
  if (!builder && (first.sync || first.requests.length === 0)) {
    args = params.map((p, i) => sample(p, defs, MARK(String(i))));
    first = await record(fn, args);
  }
  if ((first.sync && !builder) || first.requests.length === 0) {
    return { ok: false, reason: 'not-rest', message: `${call} sends no request to Wix when called with its arguments (it is not a REST method)` };
  }
  const found1 = locations(first.requests, [...marks.keys()]);
  const where = new Map<string, WireLocation[]>();
  for (const [mark, at] of found1) if (at.length) where.set(marks.get(mark)!, at);
  // An id inside an object argument (`{ _id }`): one run per object argument and key.
  for (const [i, p] of params.entries()) {
    for (const key of ['_id', 'id']) {
      const s = resolveSchema(p, defs);
      if (!('type' in s) || (s.type !== 'object' && s.type !== 'json') || !admitsKey(p, defs, key)) continue;
      const path = `${i}.${key}`;
      const mark = MARK(path);
      const runArgs = [...args];
      runArgs[i] = { [key]: mark };
      const run = await record(fn, runArgs, builder);
      const at = locations(run.requests, [mark]).get(mark)!;
      if (at.length) where.set(path, at);
    }
  }

  const pathArgs = [...where.entries()].filter(([, at]) => at.includes('path')).map(([p]) => p);
  // An id found both bare and inside its object: the object's own key is the id (`0._id`).
  const dedupedPathArgs = pathArgs.filter((p) => !pathArgs.some((q) => q !== p && q.startsWith(`${p}.`)));
  const request = first.requests[0]!;
  const httpMethod = meta?.httpMethod ?? request.method;
  let path = meta?.path;
  if (!path) {
    path = decodeURIComponent(request.url.pathname);
    for (const [mark, arg] of marks) path = path.split(mark).join(`{args.${arg}}`);
  }
  const pathParamCount = meta ? (meta.path.match(/\{[^}]+\}/g) ?? []).length : 0;
  if (dedupedPathArgs.length < pathParamCount) return unprobeable('the SDK puts arguments into its URL path that the probe cannot find');

  const addressing = Object.hasOwn(ADDRESSING, module) ? ADDRESSING[module] : undefined;
  let targetArgs = dedupedPathArgs;
  let scope: MethodDescription['scope'];
  let replaces: string | undefined;
  let addressed = dedupedPathArgs.length > 0;
  if (addressing) {
    const scopeAt = where.get(String(addressing.scope.arg)) ?? [];
    if (!addressing.scope.wire.some((w) => scopeAt.includes(w))) {
      return unprobeable(`its ${addressing.scope.noun} (args.${addressing.scope.arg}) is not sent as ${addressing.scope.wire.join(' or ')}`);
    }
    scope = { arg: addressing.scope.arg, noun: addressing.scope.noun };
    const entry = Object.hasOwn(addressing.methods, found.method) ? addressing.methods[found.method]! : undefined;
    if (!entry) return { ok: false, reason: 'unsupported', message: `${call} is not supported: ${addressing.others}` };
    const target = entry.target;
    if (entry.replaces !== undefined) replaces = entry.replaces;
    if (target) {
      if (!(where.get(target.arg) ?? []).includes(target.wire)) return unprobeable(`its id (args.${target.arg}) is not sent as ${target.wire}`);
      targetArgs = [String(scope.arg), target.arg];
      addressed = true;
    } else {
      targetArgs = [String(scope.arg), ...dedupedPathArgs];
    }
  }

  const listMatch = /^(query|search)([A-Z].*)?$/.exec(found.method);
  let kind: MethodKind;
  if (listMatch) kind = 'list';
  else if (addressed) kind = httpMethod === 'GET' ? 'read-one' : 'write-one';
  else kind = httpMethod === 'GET' ? 'read' : 'write';
  const probedBuilder = await record(fn, []);
  const info: MethodDescription = {
    call,
    package: found.package,
    method: found.method,
    httpMethod,
    path,
    pathArgs: dedupedPathArgs,
    targetArgs,
    kind,
    queryOverload: probedBuilder.sync,
  };
  if (scope) info.scope = scope;
  if (replaces !== undefined) info.replaces = replaces;
  if (listMatch) {
    const plural = listMatch[2];
    info.list = { queryArg: builder ? params.length : 0, itemsKey: builder ? 'items' : plural ? plural.charAt(0).toLowerCase() + plural.slice(1) : 'items' };
  }
  return { ok: true, info };
}

/** Finds, reads and probes several calls at once (one TypeScript program for their signatures). */
export async function describeCalls(calls: readonly string[]): Promise<Map<string, DescribeResult>> {
  const out = new Map<string, DescribeResult>();
  const found: FoundCall[] = [];
  for (const call of calls) {
    const f = await findCall(call);
    if (f.ok) found.push(f.found);
    else out.set(call, f);
  }
  const signatures = signaturesOf(found.map(({ call, package: pkg, method }) => ({ call, package: pkg, method })));
  for (const f of found) {
    const s = signatures.get(f.call)!;
    out.set(f.call, s.ok ? await describeMethod(f, s.signature) : { ok: false, reason: 'not-rest', message: s.message });
  }
  return out;
}
