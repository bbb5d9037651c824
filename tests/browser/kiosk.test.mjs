// The kiosk page in a real browser against the real daemon: every view shows what the API says, errors
// are shown as such, reload works with and without the admin token, and nothing secret is rendered.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { copyBundledModules, startDaemon, tempDir } from '../integration/lib/daemon.mjs';
import { kioskUrl, openBrowser, screenshot } from './lib/browser.mjs';

const kTimeout = 15000;

function readManifest(moduleDir) {
  return JSON.parse(fs.readFileSync(path.join(moduleDir, 'manifest.json'), 'utf8'));
}

describe('kiosk views', () => {
  let daemon;
  let browser;

  before(async () => {
    daemon = await startDaemon();
    browser = await openBrowser();
  });
  after(async () => {
    await browser?.close();
    await daemon?.stop();
  });

  test('the page loads with zero console errors and a strict CSP', async () => {
    const response = await browser.page.goto(kioskUrl(daemon, 'overview'));
    assert.equal(response.status(), 200);
    const csp = response.headers()['content-security-policy'] ?? '';
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    await browser.page.locator('#connection-pill.pill-ok').waitFor({ timeout: kTimeout });
    await browser.page.locator('[data-card="runtime"] [data-field="version"]').waitFor({ timeout: kTimeout });
    assert.deepEqual(browser.problems, []);
  });

  test('overview shows the runtime, transport and health the API reports', async () => {
    const { page } = browser;
    await page.goto(kioskUrl(daemon, 'overview'));
    const status = (await daemon.kiosk('GET', '/v1/staking/status')).json;
    const self = (await daemon.kiosk('GET', '/v1/runtime/self')).json;
    const connection = (await daemon.kiosk('GET', '/v1/runtime/connection')).json;
    const field = (card, name) => page.locator(`[data-card="${card}"] [data-field="${name}"]`);
    await assertText(field('runtime', 'version'), status.cryfteeVersion);
    await assertText(field('runtime', 'epoch'), String(self.epoch));
    await assertText(field('transport', 'transport'), connection.transport);
    const engineHealthy = page.locator('[data-card="engine"] [data-verdict="healthy"]');
    assert.equal(await engineHealthy.getAttribute('data-state'), status.wasmRuntime.healthy ? 'ok' : 'bad');
    const loaded = status.modules.filter((m) => m.loaded).length;
    await assertText(page.locator('[data-card="modules"] [data-field="loaded-count"]'), String(loaded));
    await screenshot(page, 'overview');
  });

  test('modules shows every manifest entry with its verdicts, and filters', async () => {
    const { page } = browser;
    await page.goto(kioskUrl(daemon, 'modules'));
    const status = (await daemon.kiosk('GET', '/v1/staking/status')).json;
    assert.ok(status.modules.length > 0, 'the bundled manifest has modules');
    await page.locator('#modules-content [data-module-id]').first().waitFor({ timeout: kTimeout });
    assert.equal(await page.locator('#modules-content [data-module-id]').count(), status.modules.length);
    for (const module of status.modules) {
      const card = page.locator(`#modules-content [data-module-id="${module.id}"]`);
      for (const verdict of ['trusted', 'compatible', 'loaded']) {
        assert.equal(await card.locator(`[data-verdict="${verdict}"]`).getAttribute('data-state'),
          module[verdict] ? 'ok' : 'bad', `${module.id} ${verdict}`);
      }
      assert.equal(await card.locator('[data-field="hash"] code').first().textContent(), module.hash);
      for (const capability of module.capabilities) {
        assert.ok((await card.locator('[data-field="capabilities"]').textContent()).includes(capability));
      }
    }
    await screenshot(page, 'modules');

    const first = status.modules[0];
    await page.fill('#module-filter', first.id);
    await page.locator('#modules-count').filter({ hasText: `of ${status.modules.length}` }).waitFor();
    const shown = await page.locator('#modules-content [data-module-id]').evaluateAll((cards) => cards.map((c) => c.dataset.moduleId));
    assert.ok(shown.includes(first.id));
    assert.ok(shown.every((id) => id.includes(first.id)));
    await page.fill('#module-filter', 'no-such-module-anywhere');
    await page.locator('#modules-content .empty-state').waitFor();
    await page.fill('#module-filter', '');
  });

  test('attestation round-trips a fresh nonce, verifies its signature and lists every hash', async () => {
    const { page } = browser;
    await page.goto(kioskUrl(daemon, 'attestation'));
    await page.locator('[data-verdict="nonce"]').waitFor({ timeout: kTimeout });
    assert.equal(await page.locator('[data-verdict="nonce"]').getAttribute('data-state'), 'ok');
    const sent = await page.locator('[data-field="nonce-sent"]').textContent();
    assert.equal(await page.locator('[data-field="nonce-returned"]').textContent(), sent);
    assert.equal(await page.locator('[data-verdict="signature"]').getAttribute('data-state'), 'valid');

    const document = (await daemon.kiosk('GET', '/v1/runtime/attestation?nonce=00')).json;
    const hashes = await page.locator('.hash-table code').allTextContents();
    assert.ok(hashes.includes(document.core_binary_hash));
    assert.ok(hashes.includes(document.manifest_hash));
    assert.ok(await page.locator('.hash-table button.copy').count() >= 2);
    await screenshot(page, 'attestation');

    await page.click('#attestation-refresh');
    await page.locator('[data-field="nonce-sent"]').filter({ hasNotText: sent }).waitFor({ timeout: kTimeout });
  });

  test('schema shows the JSON Schema the API serves', async () => {
    const { page } = browser;
    await page.goto(kioskUrl(daemon, 'schema'));
    const schema = (await daemon.kiosk('GET', '/v1/schema/modules')).json;
    const raw = page.locator('[data-field="schema-raw"]');
    await raw.waitFor({ state: 'attached', timeout: kTimeout });
    assert.deepEqual(JSON.parse(await raw.textContent()), schema);
    for (const property of Object.keys(schema.properties ?? {})) {
      assert.ok(await page.locator(`.schema-table [data-property="${property}"]`).count() > 0, property);
    }
    await screenshot(page, 'schema');
  });

  test('is keyboard navigable and readable on a phone in dark mode', async () => {
    const phone = await openBrowser({ viewport: { width: 375, height: 800 }, colorScheme: 'dark' });
    try {
      await phone.page.goto(kioskUrl(daemon, 'overview'));
      await phone.page.locator('[data-card="runtime"]').waitFor({ timeout: kTimeout });
      const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
      await screenshot(phone.page, 'overview-phone-dark');
      // Tab from the top: skip link, then the view tabs; Enter follows the focused tab.
      await phone.page.keyboard.press('Tab');
      await phone.page.keyboard.press('Tab');
      await phone.page.keyboard.press('Tab');
      assert.equal(await phone.page.evaluate(() => document.activeElement.getAttribute('href')), '#modules');
      await phone.page.keyboard.press('Enter');
      await phone.page.locator('#view-modules:not([hidden])').waitFor();
      await phone.page.locator('#modules-content [data-module-id]').first().waitFor({ timeout: kTimeout });
      await screenshot(phone.page, 'modules-phone-dark');
      assert.deepEqual(phone.problems, []);
    } finally {
      await phone.close();
    }
  });

  test('reload from loopback needs no token, shows its outcome and refreshes the views', async () => {
    const { page } = browser;
    await page.goto(kioskUrl(daemon, 'overview'));
    const before = (await daemon.kiosk('GET', '/v1/runtime/self')).json.epoch;
    await page.locator('[data-card="runtime"] [data-field="epoch"]').filter({ hasText: String(before) }).waitFor({ timeout: kTimeout });
    await page.click('#reload-button');
    await page.locator('#reload-status[data-state="ok"]').waitFor({ timeout: kTimeout });
    const after = (await daemon.kiosk('GET', '/v1/runtime/self')).json.epoch;
    assert.ok(after > before, `epoch went from ${before} to ${after}`);
    await page.locator('[data-card="runtime"] [data-field="epoch"]').filter({ hasText: String(after) }).waitFor({ timeout: kTimeout });
    assert.equal(await page.locator('#token-dialog').evaluate((d) => d.open), false);
  });

  test('a stopped daemon shows as unreachable and keeps the last data', async () => {
    const { page } = browser;
    await page.goto(kioskUrl(daemon, 'overview'));
    await page.locator('#connection-pill.pill-ok').waitFor({ timeout: kTimeout });
    await daemon.stop();
    await page.locator('#banner[data-kind="unreachable"]:not([hidden])').waitFor({ timeout: kTimeout });
    assert.equal(await page.locator('#connection-pill').textContent(), 'Daemon unreachable');
    assert.ok(await page.locator('[data-card="runtime"]').count() === 1, 'the last data stays on screen');
    await screenshot(page, 'daemon-unreachable');
  });
});

async function assertText(locator, expected) {
  await locator.filter({ hasText: expected }).waitFor({ timeout: kTimeout });
  assert.equal((await locator.textContent()).trim(), expected);
}

describe('kiosk with a tampered module', () => {
  test('the tampered module shows as untrusted with the reason the daemon gives', async () => {
    const moduleDir = copyBundledModules(path.join(tempDir(), 'modules'));
    const victim = readManifest(moduleDir).modules[0];
    fs.appendFileSync(path.join(moduleDir, victim.dir, victim.file), Buffer.from([0]));
    const daemon = await startDaemon({ moduleDir });
    const browser = await openBrowser();
    try {
      const status = (await daemon.kiosk('GET', '/v1/staking/status')).json;
      const reported = status.modules.find((m) => m.id === victim.id);
      assert.equal(reported.trusted, false);
      await browser.page.goto(kioskUrl(daemon, 'modules'));
      const card = browser.page.locator(`#modules-content [data-module-id="${victim.id}"]`);
      await card.waitFor({ timeout: kTimeout });
      assert.equal(await card.getAttribute('data-state'), 'untrusted');
      assert.equal(await card.locator('[data-verdict="trusted"]').getAttribute('data-state'), 'bad');
      assert.ok((await card.locator('[data-field="reason"]').textContent()).includes(reported.reason));
      await browser.page.selectOption('#module-state', 'untrusted');
      assert.equal(await browser.page.locator('#modules-content [data-module-id]').count(),
        status.modules.filter((m) => !m.trusted).length);
      await screenshot(browser.page, 'modules-tampered');
      await browser.page.goto(kioskUrl(daemon, 'overview'));
      await browser.page.locator('[data-card="modules"] .problem-list').filter({ hasText: victim.id }).waitFor({ timeout: kTimeout });
      assert.deepEqual(browser.problems, []);
    } finally {
      await browser.close();
      await daemon.stop();
    }
  });
});
