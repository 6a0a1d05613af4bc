// A project's emulated modules: read from the packages it installed and seeded from its seed file, with every
// problem a diagnostic; then driven through the real SDK, as the dev server will.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@wix/sdk';
import { labels, pipelines } from '@wix/crm';
import { authFor } from '../testing/sdk-auth.ts';
import { formatEmulatorDiagnostic } from './emulator-diagnostic.ts';
import { emulatedModulesFor } from './project-modules.ts';
import { devTokens } from './tokens.ts';
import { createWixEmulator } from './wix-emulator.ts';

// a folder with an elevate.seed.yaml and, up the tree, the node_modules that hold @wix/crm's packages
const PROJECT = fileURLToPath(new URL('../../../test/fixtures/emulator-seed/', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'emulator-seed-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function seedFile(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

describe('emulatedModulesFor', () => {
  it("reads each module's meta from the project's packages and its seed from the default seed file", async () => {
    const found = await emulatedModulesFor(PROJECT, ['crm.labels.getLabel', 'crm.labels.findOrCreateLabel', 'crm.pipelines.queryPipelines']);
    expect(found.diagnostics).toEqual([]);
    expect(found.seedFile).toMatch(/test\/fixtures\/emulator-seed\/elevate\.seed\.yaml$/);
    expect(found.modules.map((m) => m.module)).toEqual(['crm.labels', 'crm.pipelines']);
    expect(typeof found.modules[0]!.meta.getLabel).toBe('function');
    expect(found.modules[0]!.seed).toMatchObject({ singular: 'label', plural: 'labels', idField: 'key' });
    expect(found.modules[0]!.seed!.items!.map((i) => i.key)).toEqual(['custom.vip', 'custom.wholesale', 'contacts.contacted-me']);

    // what the dev server does with them
    const emu = createWixEmulator({ modules: found.modules });
    const client = createClient({ modules: { labels, pipelines }, auth: authFor(devTokens.app), fetch: emu.fetch });
    expect(await client.labels.getLabel('custom.wholesale')).toMatchObject({
      key: 'custom.wholesale',
      displayName: 'Wholesale',
      _createdDate: new Date('2025-02-03T14:30:00.000Z'),
    });
    const page = await client.pipelines.queryPipelines().limit(1).find();
    expect(page.items).toEqual([expect.objectContaining({ _id: 'pipeline-sales', name: 'Sales', currency: 'USD' })]);
    expect(emu.requests.map((r) => `${r.route} ${r.call}`)).toEqual(['module crm.labels.getLabel', 'module crm.pipelines.queryPipelines']);

    await client.labels.deleteLabel('custom.vip');
    emu.reset();
    expect((await client.labels.getLabel('custom.vip'))?.displayName).toBe('VIP');
  });

  it("takes the compiled policy's methods ({ call, package }); a package that is not installed is an error, not a throw", async () => {
    const found = await emulatedModulesFor(PROJECT, [
      { call: 'crm.labels.getLabel', package: '@wix/auto_sdk_crm_labels' },
      { call: 'crm.widgets.getWidget', package: '@wix/auto_sdk_crm_widgets' },
      'bookings.gadgets.getGadget',
    ]);
    expect(found.modules.map((m) => m.module)).toEqual(['crm.labels']);
    expect(found.diagnostics.map(formatEmulatorDiagnostic)).toEqual([
      // the default seed file also seeds crm.pipelines, which none of these calls uses
      expect.stringMatching(/elevate\.seed\.yaml:\d+:1 warning: no call of the policy is in crm\.pipelines: its seed is not used$/),
      expect.stringMatching(
        /^error: crm\.widgets: @wix\/auto_sdk_crm_widgets is not installed in .* \(npm i @wix\/crm\): unless the emulator has them built in, its calls answer 404$/,
      ),
      expect.stringMatching(/^error: bookings\.gadgets: @wix\/auto_sdk_bookings_gadgets is not installed in /),
    ]);
  });

  it("finds a module's package by the naming rule, or through its umbrella package when it is named otherwise", async () => {
    // `stores.productsV3` is `@wix/auto_sdk_stores_products-v-3`; `data.items` comes from `@wix/wix-data-items-sdk`
    const found = await emulatedModulesFor(PROJECT, ['stores.productsV3.getProduct', 'data.items.get', 'data.items.query'], seedFile('empty.yaml', ''));
    expect(found.diagnostics).toEqual([]);
    expect(found.modules.map((m) => m.module)).toEqual(['stores.productsV3', 'data.items']);
    expect(typeof found.modules[0]!.meta.getProduct).toBe('function');
    expect(typeof found.modules[1]!.meta.get).toBe('function');
  });

  it('a bad seed file: positioned errors, and the modules are still emulated (without the bad items)', async () => {
    const path = seedFile(
      'bad.seed.yaml',
      ['crm.labels:', '  items:', '    - key: custom.ok', '    - displayName: no key', 'crm.notes:', '  items: []', ''].join('\n'),
    );
    const found = await emulatedModulesFor(PROJECT, ['crm.labels.getLabel'], path);
    expect(found.modules).toHaveLength(1);
    expect(found.modules[0]!.seed!.items).toEqual([{ key: 'custom.ok' }]);
    const shown = found.diagnostics.map(formatEmulatorDiagnostic);
    expect(shown).toEqual([
      expect.stringMatching(/bad\.seed\.yaml:5:1 warning: no call of the policy is in crm\.notes: its seed is not used$/),
      expect.stringMatching(/bad\.seed\.yaml:4:7 error: crm\.labels\.items\.1: has no key \(the crm\.labels items are identified by key\)$/),
    ]);

    const broken = await emulatedModulesFor(PROJECT, ['crm.labels.getLabel'], seedFile('broken.seed.yaml', 'crm.labels:\n  items: [\n'));
    expect(broken.modules.map((m) => [m.module, m.seed])).toEqual([['crm.labels', undefined]]);
    expect(broken.diagnostics[0]).toMatchObject({ severity: 'error', file: expect.stringMatching(/broken\.seed\.yaml$/), line: 3, column: 1 });
  });

  it('an explicit seed file that does not exist is an error; a missing default one is nothing', async () => {
    const missing = await emulatedModulesFor(PROJECT, ['crm.labels.getLabel'], 'nope.seed.yaml');
    expect(missing.diagnostics.map(formatEmulatorDiagnostic)).toEqual([
      expect.stringMatching(/nope\.seed\.yaml:1:1 error: cannot read the seed file: no such file$/),
    ]);
    const noDefault = await emulatedModulesFor(scratch, []);
    expect(noDefault).toEqual({ modules: [], diagnostics: [] });
  });

  it('says which calls are not emulated, and which a seed does not reach because the built-in emulation answers them', async () => {
    const path = seedFile('contacts.seed.yaml', 'crm.contacts:\n  items:\n    - id: c-seeded\n');
    const found = await emulatedModulesFor(PROJECT, ['crm.cards.moveCard', 'crm.contacts.getContact', 'crm.contacts.deleteContact', 'nonsense'], path);
    expect(found.diagnostics.map(formatEmulatorDiagnostic)).toEqual([
      'warning: "nonsense" is not an SDK call (module.namespace.method): not emulated',
      'warning: crm.cards: crm.cards.moveCard (PATCH /crm/pipelines/v1/cards/move/:cardId) is not emulated: no get or query method shows that /crm/pipelines/v1/cards/move is a collection; it answers 404 NOT_FOUND',
      "info: crm.contacts: crm.contacts.getContact is answered by the emulator's built-in crm.contacts data, not by the seed",
    ]);
    const emu = createWixEmulator({ modules: found.modules });
    const res = await emu.fetch('https://www.wixapis.com/contacts/v4/contacts/c-seeded', { method: 'DELETE', headers: { Authorization: devTokens.app } });
    expect(res.status).toBe(200);
    expect(emu.requests[0]).toMatchObject({ route: 'module', call: 'crm.contacts.deleteContact' });
  });
});
