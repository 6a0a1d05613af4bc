/**
 * The SDK modules the dev server emulates for a project: the module of every call its policy names, read from
 * the package the project installed (resolved from the project's folder, as its own imports are), seeded from
 * the project's seed file (`elevate.seed.yaml`). Problems come back as diagnostics, never as exceptions: a
 * module that cannot be read simply answers 404, as an unknown route does.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { esEntry } from '../../sdk/catalogue.ts';
import type { EmulatorDiagnostic } from './emulator-diagnostic.ts';
import { metaRoutes } from './meta-routes.ts';
import type { EmulatedModule } from './module-emulation.ts';
import { DEFAULT_SEED_FILE, readSeedFile, seedItemsFor, type SeedFile } from './seed-file.ts';
import { WIX_API_HOST, matchRoute } from './wix-emulator.ts';

/** A call the policy names: `crm.labels.getLabel`, or the compiled policy's method (`{ call, package }`). */
export type EmulatedCall = string | { call: string; package?: string };

export interface ProjectModules {
  modules: EmulatedModule[];
  /** the seed file read (as shown in diagnostics), if there was one */
  seedFile?: string;
  diagnostics: EmulatorDiagnostic[];
}

type ProjectRequire = ReturnType<typeof createRequire>;

/** `productsV3` → `products-v-3` (how `@wix/<package>` names its per-module packages). */
function kebab(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Za-z])([0-9])/g, '$1-$2')
    .toLowerCase();
}

/** A package's folder, looked up along the project's own node_modules path (exports maps aside). */
function packageDir(require: ProjectRequire, name: string): string | undefined {
  for (const base of require.resolve.paths(name) ?? []) {
    const dir = join(base, name);
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  return undefined;
}

/**
 * The per-module package of `pkg.namespace`: the compiled policy's, else `@wix/auto_sdk_<pkg>_<namespace>`
 * when installed, else the one the umbrella `@wix/<pkg>` re-exports as that namespace.
 */
function modulePackage(require: ProjectRequire, module: string, declared: string | undefined): { name: string; dir?: string } {
  if (declared) return { name: declared, dir: packageDir(require, declared) };
  const [pkg = '', namespace = ''] = module.split('.');
  const conventional = `@wix/auto_sdk_${pkg}_${kebab(namespace)}`;
  const dir = packageDir(require, conventional);
  if (dir) return { name: conventional, dir };
  const umbrella = packageDir(require, `@wix/${pkg}`);
  try {
    const entry = umbrella && esEntry(umbrella);
    const index = entry ? readFileSync(entry, 'utf8') : '';
    for (const m of index.matchAll(/import \* as ([A-Za-z0-9_$]+) from "(@wix\/[^"]+)"/g)) {
      if (m[1] === namespace) return { name: m[2]!, dir: packageDir(createRequire(join(umbrella!, 'package.json')), m[2]!) };
    }
  } catch {
    /* an unreadable umbrella package: the conventional name is reported */
  }
  return { name: conventional };
}

/** The package's `meta` export: its ES entry, else its CommonJS one. */
async function loadMeta(dir: string): Promise<Record<string, unknown> | undefined> {
  try {
    const file = esEntry(dir, './meta');
    if (file) return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch {
    /* fall back to CommonJS */
  }
  try {
    return createRequire(join(dir, 'package.json'))(join(dir, 'meta')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

/** Whether the emulator's built-in routes answer a method's URL (they are matched first). */
function builtIn(httpMethod: string, url: string): boolean {
  return matchRoute(httpMethod, WIX_API_HOST, url.replace(/:[^/]+/g, 'emulated-id')).route !== 'unknown';
}

/**
 * The emulated modules of `calls` for the project in `projectRoot`, seeded from `seedFile` (default
 * `<projectRoot>/elevate.seed.yaml`, if it exists), with what could not be set up as diagnostics.
 */
export async function emulatedModulesFor(projectRoot: string, calls: Iterable<EmulatedCall>, seedFile?: string): Promise<ProjectModules> {
  const root = resolve(projectRoot);
  const require = createRequire(join(root, 'package.json'));
  const diagnostics: EmulatorDiagnostic[] = [];

  const wanted = new Map<string, { package?: string; methods: string[] }>();
  for (const c of calls) {
    const call = typeof c === 'string' ? c : c.call;
    const cut = call.lastIndexOf('.');
    if (cut <= 0 || !call.slice(0, cut).includes('.')) {
      diagnostics.push({ severity: 'warning', message: `"${call}" is not an SDK call (module.namespace.method): not emulated` });
      continue;
    }
    const module = call.slice(0, cut);
    const entry = wanted.get(module) ?? { methods: [] };
    if (typeof c !== 'string' && c.package) entry.package ??= c.package;
    entry.methods.push(call.slice(cut + 1));
    wanted.set(module, entry);
  }

  let seed: SeedFile | undefined;
  const seedPath = seedFile === undefined ? join(root, DEFAULT_SEED_FILE) : resolve(root, seedFile);
  if (seedFile !== undefined || existsSync(seedPath)) {
    seed = readSeedFile(seedPath, shown(seedPath));
    diagnostics.push(...seed.diagnostics);
    for (const module of seed.modules.keys()) {
      if (!wanted.has(module)) {
        diagnostics.push({
          severity: 'warning',
          file: seed.file,
          ...seed.at([module], true),
          module,
          message: `no call of the policy is in ${module}: its seed is not used`,
        });
      }
    }
  }

  const modules: EmulatedModule[] = [];
  for (const [module, { package: declared, methods }] of wanted) {
    const pkg = modulePackage(require, module, declared);
    if (!pkg.dir) {
      diagnostics.push({
        severity: 'error',
        module,
        message: `${pkg.name} is not installed in ${shown(root)} (npm i @wix/${module.split('.')[0]}): unless the emulator has them built in, its calls answer 404`,
      });
      continue;
    }
    const meta = await loadMeta(pkg.dir);
    if (!meta) {
      diagnostics.push({
        severity: 'error',
        module,
        message: `${pkg.name} has no readable meta export: unless the emulator has them built in, its calls answer 404`,
      });
      continue;
    }
    const written = seed?.modules.get(module);
    const { items: _written, ...naming } = written ?? {};
    const derived = metaRoutes(module, meta, naming);
    // a module the emulator has built-in routes for (data.items) also answers methods its meta lacks (the query builder)
    const knownModule = [...derived.routes, ...derived.unmapped].some((r) => r.url !== undefined && builtIn(r.httpMethod, r.url));

    for (const method of methods) {
      const call = `${module}.${method}`;
      const route = derived.routes.find((r) => r.method === method);
      const unmapped = derived.unmapped.find((u) => u.call === call);
      if (route && builtIn(route.httpMethod, route.url) && written) {
        diagnostics.push({ severity: 'info', module, message: `${call} is answered by the emulator's built-in ${module} data, not by the seed` });
      } else if (unmapped && !(unmapped.url && builtIn(unmapped.httpMethod, unmapped.url))) {
        const at = unmapped.url ? ` (${unmapped.httpMethod} ${unmapped.url})` : '';
        diagnostics.push({ severity: 'warning', module, message: `${call}${at} is not emulated: ${unmapped.reason}; it answers 404 NOT_FOUND` });
      } else if (!route && !unmapped && !knownModule) {
        diagnostics.push({ severity: 'info', module, message: `${call} has no REST meta in ${pkg.name}: unless the emulator has it built in, it answers 404` });
      }
    }

    if (written && seed) {
      if (!derived.main) {
        diagnostics.push({
          severity: 'warning',
          file: seed.file,
          ...seed.at([module], true),
          module,
          message: `no method of ${module} addresses a collection: its seed is not used`,
        });
        modules.push({ module, meta });
        continue;
      }
      const { items, diagnostics: itemProblems } = seedItemsFor(seed, module, derived.main.idField);
      diagnostics.push(...itemProblems);
      modules.push({ module, meta, seed: { ...naming, items } });
    } else modules.push({ module, meta });
  }
  return { modules, ...(seed ? { seedFile: seed.file } : {}), diagnostics };
}
