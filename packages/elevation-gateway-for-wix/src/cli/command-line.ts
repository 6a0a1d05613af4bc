// One way for every `elevate` command to read its arguments: node's parseArgs, strict, with
// `--help`/`-h` built in. A usage error prints the message and the usage (exit 2); `--help` prints
// the usage (exit 0). Either way the command gets a number to return instead of its options.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { usageError } from './output.ts';

type Options = NonNullable<ParseArgsConfig['options']>;
const HELP = { help: { type: 'boolean', short: 'h', default: false } } as const;

export type CommandLine<O extends Options, P extends boolean> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O & typeof HELP; strict: true; allowPositionals: P }>
>;

export function readCommandLine<const O extends Options, const P extends boolean = false>(
  command: string,
  argv: string[],
  help: string,
  options: O,
  allowPositionals?: P,
): CommandLine<O, P> | number {
  let parsed: CommandLine<O, P>;
  try {
    parsed = parseArgs({ args: argv, options: { ...options, ...HELP }, strict: true, allowPositionals: allowPositionals ?? false }) as CommandLine<O, P>;
  } catch (error) {
    return usageError(command, (error as Error).message, help);
  }
  if ((parsed.values as { help?: boolean }).help) {
    console.log(help);
    return 0;
  }
  return parsed;
}
