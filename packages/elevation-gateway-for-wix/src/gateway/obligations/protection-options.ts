// Options that turn a Wix protection off (src/sdk/protection-options.ts lists them, with where each
// was verified): refused in any options argument of the call unless an allowing rule names the
// option in `allowOptions`. Checked before the arguments are parsed, so an option the SDK's types
// do not declare (`suppressAuth`) is refused for what it is, not as an unknown key.
import { isPlainObject } from '../../conditions/json-value.ts';
import { protectionOptionsOf } from '../../sdk/protection-options.ts';
import type { MethodInfo } from '../../sdk/method-info.ts';
import type { ObligationPlan } from '../obligation-plan.ts';
import { forbidden } from '../errors.ts';

export function checkProtectionOptions(info: MethodInfo, plan: ObligationPlan, args: readonly unknown[]): void {
  const module = info.call.slice(0, info.call.lastIndexOf('.'));
  const options = protectionOptionsOf(module);
  if (options.length === 0) return;
  for (const [i, arg] of args.entries()) {
    // An item an insert writes is data (its fields are `writable`'s to govern), not options.
    if (!isPlainObject(arg) || !optionsPosition(info, module, i)) continue;
    for (const { option, effect } of options) {
      if (!Object.hasOwn(arg, option) || arg[option] === false) continue;
      if (plan.allowOptions?.includes(option)) continue;
      throw forbidden(`args.${i}.${option} ${effect}: no rule allows it (a rule may, with "allowOptions: [${option}]" and a justification)`);
    }
  }
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
