// What the installed Wix SDK offers, read from the packages themselves (build time only): which
// namespaces an umbrella package (`@wix/ecom`, `@wix/data`) has and which per-module package each
// comes from, whatever that package is called (`@wix/auto_sdk_ecom_orders`,
// `@wix/wix-data-items-sdk`); which of a namespace's exports are functions that may call Wix, and the
// REST `meta` of those that have one. What each function actually sends is learnt by the probe
// (probe.ts), once the argument schemas are read. Nothing here is maintained by hand.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ADDRESSING } from './addressing.ts';

export type ExportKind = 'rest' | 'event' | 'enum' | 'other';

export interface NamespaceEntry {
  /** `ecom.orders` */
  module: string;
  /** `@wix/auto_sdk_ecom_orders` */
  package: string;
  /** The per-module package's directory, as the umbrella package resolves it. */
  dir: string;
}

/** The REST descriptor of a method in its package's `meta` export. */
export interface RestMeta {
  httpMethod: string;
  path: string;
  pathParams: Record<string, string>;
}

interface Manifest {
  version?: string;
  main?: string;
  module?: string;
  exports?: unknown;
}

/** `node_modules/<name>/package.json` from `fromDir` upwards, as Node's resolution walks (exports maps aside). */
function findPackageDir(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
}

/** The ES target of an `exports` entry: `import`, then `module`, then `default` (nested conditions too). */
function esTarget(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry;
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return undefined;
  const conditions = entry as Record<string, unknown>;
  for (const key of ['import', 'module', 'default']) {
    if (Object.hasOwn(conditions, key)) {
      const found = esTarget(conditions[key]);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * The file an ES import of `<package>` or `<package>/<subpath>` loads: the `exports` map when the
 * package has one, else `module`, then `main` (of the subpath's own package.json for a subpath
 * folder, as `@wix/wix-data-items-sdk/meta` has).
 */
export function esEntry(dir: string, subpath = '.'): string | undefined {
  const manifest = readManifest(dir);
  if (manifest.exports !== undefined) {
    const map = manifest.exports as Record<string, unknown>;
    const sugar = typeof map === 'string' || Array.isArray(map) || !Object.keys(map).some((k) => k.startsWith('.'));
    const target = sugar ? (subpath === '.' ? esTarget(map) : undefined) : Object.hasOwn(map, subpath) ? esTarget(map[subpath]) : undefined;
    return target ? join(dir, target) : undefined;
  }
  const base = subpath === '.' ? dir : join(dir, subpath);
  const own = subpath === '.' ? manifest : existsSync(join(base, 'package.json')) ? readManifest(base) : undefined;
  const file = own?.module ?? own?.main;
  if (file) return join(base, file);
  for (const guess of ['index.mjs', 'index.js']) if (existsSync(join(base, guess))) return join(base, guess);
  return undefined;
}

const namespaceCache = new Map<string, NamespaceEntry[]>();

/**
 * The namespaces of `@wix/<pkg>` and their per-module packages: every `import * as x from "@wix/…"`
 * that its ES entry re-exports.
 */
export function namespacesOf(pkg: string): NamespaceEntry[] {
  const cached = namespaceCache.get(pkg);
  if (cached) return cached;
  let entries: NamespaceEntry[] = [];
  try {
    const dir = findPackageDir(`@wix/${pkg}`, process.cwd());
    const entry = dir && esEntry(dir);
    if (dir && entry) {
      const index = readFileSync(entry, 'utf8');
      for (const m of index.matchAll(/import \* as ([A-Za-z0-9_$]+) from "(@wix\/[^"]+)"/g)) {
        const moduleDir = findPackageDir(m[2]!, dir);
        if (moduleDir) entries.push({ module: `${pkg}.${m[1]}`, package: m[2]!, dir: moduleDir });
      }
    }
  } catch {
    entries = [];
  }
  namespaceCache.set(pkg, entries);
  return entries;
}

/** The installed version of a package, as the project resolves it (undefined when it is not installed). */
export function installedVersion(pkg: string): string | undefined {
  try {
    const dir = findPackageDir(pkg, process.cwd());
    return dir ? readManifest(dir).version : undefined;
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

/** The CommonJS entry of `<package>` or `<package>/<subpath>` (`main`, or the subpath folder's own). */
function cjsEntry(dir: string, subpath: string): string | undefined {
  const base = subpath === '.' ? dir : join(dir, subpath);
  if (!existsSync(join(base, 'package.json'))) return undefined;
  const main = readManifest(base).main;
  return main ? join(base, main) : undefined;
}

/**
 * A package's module as Node loads it: its ES entry, or, when that is written for bundlers only
 * (`@wix/wix-data-items-sdk`'s `build/es` imports files without their extension), its CommonJS one.
 */
async function importEs(dir: string, subpath: string): Promise<Record<string, unknown>> {
  const file = esEntry(dir, subpath);
  try {
    if (file) return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (e) {
    const cjs = cjsEntry(dir, subpath);
    if (!cjs) throw e;
    return createRequire(join(dir, 'package.json'))(cjs) as Record<string, unknown>;
  }
  const cjs = cjsEntry(dir, subpath);
  return cjs ? (createRequire(join(dir, 'package.json'))(cjs) as Record<string, unknown>) : {};
}

const exportsCache = new Map<string, Promise<{ exports: Record<string, unknown>; meta: Record<string, unknown> }>>();

/** A namespace's exports and its `meta` (a package without `meta` has none: its functions are probed). */
export function loadNamespace(entry: NamespaceEntry) {
  let loaded = exportsCache.get(entry.package);
  if (!loaded) {
    loaded = Promise.all([importEs(entry.dir, '.'), importEs(entry.dir, './meta').catch(() => ({}))]).then(([exports, meta]) => ({ exports, meta }));
    exportsCache.set(entry.package, loaded);
  }
  return loaded;
}

export function restMeta(meta: Record<string, unknown>, name: string): RestMeta | undefined {
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

const isEvent = (name: string, value: unknown) => typeof value === 'function' && /^on[A-Z]/.test(name);
const isClass = (value: unknown) => typeof value === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(value));

/**
 * Every export of a namespace, classified: `rest` for a function with REST meta or, in a module
 * the repository describes (sdk/addressing.ts), a lower-case function without meta that is not an
 * event registrar or a class (the probe decides whether it calls Wix).
 */
export async function exportsOf(module: string): Promise<{ name: string; kind: ExportKind }[]> {
  const entry = findNamespace(module);
  if (!entry) return [];
  const { exports, meta } = await loadNamespace(entry);
  return Object.keys(exports)
    .sort()
    .map((name) => {
      const value = exports[name];
      let kind: ExportKind = 'other';
      if (isEvent(name, value)) kind = 'event';
      else if (typeof value === 'function' && restMeta(meta, name)) kind = 'rest';
      else if (typeof value === 'function' && /^[a-z]/.test(name) && !isClass(value) && Object.hasOwn(ADDRESSING, module)) kind = 'rest';
      else if (value !== null && typeof value === 'object') kind = 'enum';
      return { name, kind };
    });
}

export async function restMethodsOf(module: string): Promise<string[]> {
  return (await exportsOf(module)).filter((e) => e.kind === 'rest').map((e) => e.name);
}

/** Why a call cannot be described (the compiler reports it as `sdk/<reason>`). */
export type CallProblem = 'unknown-module' | 'unknown-method' | 'event' | 'enum' | 'not-rest' | 'unprobeable' | 'unsupported';

/** A function the policy names, found in its namespace; the probe (probe.ts) says what it sends. */
export interface FoundCall {
  /** `data.items.get` */
  call: string;
  /** The per-module package the method is imported from. */
  package: string;
  method: string;
  /** Its REST meta, when the package has one for it. */
  meta?: RestMeta;
  /** The function itself (the probe calls it through a recording client). */
  fn: (...args: unknown[]) => unknown;
}

export type FindResult = { ok: true; found: FoundCall } | { ok: false; reason: CallProblem; message: string };

const findCache = new Map<string, Promise<FindResult>>();

/**
 * After an install (`elevate dev` watches for one): forget which packages were found, and every
 * call that was not, so that a newly installed package is read. A package already loaded keeps the
 * version this process imported (Node caches ES modules): an upgrade needs a restart.
 */
export function forgetInstalledPackages(): void {
  namespaceCache.clear();
  for (const [call, result] of [...findCache]) {
    void result.then((r) => {
      if (!r.ok && findCache.get(call) === result) findCache.delete(call);
    });
  }
}

/** The function `module.method` names, or why it is not one the gateway may dispatch. */
export function findCall(call: string): Promise<FindResult> {
  let result = findCache.get(call);
  if (!result) {
    result = findUncached(call);
    findCache.set(call, result);
  }
  return result;
}

async function findUncached(call: string): Promise<FindResult> {
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
  if (isEvent(method, value)) return { ok: false, reason: 'event', message: `${call} is an event-handler registrar, not a REST method` };
  if (value !== null && typeof value === 'object') return { ok: false, reason: 'enum', message: `${call} is an enum, not a REST method` };
  const rest = restMeta(meta, method);
  // Without REST meta, only a module whose calls the repository describes (sdk/addressing.ts) has methods.
  if (typeof value !== 'function' || isClass(value) || (!rest && (!/^[a-z]/.test(method) || !Object.hasOwn(ADDRESSING, module)))) {
    return { ok: false, reason: 'not-rest', message: `${call} is not a REST method of the SDK` };
  }
  const found: FoundCall = { call, package: entry.package, method, fn: value as FoundCall['fn'] };
  if (rest) found.meta = rest;
  return { ok: true, found };
}
