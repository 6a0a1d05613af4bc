// Whether a policy's argument path (`args.1.customMessage` in `writable`, `presets` or `when`)
// names something the method accepts, by its signature: a typo would otherwise make a rule that
// never matches or a writable list that admits nothing, silently.
import type { Signature } from '../sdk/argument-schema.ts';
import { schemaPathProblem } from './schema-paths.ts';

/** Undefined when the path exists in the signature; otherwise why not, with a suggestion. */
export function argumentPathProblem(signature: Signature, path: string): string | undefined {
  const segments = path.split('.');
  if (segments[0] !== 'args') return `${path} does not start with "args."`;
  if (segments.length === 1) return undefined;
  const index = Number(segments[1]);
  if (!Number.isInteger(index) || index < 0) return `${path}: "${segments[1]}" is not an argument position`;
  if (index >= signature.params.length) {
    return `${path}: the method takes ${signature.params.length} argument(s) (${signature.names.join(', ')})`;
  }
  const problem = schemaPathProblem({ root: signature.params[index]!, defs: signature.defs, label: `args.${index}`, throughArrays: false }, segments.slice(2));
  return problem ? `${path}: ${problem}` : undefined;
}
