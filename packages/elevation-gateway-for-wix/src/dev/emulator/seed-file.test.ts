// The seed file: the example parses; every problem is a positioned diagnostic (file:line:column), never a throw.
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { formatEmulatorDiagnostic } from './emulator-diagnostic.ts';
import { parseSeedText, readSeedFile, seedItemsFor } from './seed-file.ts';

const EXAMPLE = fileURLToPath(new URL('../../../test/fixtures/emulator-seed/elevate.seed.yaml', import.meta.url));

const problems = (text: string) => parseSeedText(text, 'elevate.seed.yaml').diagnostics.map(formatEmulatorDiagnostic);

describe('parseSeedText', () => {
  it('reads the example seed file: modules, overrides and items', () => {
    const seed = readSeedFile(EXAMPLE, 'elevate.seed.yaml');
    expect(seed.diagnostics).toEqual([]);
    expect([...seed.modules.keys()]).toEqual(['crm.labels', 'crm.pipelines']);
    expect(seed.modules.get('crm.labels')).toMatchObject({ singular: 'label', plural: 'labels', idField: 'key' });
    expect(seed.modules.get('crm.labels')!.items!.map((i) => i.key)).toEqual(['custom.vip', 'custom.wholesale', 'contacts.contacted-me']);
    expect(seed.modules.get('crm.pipelines')!.items![0]).toMatchObject({ id: 'pipeline-sales', name: 'Sales', revision: '1' });
  });

  it('an empty file, or a module with nothing under it, seeds nothing', () => {
    expect(parseSeedText('# nothing yet\n', 'f').modules.size).toBe(0);
    const seed = parseSeedText('crm.labels:\n', 'f');
    expect(seed.diagnostics).toEqual([]);
    expect(seed.modules.get('crm.labels')).toEqual({});
  });

  it.each([
    ['YAML syntax', 'crm.labels:\n  items: [\n', /^elevate\.seed\.yaml:3:1 error: /],
    ['a duplicate key', 'crm.labels: {}\ncrm.labels: {}\n', /^elevate\.seed\.yaml:2:1 error: Map keys must be unique/],
    ['not a mapping', '- crm.labels\n', /^elevate\.seed\.yaml:1:1 error: a seed file is a mapping of SDK modules/],
    [
      'a module name that is not one',
      'labels:\n  items: []\n',
      /^elevate\.seed\.yaml:1:1 error: labels: a seed file is keyed by SDK module, as the policy names it \(e\.g\. crm\.labels\)$/,
    ],
    [
      'an unknown key',
      'crm.labels:\n  idfield: key\n',
      /^elevate\.seed\.yaml:2:3 error: crm\.labels: unknown key "idfield" \(a module entry has items, singular, plural, idField\)$/,
    ],
    [
      'items that are not a list',
      'crm.labels:\n  items:\n    key: custom.vip\n',
      /^elevate\.seed\.yaml:3:5 error: crm\.labels\.items: items is a list of items/,
    ],
    [
      'an item that is not a mapping',
      'crm.labels:\n  items:\n    - custom.vip\n',
      /^elevate\.seed\.yaml:3:7 error: crm\.labels\.items\.0: each item is a mapping of its fields/,
    ],
    [
      'a naming override that is not a field name',
      'crm.labels:\n  idField: the key\n',
      /^elevate\.seed\.yaml:2:12 error: crm\.labels\.idField: idField is a field name/,
    ],
    [
      'a __proto__ key',
      'crm.labels:\n  items:\n    - key: a\n      __proto__: { polluted: true }\n',
      /^elevate\.seed\.yaml:4:7 error: .*"__proto__" is not allowed/,
    ],
    [
      'a number with no JSON form',
      'crm.labels:\n  items:\n    - key: a\n      score: .inf\n',
      /^elevate\.seed\.yaml:4:14 error: crm\.labels\.items\.0\.score: Infinity is not a JSON number$/,
    ],
    [
      'an alias bomb',
      `a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b]\n`,
      /^elevate\.seed\.yaml:\d+:\d+ error: too many YAML aliases/,
    ],
  ])('%s is a positioned error', (_what, text, expected) => {
    const found = problems(text);
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]).toMatch(expected);
  });

  it('an unreadable file is a diagnostic', () => {
    const seed = readSeedFile('/nonexistent/elevate.seed.yaml', 'elevate.seed.yaml');
    expect(seed.diagnostics.map(formatEmulatorDiagnostic)).toEqual(['elevate.seed.yaml:1:1 error: cannot read the seed file: no such file']);
    expect(seed.modules.size).toBe(0);
  });
});

describe('seedItemsFor', () => {
  const text = [
    'crm.pipelines:', //           1
    '  items:', //                 2
    '    - id: p-1', //            3
    '      name: One', //          4
    '    - name: No id', //        5
    '    - id: 7', //              6
    '    - id: p-1', //            7
    '    - _id: p-2', //           8
    "      _createdDate: '2025-01-01T00:00:00.000Z'", // 9
    '    - id: p-3', //            10
    '      _id: p-3', //           11
  ].join('\n');
  const seed = parseSeedText(text, 'elevate.seed.yaml');

  it('keeps good items (SDK names renamed to REST ones) and reports each bad one at its line and column', () => {
    expect(seed.diagnostics).toEqual([]);
    const { items, diagnostics } = seedItemsFor(seed, 'crm.pipelines', 'id');
    expect(items).toEqual([
      { id: 'p-1', name: 'One' },
      { id: 'p-2', createdDate: '2025-01-01T00:00:00.000Z' },
    ]);
    expect(diagnostics.map(formatEmulatorDiagnostic)).toEqual([
      'elevate.seed.yaml:5:7 error: crm.pipelines.items.1: has no id (the crm.pipelines items are identified by id)',
      'elevate.seed.yaml:6:11 error: crm.pipelines.items.2.id: id must be a non-empty string (quote it: "7")',
      'elevate.seed.yaml:7:11 error: crm.pipelines.items.3.id: id "p-1" is already the id of item 0',
      "elevate.seed.yaml:11:7 error: crm.pipelines.items.5._id: has both _id and id (the SDK's and the REST name of one field): keep id",
    ]);
    expect(diagnostics.every((d) => d.module === 'crm.pipelines')).toBe(true);
  });

  it('a module the file does not seed has no items', () => {
    expect(seedItemsFor(seed, 'crm.labels', 'key')).toEqual({ items: [], diagnostics: [] });
  });
});
