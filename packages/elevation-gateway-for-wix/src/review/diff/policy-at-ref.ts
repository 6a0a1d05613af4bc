// The policy files as they were at a git ref, copied into a temporary folder laid out like the
// repository, so the real compiler builds them with the same file names (and the SDK packages
// installed now). Git is run without a shell, and a ref is never taken for an option.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';

/** The ref cannot be read (a usage error). */
export class RefError extends Error {}
/** The policy folder at the ref holds something that is not a policy file (the base has errors). */
export class PolicyAtRefError extends Error {}

export interface PolicyAtRef {
  /** The commit the ref names. */
  commit: string;
  /** The policy folder as it was, or undefined when the ref has no such folder (nothing was granted). */
  dir: string | undefined;
  /** The working directory as it was (file names in diagnostics are relative to it). */
  cwd: string;
  remove(): void;
}

function git(args: string[], cwd: string): Buffer {
  return execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

function gitText(args: string[], cwd: string): string | undefined {
  try {
    return git(args, cwd).toString('utf8').trim();
  } catch {
    return undefined;
  }
}

export function policyAtRef(ref: string, policiesDir: string, cwd = process.cwd()): PolicyAtRef {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_./@{}~^-]{0,199}$/.test(ref) || ref.includes('..')) {
    throw new RefError(`"${ref}" is not a git ref this command takes (a branch, tag, commit or e.g. HEAD~1, origin/main)`);
  }
  // The repository is the one that holds the policy folder (the working directory may be elsewhere).
  const here = realpathSync(resolve(cwd, policiesDir));
  const root = gitText(['rev-parse', '--show-toplevel'], here);
  if (root === undefined) throw new RefError(`${policiesDir} is not inside a git repository: compare against a folder with --base <dir>`);
  const commit = gitText(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], root);
  if (!commit) throw new RefError(`no commit "${ref}" in this repository${ref.includes('/') ? ' (fetch it first?)' : ''}`);
  const folder = relative(root, here).split('\\').join('/');
  if (folder.startsWith('..') || isAbsolute(folder)) throw new RefError(`the policy folder ${policiesDir} is outside the repository ${root}`);
  const listing = git(['ls-tree', '-z', commit, '--', folder === '' ? '.' : `${folder}/`], root).toString('utf8');
  const entries = listing
    .split('\0')
    .filter(Boolean)
    .map((entry) => {
      const tab = entry.indexOf('\t');
      const [mode, type, sha] = entry.slice(0, tab).split(' ') as [string, string, string];
      return { mode, type, sha, path: entry.slice(tab + 1) };
    })
    .filter((e) => /\.ya?ml$/.test(e.path));
  // Only regular files are policy files. A symbolic link's blob is the path it points to, not a
  // policy (and the working tree does not read a dangling one): never parse it as one.
  const odd = entries.find((e) => e.type !== 'blob' || (e.mode !== '100644' && e.mode !== '100755'));
  if (odd) {
    const what =
      odd.mode === '120000'
        ? 'a symbolic link'
        : odd.type === 'tree'
          ? 'a folder'
          : odd.type === 'commit'
            ? 'a submodule'
            : `not a regular file (mode ${odd.mode})`;
    throw new PolicyAtRefError(
      `${JSON.stringify(odd.path)} at ${ref} is ${what}, not a policy file: only regular files are read as policy files (replace it with the file itself)`,
    );
  }
  const blobs = entries;
  const tmp = mkdtempSync(join(tmpdir(), 'elevate-diff-'));
  const remove = () => rmSync(tmp, { recursive: true, force: true });
  // File names as in the working tree: relative to the working directory, or to the repository when that is outside it.
  const inside = relative(root, realpathSync(resolve(cwd)));
  const oldCwd = inside.startsWith('..') || isAbsolute(inside) ? tmp : join(tmp, inside);
  if (blobs.length === 0) return { commit, dir: undefined, cwd: oldCwd, remove };
  try {
    const dir = join(tmp, folder);
    mkdirSync(dir, { recursive: true });
    mkdirSync(oldCwd, { recursive: true });
    for (const blob of blobs) writeFileSync(join(tmp, blob.path), git(['cat-file', 'blob', blob.sha], root));
    return { commit, dir, cwd: oldCwd, remove };
  } catch (e) {
    remove();
    throw e;
  }
}
