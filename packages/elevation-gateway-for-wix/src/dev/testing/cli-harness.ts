// Runs `elevate` in-process for tests, capturing what it prints, and makes temporary copies of the
// shop fixture's policy to break on purpose. Test support only.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { main } from '../../cli/main.ts';
import { SHOP } from './shop.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  out: string;
}

export async function runCli(argv: string[]): Promise<CliRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const log = console.log;
  const error = console.error;
  const write = process.stdout.write.bind(process.stdout);
  console.log = (...a: unknown[]) => {
    stdout.push(a.map(String).join(' '));
  };
  console.error = (...a: unknown[]) => {
    stderr.push(a.map(String).join(' '));
  };
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    const code = await main(argv);
    return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n'), out: [...stdout, ...stderr].join('\n') };
  } finally {
    console.log = log;
    console.error = error;
    process.stdout.write = write;
  }
}

export interface PolicyCopy {
  /** The copy's folder, relative to the working directory (as diagnostics print it). */
  dir: string;
  file: string;
  text(): string;
  /** Replaces text in policy.yaml (throws when `from` is not there, so a test cannot silently test nothing). */
  edit(from: string | RegExp, to: string): void;
  /** Line and column (1-based) of the first occurrence of `needle` in policy.yaml. */
  position(needle: string): { line: number; column: number };
  remove(): void;
}

export function copyPolicy(): PolicyCopy {
  const abs = mkdtempSync(join(tmpdir(), 'elevate-policy-'));
  cpSync(SHOP.policies, abs, { recursive: true });
  const dir = relative(process.cwd(), abs);
  const file = join(dir, 'policy.yaml');
  const text = () => readFileSync(file, 'utf8');
  return {
    dir,
    file,
    text,
    edit(from, to) {
      const before = text();
      const after = before.replace(from, to);
      if (after === before) throw new Error(`policy copy: ${String(from)} not found`);
      writeFileSync(file, after);
    },
    position(needle) {
      const lines = text().split('\n');
      const line = lines.findIndex((l) => l.includes(needle));
      if (line < 0) throw new Error(`policy copy: ${needle} not found`);
      return { line: line + 1, column: lines[line]!.indexOf(needle) + 1 };
    },
    remove() {
      rmSync(abs, { recursive: true, force: true });
    },
  };
}
