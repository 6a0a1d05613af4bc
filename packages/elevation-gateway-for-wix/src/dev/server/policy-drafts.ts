// The playground's policy editor, on the server: the policy files as they are on disk, a draft of
// them compiled by the same compiler `elevate build` runs (positioned diagnostics, or the module the
// gateway then serves from memory), and a save that writes a draft to the policy folder only when it
// builds. Names come from the browser: only plain `*.yaml` names in the policy folder itself.
import { lstatSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, join, relative } from 'node:path';
import { parsePolicyText, policyEntries, policyFiles } from '../../policy/load.ts';
import { compilePolicy, type CompileOptions } from '../../policy/compile.ts';
import { generatePolicyModule } from '../../policy/generate.ts';
import type { BuildResult } from '../../policy/build.ts';
import type { Diagnostic } from '../../policy/diagnostics.ts';

export interface PolicySource {
  /** The file's name in the policy folder (`policy.yaml`). */
  name: string;
  text: string;
}

/** What a draft may hold: a few plain YAML files of reasonable size. */
export const DRAFT_LIMITS = { files: 50, bytesPerFile: 256 * 1024 } as const;
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}\.ya?ml$/;

export type DraftInput = { ok: true; sources: PolicySource[] } | { ok: false; error: string };

/** The policy folder's files, in the order `elevate build` reads them. */
export function readPolicySources(dir: string): PolicySource[] {
  return policyFiles(dir).map((path) => ({ name: basename(path), text: readFileSync(path, 'utf8') }));
}

/** A request body `{ files: [{ name, text }] }`, checked: never a path, never a huge or odd value. */
export function readDraft(body: unknown): DraftInput {
  const files = (body as { files?: unknown } | null)?.files;
  if (!Array.isArray(files) || files.length === 0) return { ok: false, error: 'send { "files": [{ "name": "policy.yaml", "text": "…" }] }' };
  if (files.length > DRAFT_LIMITS.files) return { ok: false, error: `a draft holds at most ${DRAFT_LIMITS.files} files` };
  const sources: PolicySource[] = [];
  const seen = new Set<string>();
  for (const f of files as unknown[]) {
    const { name, text } = (f ?? {}) as { name?: unknown; text?: unknown };
    if (typeof name !== 'string' || !FILE_NAME.test(name)) {
      return { ok: false, error: `${JSON.stringify(name)?.slice(0, 80)} is not a policy file name: a plain *.yaml name in the policy folder` };
    }
    if (typeof text !== 'string') return { ok: false, error: `${name}: text must be a string` };
    if (Buffer.byteLength(text) > DRAFT_LIMITS.bytesPerFile) return { ok: false, error: `${name}: larger than ${DRAFT_LIMITS.bytesPerFile / 1024} KiB` };
    if (seen.has(name)) return { ok: false, error: `${name} is sent twice` };
    seen.add(name);
    sources.push({ name, text });
  }
  return { ok: true, sources: sources.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) };
}

/**
 * Compiles `sources` as the policy folder `dir` would compile, files named from `namedFrom` (as
 * `elevate build` run there names them), without touching the disk.
 */
export async function compileDraft(dir: string, sources: PolicySource[], options: CompileOptions & { namedFrom: string }): Promise<BuildResult> {
  const diagnostics: Diagnostic[] = [];
  const shown = (name: string) => relative(options.namedFrom, join(dir, name)) || name;
  // What the folder holds beside the draft counts as it does for `elevate build`: an entry that is no policy file fails it.
  for (const entry of policyEntries(dir)) {
    if (entry.problem === undefined) continue;
    const file = shown(basename(entry.path));
    diagnostics.push({
      severity: 'error',
      file,
      line: 1,
      column: 1,
      code: 'no-policy',
      message: `${file} ${entry.problem}: a *.yaml entry of the policy folder must be a policy file (remove or rename it)`,
    });
  }
  const files = sources.map((s) => parsePolicyText(s.text, shown(s.name), diagnostics));
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  const { policy } = await compilePolicy(files, diagnostics, options);
  if (!policy) return { diagnostics };
  return { diagnostics, policy, moduleText: await generatePolicyModule(policy) };
}

export type Written = { ok: true; written: string[] } | { ok: false; error: string };

/**
 * Writes each source into `dir` (files the draft does not name are left as they are): all or none
 * refused first — a name that is a symbolic link (which would write where it points, perhaps
 * outside the folder), a folder or anything but a regular file —, then each file through a
 * temporary file renamed into place, so a reader never sees half a policy. The names whose text changed.
 */
export function writePolicySources(dir: string, sources: PolicySource[]): Written {
  const changed: PolicySource[] = [];
  for (const s of sources) {
    const path = join(dir, s.name);
    let stats;
    try {
      stats = lstatSync(path);
    } catch {
      changed.push(s); // a new file
      continue;
    }
    if (!stats.isFile()) {
      const what = stats.isSymbolicLink() ? 'a symbolic link' : stats.isDirectory() ? 'a folder' : 'not a regular file';
      return { ok: false, error: `${s.name} is ${what}: the playground saves only regular files in the policy folder (nothing was written)` };
    }
    if (readFileSync(path, 'utf8') !== s.text) changed.push(s);
  }
  for (const s of changed) {
    const temporary = join(dir, `.${s.name}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      writeFileSync(temporary, s.text, { flag: 'wx' });
      renameSync(temporary, join(dir, s.name));
    } catch (error) {
      rmSync(temporary, { force: true });
      throw error;
    }
  }
  return { ok: true, written: changed.map((s) => s.name) };
}

/** The folder's files with the draft's in their place (a draft names the files it edits; the others stay as on disk). */
export function withDraft(onDisk: PolicySource[], draft: PolicySource[]): PolicySource[] {
  const byName = new Map(onDisk.map((s) => [s.name, s]));
  for (const s of draft) byName.set(s.name, s);
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
