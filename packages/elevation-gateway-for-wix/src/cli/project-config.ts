// Where `elevate` finds the app's parts: the policy folder, the generated module, the app's own
// obligation kinds, the approved inventory and the app itself (its wix.config.json and
// package.json). Read from `elevate.config.json` in the working directory, else from the `"elevate"`
// key of its package.json; every key is optional and a path is relative to the working directory.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import * as z from 'zod';

export const CONFIG_FILE = 'elevate.config.json';

const configSchema = z.strictObject({
  $schema: z.string().optional(),
  /** The policy folder (default `policies`); its tests are `<policies>/tests/*.yaml`. */
  policies: z.string().min(1).optional(),
  /** The generated policy module the backend imports (default `src/generated/policy.ts`). */
  generated: z.string().min(1).optional(),
  /** The app's obligation kinds (default `src/obligations/index.ts`, if it exists). */
  obligations: z.string().min(1).optional(),
  /** The approved inventory (default `<policies>/permitted-calls.approved.json`). */
  approved: z.string().min(1).optional(),
  /** The app's folder: its package.json declares the SDK packages, its wix.config.json the app id (default `.`). */
  app: z.string().min(1).optional(),
});

export interface ProjectConfig {
  policies: string;
  generated: string;
  obligations: string;
  approved: string;
  app: string;
  /** Where the settings came from (for messages): `elevate.config.json`, `package.json#elevate` or `defaults`. */
  source: string;
}

export class ProjectConfigError extends Error {}

export const DEFAULT_CONFIG = { policies: 'policies', generated: 'src/generated/policy.ts', obligations: 'src/obligations/index.ts', app: '.' } as const;

export function loadProjectConfig(cwd = process.cwd()): ProjectConfig {
  let raw: unknown = {};
  let source = 'defaults';
  const file = join(cwd, CONFIG_FILE);
  const manifest = existsSync(join(cwd, 'package.json')) ? parseJson(readFileSync(join(cwd, 'package.json'), 'utf8'), 'package.json') : undefined;
  const inManifest = manifest !== null && typeof manifest === 'object' && Object.hasOwn(manifest, 'elevate');
  if (existsSync(file)) {
    if (inManifest) throw new ProjectConfigError(`both ${CONFIG_FILE} and package.json's "elevate" key hold settings: keep one`);
    source = CONFIG_FILE;
    raw = parseJson(readFileSync(file, 'utf8'), CONFIG_FILE);
  } else if (inManifest) {
    source = 'package.json#elevate';
    raw = (manifest as { elevate: unknown }).elevate;
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = issue.path.length ? `"${issue.path.join('.')}"` : 'the settings';
    const keys =
      issue.code === 'unrecognized_keys'
        ? ` (${issue.keys.map((k) => `"${k}"`).join(', ')}; known: ${Object.keys(configSchema.shape)
            .filter((k) => k !== '$schema')
            .join(', ')})`
        : '';
    throw new ProjectConfigError(`${source}: ${at}: ${issue.code === 'unrecognized_keys' ? 'unknown key' : issue.message}${keys}`);
  }
  const values = parsed.data;
  for (const key of ['policies', 'generated', 'obligations', 'approved', 'app'] as const) {
    const value = values[key];
    if (value !== undefined) insideProject(cwd, value, `${source}: "${key}"`);
  }
  const policies = values.policies ?? DEFAULT_CONFIG.policies;
  return {
    policies,
    generated: values.generated ?? DEFAULT_CONFIG.generated,
    obligations: values.obligations ?? DEFAULT_CONFIG.obligations,
    approved: values.approved ?? join(policies, 'permitted-calls.approved.json'),
    app: values.app ?? DEFAULT_CONFIG.app,
    source,
  };
}

/**
 * A setting names a path inside the project (the working directory), relative to it: the CLI writes
 * there (the generated module, the approved inventory), and the approval a reviewer guards must be
 * the project's own file. Symbolic links are followed before the check.
 */
function insideProject(cwd: string, value: string, what: string): void {
  if (isAbsolute(value)) throw new ProjectConfigError(`${what} is an absolute path (${value}): give a path inside the project, relative to it`);
  const root = realpathSync(cwd);
  let target = resolve(root, value);
  // The nearest part of the path that exists, with its links resolved.
  let existing = target;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  target = join(realpathSync(existing), relative(existing, target));
  const rel = relative(root, target);
  if (rel === '..' || rel.startsWith(`..${'/'}`) || isAbsolute(rel)) {
    throw new ProjectConfigError(`${what} (${value}) leads outside the project: give a path inside it`);
  }
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ProjectConfigError(`${file} is not JSON: ${(error as Error).message}`);
  }
}

let current: ProjectConfig | undefined;

/** The working directory's settings, read once per `elevate` run (main resets them). */
export function projectConfig(): ProjectConfig {
  current ??= loadProjectConfig();
  return current;
}

export function resetProjectConfig(): void {
  current = undefined;
}

/** The packages the app's package.json declares (dependencies and devDependencies: the Wix CLI bundles both). */
export function declaredPackages(app: string): Set<string> {
  const file = join(app, 'package.json');
  if (!existsSync(file)) return new Set();
  const manifest = parseJson(readFileSync(file, 'utf8'), file) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  return new Set([...Object.keys(manifest?.dependencies ?? {}), ...Object.keys(manifest?.devDependencies ?? {})]);
}
