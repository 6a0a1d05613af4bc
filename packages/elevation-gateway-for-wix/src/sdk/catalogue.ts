// What the installed Wix SDK offers, read from the packages themselves (build time only):
// which namespaces a package has, which of a namespace's exports are REST methods (the `meta`
// export lists each with its HTTP verb, path and path parameters), which arguments land in the URL
// path and which methods have a query-builder overload. Nothing here is maintained by hand.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createClient } from '@wix/sdk';
import type { MethodDescription, MethodKind } from './method-info.ts';

const requireFromProject = createRequire(join(process.cwd(), 'package.json'));

export type ExportKind = 'rest' | 'event' | 'enum' | 'other';

export interface NamespaceEntry {
  /** `ecom.orders` */
  module: string;
  /** `@wix/auto_sdk_ecom_orders` */
  package: string;
}

const namespaceCache = new Map<string, NamespaceEntry[]>();

/** The namespaces of `@wix/<pkg>` and their per-module packages, from the package's own index. */
export function namespacesOf(pkg: string): NamespaceEntry[] {
  const cached = namespaceCache.get(pkg);
  if (cached) return cached;
  let entries: NamespaceEntry[] = [];
  try {
    const manifest = requireFromProject.resolve(`@wix/${pkg}/package.json`);
    const index = readFileSync(join(dirname(manifest), 'build/es/index.mjs'), 'utf8');
    entries = [...index.matchAll(/import \* as ([A-Za-z0-9_$]+) from "(@wix\/auto_sdk_[^"]+)"/g)].map((m) => ({ module: `${pkg}.${m[1]}`, package: m[2]! }));
  } catch {
    entries = [];
  }
  namespaceCache.set(pkg, entries);
  return entries;
}

/** The installed version of a package, as the project resolves it (undefined when it is not installed). */
export function installedVersion(pkg: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(requireFromProject.resolve(`${pkg}/package.json`), 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** Every installed `@wix/*` package with SDK namespaces that the project's package.json declares. */
export function sdkPackages(): string[] {
  const manifest = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  return [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.devDependencies ?? {})]
    .filter((d) => d.startsWith('@wix/') && !d.startsWith('@wix/auto_sdk_'))
    .map((d) => d.slice('@wix/'.length))
    .filter((p) => namespacesOf(p).length > 0);
}

export function findNamespace(module: string): NamespaceEntry | undefined {
  const pkg = module.split('.')[0] ?? '';
  return namespacesOf(pkg).find((n) => n.module === module);
}

async function importFromProject(specifier: string): Promise<Record<string, unknown>> {
  const resolved = requireFromProject.resolve(specifier);
  // The CommonJS entry is what `require.resolve` finds; load the ES build next to it instead.
  const esm = resolved.replace(/\/build\/cjs\/(.*)\.js$/, '/build/es/$1.mjs');
  return (await import(pathToFileURL(esm).href)) as Record<string, unknown>;
}

interface RestMeta {
  httpMethod: string;
  path: string;
  pathParams: Record<string, string>;
}

const exportsCache = new Map<string, Promise<{ exports: Record<string, unknown>; meta: Record<string, unknown> }>>();

function loadNamespace(entry: NamespaceEntry) {
  let loaded = exportsCache.get(entry.package);
  if (!loaded) {
    loaded = Promise.all([importFromProject(entry.package), importFromProject(`${entry.package}/meta`)]).then(([exports, meta]) => ({ exports, meta }));
    exportsCache.set(entry.package, loaded);
  }
  return loaded;
}

function restMeta(meta: Record<string, unknown>, name: string): RestMeta | undefined {
  if (!Object.hasOwn(meta, name) || typeof meta[name] !== 'function') return undefined;
  try {
    const m = (meta[name] as () => unknown)() as Partial<RestMeta>;
    if (typeof m?.httpMethod === 'string' && typeof m.path === 'string') {
      return { httpMethod: m.httpMethod, path: m.path, pathParams: m.pathParams ?? {} };
    }
  } catch {
    /* not a REST descriptor */
  }
  return undefined;
}

/** Every export of a namespace, classified. */
export async function exportsOf(module: string): Promise<{ name: string; kind: ExportKind }[]> {
  const entry = findNamespace(module);
  if (!entry) return [];
  const { exports, meta } = await loadNamespace(entry);
  return Object.keys(exports)
    .sort()
    .map((name) => {
      const value = exports[name];
      let kind: ExportKind = 'other';
      if (typeof value === 'function' && restMeta(meta, name)) kind = 'rest';
      else if (typeof value === 'function' && /^on[A-Z]/.test(name)) kind = 'event';
      else if (value !== null && typeof value === 'object') kind = 'enum';
      return { name, kind };
    });
}

export async function restMethodsOf(module: string): Promise<string[]> {
  return (await exportsOf(module)).filter((e) => e.kind === 'rest').map((e) => e.name);
}

const MARK = (i: number) => `zzprobe${i}zz`;

/**
 * Calls the real SDK function through a client whose fetch only records, to learn which arguments
 * the SDK inserts into the URL path and whether a call with no query returns a builder.
 */
async function probe(fn: (...args: unknown[]) => unknown, pathParamCount: number): Promise<{ pathArgs: string[]; queryOverload: boolean; complete: boolean }> {
  const urls: string[] = [];
  const client = createClient({
    auth: { getAuthHeaders: async () => ({ headers: {} }) } as never,
    fetch: (async (input: RequestInfo | URL) => {
      urls.push(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
      return new Response('{}', { status: 599 });
    }) as typeof fetch,
  });
  const bound = client.use(fn as never) as unknown as (...args: unknown[]) => unknown;
  const run = async (args: unknown[]) => {
    urls.length = 0;
    try {
      await bound(...args);
    } catch {
      /* the recorder always fails the call */
    }
    return urls.map((u) => decodeURIComponent(new URL(u).pathname)).join(' ');
  };

  let queryOverload = false;
  try {
    const result = bound();
    if (result && typeof (result as Promise<unknown>).then === 'function') (result as Promise<unknown>).catch(() => undefined);
    else queryOverload = true;
  } catch {
    /* a method that needs arguments */
  }

  const pathArgs: string[] = [];
  const positions = [0, 1, 2, 3];
  const asStrings = await run(positions.map(MARK));
  for (const i of positions) if (asStrings.includes(MARK(i))) pathArgs.push(String(i));
  if (pathArgs.length < pathParamCount) {
    for (const key of ['_id', 'id']) {
      for (const i of positions) {
        if (pathArgs.some((p) => p.split('.')[0] === String(i))) continue;
        const args: unknown[] = positions.map(() => ({}));
        args[i] = { [key]: MARK(i) };
        if ((await run(args)).includes(MARK(i))) pathArgs.push(`${i}.${key}`);
      }
    }
  }
  return { pathArgs, queryOverload, complete: pathArgs.length >= pathParamCount };
}

/** Why a call cannot be described (the compiler reports it as `sdk/<reason>`). */
export type CallProblem = 'unknown-module' | 'unknown-method' | 'event' | 'enum' | 'not-rest' | 'unprobeable';

export type DescribeResult = { ok: true; info: MethodDescription } | { ok: false; reason: CallProblem; message: string };

const describeCache = new Map<string, Promise<DescribeResult>>();

/** Everything the gateway needs to know about `module.method`, or why it is not a dispatchable method. */
export function describeCall(call: string): Promise<DescribeResult> {
  let result = describeCache.get(call);
  if (!result) {
    result = describeUncached(call);
    describeCache.set(call, result);
  }
  return result;
}

async function describeUncached(call: string): Promise<DescribeResult> {
  const cut = call.lastIndexOf('.');
  const module = call.slice(0, cut);
  const method = call.slice(cut + 1);
  const entry = findNamespace(module);
  if (!entry) {
    const pkg = `@wix/${module.split('.')[0] ?? ''}`;
    const installed = namespacesOf(module.split('.')[0] ?? '').length > 0;
    const message = installed
      ? `unknown SDK module "${module}": ${pkg} has no namespace "${module.split('.')[1] ?? ''}"`
      : `unknown SDK module "${module}": ${pkg} is not installed in this project (if it is a Wix SDK package: npm i ${pkg})`;
    return { ok: false, reason: 'unknown-module', message };
  }
  const { exports, meta } = await loadNamespace(entry);
  if (!Object.hasOwn(exports, method)) return { ok: false, reason: 'unknown-method', message: `"${method}" is not an export of ${module}` };
  const value = exports[method];
  const rest = restMeta(meta, method);
  if (typeof value !== 'function' || !rest) {
    if (typeof value === 'function' && /^on[A-Z]/.test(method)) {
      return { ok: false, reason: 'event', message: `${call} is an event-handler registrar, not a REST method` };
    }
    if (value !== null && typeof value === 'object') return { ok: false, reason: 'enum', message: `${call} is an enum, not a REST method` };
    return { ok: false, reason: 'not-rest', message: `${call} is not a REST method of the SDK` };
  }
  const pathParamCount = (rest.path.match(/\{[^}]+\}/g) ?? []).length;
  const probed = await probe(value as (...args: unknown[]) => unknown, pathParamCount);
  if (!probed.complete) {
    return { ok: false, reason: 'unprobeable', message: `cannot tell which arguments of ${call} the SDK puts into its URL path` };
  }
  const listMatch = /^(query|search)([A-Z].*)$/.exec(method);
  let kind: MethodKind;
  if (listMatch) kind = 'list';
  else if (probed.pathArgs.length > 0) kind = rest.httpMethod === 'GET' ? 'read-one' : 'write-one';
  else kind = rest.httpMethod === 'GET' ? 'read' : 'write';
  const info: MethodDescription = {
    call,
    package: entry.package,
    method,
    httpMethod: rest.httpMethod,
    path: rest.path,
    pathArgs: probed.pathArgs,
    kind,
    queryOverload: probed.queryOverload,
  };
  if (listMatch) {
    const plural = listMatch[2]!;
    info.list = { queryArg: 0, itemsKey: plural.charAt(0).toLowerCase() + plural.slice(1) };
  }
  return { ok: true, info };
}
