// `elevate init [--force] [--dry-run]`: adds the gateway to an existing Wix app. It recognises the
// app's structure, then writes what the app needs and nothing else: the endpoint, a starter policy
// that grants nothing, a policy test, the obligation-kinds index, the generated module and the
// (empty) approved inventory, and the package.json scripts of the policy gate. A file that is
// already there with the same text is left as it is; one that differs is listed and left alone
// unless --force. A second run changes nothing and says so.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { buildPolicy } from '../policy/build.ts';
import { formatDiagnostic } from '../policy/diagnostics.ts';
import { approvedInventoryText } from '../review/audit/inventory-diff.ts';
import { namespacesOf, restMethodsOf } from '../sdk/catalogue.ts';
import { readCommandLine } from './command-line.ts';
import { paint } from './output.ts';
import { declaredPackages, projectConfig } from './project-config.ts';
import { PACKAGE_NAME } from '../policy/generate.ts';

export const INIT_HELP = `usage: elevate init [--force] [--dry-run]

Adds the elevation gateway to the Wix app in the working directory. Recognises its structure from
the app's own package.json: the Wix CLI (@wix/custom-extensions; the endpoint in src/endpoints/, or
src/<apiDir>/ when app() in src/extensions.ts names one), the Astro-based Wix CLI (@wix/astro;
src/pages/api/elevate.ts) or the legacy Wix CLI for Apps (@wix/cli-app and src/backend/api;
src/backend/api/elevate/api.ts). Then writes
  the endpoint                        where that structure serves it
  src/elevate-client.ts               the frontend client, with that structure's endpoint URL
  <policies>/policy.yaml              a starter policy that grants nothing
  <policies>/tests/starter.yaml       a policy test (when the app declares a Wix SDK package and has none)
  src/obligations/index.ts            where the app registers obligation kinds of its own
  <generated>                         the compiled policy module (as \`elevate build\` writes it)
  <policies>/permitted-calls.approved.json   the approved inventory (empty: nothing is granted)
and the package.json scripts policy:build, policy:gate and prebuild (elevate build before the Wix build).
  --force    overwrite files and scripts that differ from what init writes
  --dry-run  say what would change, write nothing
Exit: 0 done (or nothing to do), 1 files differ and were left alone or the policy has errors, 2 no supported app structure.`;

import { detectStructure, type AppStructure } from './app-structure.ts';

/** A relative import specifier as a Vite/TypeScript app writes it: no `.ts`, a folder for `index.ts`. */
function importPath(fromDir: string, file: string): string {
  let spec = relative(fromDir, file)
    .split(sep)
    .join('/')
    .replace(/\.tsx?$/, '')
    .replace(/\/index$/, '');
  if (!spec.startsWith('.')) spec = `./${spec}`;
  return spec;
}

const OBLIGATIONS_TEXT = `// The app's own obligation kinds: one import per kind, each module calling registerObligationKind
// from '${PACKAGE_NAME}'. \`elevate\` loads this file before it reads the policy and the endpoint
// imports it before the gateway loads the policy, so both know the same kinds (a policy using a
// kind the backend does not register fails closed: every call is 503). This app registers none yet.
export {};
`;

function policyText(schema: string): string {
  return `# yaml-language-server: $schema=${schema}
#
# The elevation policy of this app (started by \`elevate init\`). The gateway denies every call no
# rule allows: as written, this policy grants nothing. Add one rule per elevated call the frontend
# needs, saying what stops it from leaking what the app's authority sees (a resource condition: which
# objects; fields: which parts of them; cap: how many at once). Then:
#   elevate build                  compile it into the module the endpoint imports
#   elevate test                   run the policy tests (tests/*.yaml)
#   elevate audit                  review every call each role can make
#   elevate audit --approve        approve that inventory, after review (CI runs audit --check)
version: 1

roles:
  visitor:
    description: Anyone on the site, signed in or not.
    subjects: [VISITOR]
  member:
    description: A signed-in site member; also a visitor.
    subjects: [MEMBER]
    inherits: [visitor]
  wix-user:
    description: The site's owner or a collaborator, in the dashboard.
    subjects: [USER]

rules: []
# Examples. Each module's packages must be dependencies of the app: the SDK package and the per-module
# package the generated module imports (elevate build names it), e.g.
#   npm i @wix/members @wix/auto_sdk_members_members      npm i @wix/ecom @wix/auto_sdk_ecom_orders
#
# rules:
#   - id: member-reads-own-profile
#     description: A member reads their own member record, and no one else's.
#     roles: [member]
#     allow: members.members.getMember
#     resource: { _id: "\${caller.id}" }
#
#   - id: member-lists-own-orders
#     description: A member lists their own orders, 20 at most per page.
#     roles: [member]
#     allow: ecom.orders.searchOrders
#     resource: { buyerInfo.memberId: "\${caller.id}" }
#     cap: 20
`;
}

function starterTestText(schema: string, call: string): string {
  return `# yaml-language-server: $schema=${schema}
#
# Policy tests (started by \`elevate init\`): each case sends a caller and a call through the gateway's
# real decision, offline. Add a case for every rule: what it allows, and what it must still deny.
description: The starter policy grants nothing.
cases:
  - name: a visitor cannot call ${call} (no rule grants it)
    as: visitor:v-1
    call: ${call}
    expect: deny
`;
}

type Outcome = 'created' | 'unchanged' | 'kept' | 'differs' | 'overwritten';

interface Change {
  what: string;
  outcome: Outcome;
}

class InitError extends Error {}

/** A REST method of the first Wix SDK package the app declares (and the catalogue can load), for the starter test. */
async function someDeclaredCall(): Promise<string | undefined> {
  const packages = [...declaredPackages('.')].filter((p) => p.startsWith('@wix/') && !p.startsWith('@wix/auto_sdk_')).sort();
  for (const pkg of packages) {
    for (const namespace of namespacesOf(pkg.slice('@wix/'.length))) {
      let methods: string[];
      try {
        methods = (await restMethodsOf(namespace.module)).sort();
      } catch {
        continue; // a per-module package that does not resolve (a pruned or unusual install)
      }
      const method = methods.find((m) => /^get[A-Z]/.test(m)) ?? methods[0];
      if (method) return `${namespace.module}.${method}`;
    }
  }
  return undefined;
}

/** Every file init may write must be a file (or absent) under folders that are folders (or absent). */
function checkWritable(files: string[]): void {
  for (const file of files) {
    if (existsSync(file) && statSync(file).isDirectory()) throw new InitError(`${file} is a folder: init would write a file there`);
    for (let dir = dirname(file); dir !== '.' && dir !== dirname(dir); dir = dirname(dir)) {
      if (existsSync(dir) && !statSync(dir).isDirectory()) throw new InitError(`${dir} is a file: init would write ${file} inside it`);
    }
  }
}

interface Manifest {
  scripts?: Record<string, string>;
  [key: string]: unknown;
}

function readManifest(): { text: string; manifest: Manifest } {
  const text = readFileSync('package.json', 'utf8');
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (error) {
    throw new InitError(`package.json is not JSON: ${(error as Error).message}`);
  }
  if (manifest === null || typeof manifest !== 'object' || Array.isArray(manifest)) throw new InitError('package.json is not a JSON object');
  const scripts = (manifest as Manifest).scripts;
  if (scripts !== undefined && (scripts === null || typeof scripts !== 'object' || Array.isArray(scripts))) {
    throw new InitError('package.json\'s "scripts" is not an object: init adds scripts to it');
  }
  return { text, manifest: manifest as Manifest };
}

export async function runInit(argv: string[]): Promise<number> {
  const line = readCommandLine('init', argv, INIT_HELP, {
    force: { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false },
  });
  if (typeof line === 'number') return line;
  const structure = detectStructure();
  if (!structure.ok) {
    console.error(
      `elevate init: no Wix app structure this version supports in ${process.cwd()}. Looked for:\n${structure.lookedFor.map((l) => `  - ${l}`).join('\n')}\n` +
        'Run it in the app folder (where its package.json is). A self-hosted backend has no structure to detect: see the README, "Self-hosted backends".',
    );
    return 2;
  }
  try {
    return await initialise(structure.structure, line.values.force, line.values['dry-run']);
  } catch (error) {
    if (!(error instanceof InitError)) throw error;
    console.error(`elevate init: ${error.message}; nothing was written`);
    return 1;
  }
}

async function initialise(structure: AppStructure, force: boolean, dryRun: boolean): Promise<number> {
  const config = projectConfig();
  const policyFile = join(config.policies, 'policy.yaml');
  const testsDir = join(config.policies, 'tests');
  const starterFile = join(testsDir, 'starter.yaml');
  const { text: manifestText, manifest } = readManifest();
  checkWritable([structure.endpoint, structure.clientFile, policyFile, starterFile, config.obligations, config.generated, config.approved]);

  const changes: Change[] = [];
  /** Plans one file; writes it unless --dry-run. Answers the outcome. */
  const put = (file: string, text: string, overwrite = force): Outcome => {
    const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    let outcome: Outcome;
    if (current === text) outcome = 'unchanged';
    else if (current !== undefined && !overwrite) outcome = 'differs';
    else {
      outcome = current === undefined ? 'created' : 'overwritten';
      if (!dryRun) {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, text);
      }
    }
    changes.push({ what: file, outcome });
    return outcome;
  };

  // The schema lines point into the installed package, relative to each file's folder.
  const schemaFrom = (dir: string, name: string) =>
    relative(resolve(dir), resolve('node_modules', PACKAGE_NAME, 'schema', name))
      .split(sep)
      .join('/');
  const endpointDir = dirname(structure.endpoint);
  put(structure.endpoint, structure.endpointText(importPath(endpointDir, config.generated), importPath(endpointDir, config.obligations)));
  put(structure.clientFile, structure.clientText(importPath(dirname(structure.clientFile), config.generated)));
  put(config.obligations, OBLIGATIONS_TEXT);
  const policyOutcome = put(policyFile, policyText(schemaFrom(config.policies, 'policy.schema.json')));
  const policyReset = policyOutcome === 'created' || policyOutcome === 'overwritten';

  // A starter test only where there is none: once written it is the app's (init never compares it).
  const call = await someDeclaredCall();
  const hasTests = existsSync(testsDir) && readdirSync(testsDir).some((f) => /\.ya?ml$/.test(f));
  if (existsSync(starterFile)) changes.push({ what: starterFile, outcome: 'kept' });
  else if (call && !hasTests) put(starterFile, starterTestText(schemaFrom(testsDir, 'policy-tests.schema.json'), call));

  // The generated module follows from the policy; the approved inventory is reset with the policy
  // (the starter grants nothing) and otherwise left to `elevate audit --approve`.
  let built = true;
  if (dryRun && policyReset) {
    for (const file of [config.generated, config.approved])
      changes.push({ what: `${file} (from the starter policy)`, outcome: existsSync(file) ? 'overwritten' : 'created' });
  } else {
    const result = await buildPolicy(config.policies, { declaredPackages: declaredPackages(config.app) });
    if (result.moduleText) {
      put(config.generated, result.moduleText);
      if (policyReset || !existsSync(config.approved)) put(config.approved, approvedInventoryText([]), policyReset);
    } else {
      built = false;
      for (const d of result.diagnostics) console.error(formatDiagnostic(d));
    }
  }

  const scripts: Record<string, string> = {
    'policy:build': 'elevate build',
    'policy:gate': 'elevate check && elevate audit --check && elevate test',
    prebuild: 'elevate build',
  };
  const current = { ...(manifest.scripts ?? {}) };
  let scriptsChanged = false;
  for (const [name, command] of Object.entries(scripts)) {
    const what = `package.json scripts.${name}`;
    if (current[name] === command) changes.push({ what, outcome: 'unchanged' });
    else if (current[name] !== undefined && !force) changes.push({ what, outcome: 'differs' });
    else {
      changes.push({ what, outcome: current[name] === undefined ? 'created' : 'overwritten' });
      current[name] = command;
      scriptsChanged = true;
    }
  }
  if (scriptsChanged && !dryRun) {
    // Keep the file's own indentation and line endings.
    const indent = /^\{\r?\n([ \t]+)"/.exec(manifestText)?.[1] ?? '  ';
    const eol = manifestText.includes('\r\n') ? '\r\n' : '\n';
    writeFileSync('package.json', `${JSON.stringify({ ...manifest, scripts: current }, null, indent).replace(/\n/g, eol)}${eol}`);
  }

  const p = paint();
  const label: Record<Outcome, string> = {
    created: p.green(dryRun ? 'would create' : 'created'),
    overwritten: p.yellow(dryRun ? 'would overwrite' : 'overwrote'),
    unchanged: p.dim('unchanged'),
    kept: p.dim("kept (the app's)"),
    differs: p.red('differs, left alone'),
  };
  console.log(`${structure.title}: the endpoint is ${structure.endpoint}, served at ${structure.servedAt}`);
  for (const c of changes) console.log(`  ${label[c.outcome]}  ${c.what}`);
  for (const note of structure.notes()) console.log(`Note: ${note}`);
  if (!call && !hasTests && !existsSync(starterFile))
    console.log(
      'No Wix SDK package is declared yet, so no starter policy test was written (a policy that grants nothing needs none): add one with your first rule.',
    );
  if (!built) {
    console.error('elevate init: the policy has errors (above): the generated module was not written; fix them, then `elevate build`');
    return 1;
  }
  const differs = changes.filter((c) => c.outcome === 'differs');
  if (differs.length) {
    console.error(
      `elevate init: ${differs.length} file(s) or script(s) differ from what init writes and were left alone; compare them, or run \`elevate init --force\` to overwrite`,
    );
    return 1;
  }
  if (changes.every((c) => c.outcome === 'unchanged' || c.outcome === 'kept')) {
    console.log('elevate init: nothing to do, the gateway is already set up here');
    return 0;
  }
  if (!dryRun)
    console.log(
      `elevate init: the gateway is set up${policyReset ? '; it grants nothing yet' : ''}. Next: add a rule to ${policyFile}, then \`elevate build\`, \`elevate test\`, review \`elevate audit\` and \`elevate audit --approve\`; run \`npm run policy:gate\` in CI.`,
    );
  return 0;
}
