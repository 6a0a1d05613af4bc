// Vitest's global setup: compiles the package (dist/, as `npm pack` ships it) once before the tests,
// so the tests of the installed command run the compiled CLI, not the sources.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

export default function buildDist(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
