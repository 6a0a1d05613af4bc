// Options that turn a Wix protection off (src/sdk/protection-options.ts lists them, with where each
// was verified): refused in any options argument of the call unless an allowing rule names the
// option in `allowOptions`, and then decided by those rules alone. Evaluated with the decision,
// before the arguments are parsed, so an option the SDK's types do not declare (`suppressAuth`) is
// refused for what it is, not as an unknown key, and the rate limit, the log and explain see the
// rules that really allowed the call.
import { isPlainObject } from '../../conditions/json-value.ts';
import { protectionOptionsOf } from '../../sdk/protection-options.ts';
import type { MethodInfo } from '../../sdk/method-info.ts';
import type { CompiledRule } from '../../contract/compiled-policy.ts';

const NONE_PRESENT: readonly PresentOption[] = Object.freeze([]);

export interface PresentOption {
  option: string;
  /** Where the request sets it, and what it turns off (for the refusal). */
  message: string;
}

/** The protection options the request sets (any value but `false`), in its options arguments. */
export function protectionOptionsIn(info: MethodInfo, args: readonly unknown[]): readonly PresentOption[] {
  const module = info.call.slice(0, info.call.lastIndexOf('.'));
  const options = protectionOptionsOf(module);
  if (options.length === 0) return NONE_PRESENT;
  const present: PresentOption[] = [];
  for (const [i, arg] of args.entries()) {
    // An item an insert writes is data (its fields are `writable`'s to govern), not options.
    if (!isPlainObject(arg) || !optionsPosition(info, module, i)) continue;
    for (const { option, effect } of options) {
      const value = arg[option];
      if (!Object.hasOwn(arg, option) || value === false || (Array.isArray(value) && value.length === 0)) continue;
      present.push({ option, message: `args.${i}.${option} ${effect}: no rule allows it (a rule may, with "allowOptions: [${option}]" and a justification)` });
    }
  }
  return present;
}

/**
 * The allowing rules that let a caller set every option present: a request that sets one is decided
 * by those rules alone (another rule's grant does not extend to it). When none does: why not.
 */
export function rulesAllowingOptions(granted: readonly CompiledRule[], present: readonly PresentOption[]): { rules: CompiledRule[] } | { refused: string } {
  const rules = granted.filter((r) => present.every((p) => r.allowOptions?.includes(p.option)));
  if (rules.length > 0) return { rules };
  const refused = present.find((p) => !granted.some((r) => r.allowOptions?.includes(p.option))) ?? present[0]!;
  return { refused: refused.message };
}

/** Whether argument `i` is an options argument: its type declares one of the module's protection options, or it is the last parameter named `options`. */
function optionsPosition(info: MethodInfo, module: string, i: number): boolean {
  const name = info.signature.names[i];
  if (name === 'options' || name?.endsWith('Options')) return true;
  const param = info.signature.params[i];
  if (!param) return false;
  const schema = '$ref' in param ? info.signature.defs[param.$ref] : param;
  return (
    schema !== undefined && 'type' in schema && schema.type === 'object' && protectionOptionsOf(module).some((o) => Object.hasOwn(schema.properties, o.option))
  );
}
