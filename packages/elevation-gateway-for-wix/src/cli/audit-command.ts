// `elevate audit [--json] [--check | --approve] [--policies dir] [--approved file]`
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { projectConfig } from './project-config.ts';
import { checkPolicy } from '../policy/check.ts';
import { formatDiagnostic } from '../policy/diagnostics.ts';
import { inventoryMarkdown, permittedCalls } from '../review/audit/permitted-calls.ts';
import { approvedInventoryText, diffInventory, formatInventoryDiff, parseApprovedInventory } from '../review/audit/inventory-diff.ts';
import { paint, usageError } from './output.ts';
import { readCommandLine } from './command-line.ts';
import { isDirectory } from '../policy/load.ts';

const APPROVED_NAME = 'permitted-calls.approved.json';

export const AUDIT_HELP = `usage: elevate audit [--policies <dir>] [--json] [--check | --approve] [--approved <file>]

Lists every call each role can make (inherited roles included) with its conditions, field rules,
cap, rate limit and justification.
  --policies <dir>   policy folder (default: the project's, policies unless configured)
  --json             the inventory as a JSON array on stdout (default: a Markdown table)
  --check            compare with the approved inventory; exit 1 with a diff when they differ
  --approve          write the current inventory as the approved one (alias: --write)
  --approved <file>  approved inventory (default: <policies>/${APPROVED_NAME})`;

export async function runAudit(argv: string[]): Promise<number> {
  const line = readCommandLine('audit', argv, AUDIT_HELP, {
    policies: { type: 'string', default: projectConfig().policies },
    json: { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
    approve: { type: 'boolean', default: false },
    write: { type: 'boolean', default: false },
    approved: { type: 'string' },
  });
  if (typeof line === 'number') return line;
  const { values } = line;
  const approve = values.approve || values.write;
  if (approve && values.check) return usageError('audit', '--check and --approve exclude each other', AUDIT_HELP);
  // The project's approved inventory, unless another policy folder was named (then its own).
  const approvedFile = values.approved ?? (values.policies === projectConfig().policies ? projectConfig().approved : join(values.policies, APPROVED_NAME));
  if (isDirectory(approvedFile)) return usageError('audit', `${approvedFile} is a folder: --approved names the approved inventory file`, AUDIT_HELP);

  const result = await checkPolicy({ policies: values.policies, generated: false });
  if (!result.policy) {
    for (const d of result.diagnostics) console.error(formatDiagnostic(d));
    console.error('elevate audit: the policy has errors; run `elevate check`');
    return 1;
  }
  const inventory = permittedCalls(result.policy, result.accepted);
  const p = paint();

  if (approve) {
    mkdirSync(dirname(approvedFile), { recursive: true });
    writeFileSync(approvedFile, approvedInventoryText(inventory));
    console.log(`wrote ${approvedFile}: ${inventory.length} permitted call(s) approved`);
    return 0;
  }
  if (values.check) {
    if (!existsSync(approvedFile)) {
      console.error(`elevate audit --check: ${approvedFile} does not exist; review \`elevate audit\` and run \`elevate audit --approve\``);
      return 1;
    }
    let approved;
    try {
      approved = parseApprovedInventory(readFileSync(approvedFile, 'utf8'), approvedFile);
    } catch (e) {
      console.error(`elevate audit --check: ${(e as Error).message}`);
      return 1;
    }
    const changes = diffInventory(approved, inventory);
    if (values.json) console.log(JSON.stringify({ ok: changes.length === 0, changes }, null, 2));
    if (changes.length === 0) {
      if (!values.json) console.log(`${p.green('ok')} the policy grants exactly the ${inventory.length} approved permitted call(s) (${approvedFile})`);
      return 0;
    }
    if (!values.json) {
      console.error(`The policy's permitted calls differ from ${approvedFile} (+ granted but not approved, - approved but no longer granted, ~ changed):`);
      console.error(
        formatInventoryDiff(changes)
          .split('\n')
          .map((l) => (l.startsWith('+') ? p.green(l) : l.startsWith('-') ? p.red(l) : p.yellow(l)))
          .join('\n'),
      );
      console.error('After review, approve with `elevate audit --approve` and commit the file.');
    }
    return 1;
  }
  if (values.json) console.log(JSON.stringify(inventory, null, 2));
  else {
    console.log(`# Permitted calls (${values.policies})\n`);
    console.log(inventoryMarkdown(inventory));
    const attributes = Object.entries(result.policy?.callerAttributes ?? {});
    if (attributes.length) {
      // Reads the gateway makes on its own, with the app's authority, before deciding: no caller can call them.
      console.log('\n## Caller attributes (elevated reads the gateway makes itself)\n');
      console.log('| attribute | for | read | args | value | description |\n| --- | --- | --- | --- | --- | --- |');
      for (const [name, a] of attributes) {
        const cell = (t: string) => t.replace(/\|/g, '\\|').replace(/\n/g, ' ');
        console.log(
          `| \`\${caller.${name}}\` | ${a.subjects.join(', ')} | \`${a.read}\` | ${cell(JSON.stringify(a.args))} | ${a.value} | ${cell(a.description)} |`,
        );
      }
    }
    if (result.diagnostics.some((d) => d.severity === 'warning')) {
      console.log('\nUnjustified risk warnings:');
      for (const d of result.diagnostics.filter((x) => x.severity === 'warning')) console.log(`- ${formatDiagnostic(d)} [${d.code}]`);
    }
  }
  return 0;
}
