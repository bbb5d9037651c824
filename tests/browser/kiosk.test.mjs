// The kiosk page in a real browser against the real daemon: every view shows what the API says, errors
// are shown as such, reload works with and without the admin token, and nothing secret is rendered.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { BIN, copyBundledModules, freePort, startDaemon, tempDir } from '../integration/lib/daemon.mjs';
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
    // The daemon runs its engine: the card (and docs/screenshots/overview.png) shows it healthy, by name.
    assert.equal(status.wasmRuntime.healthy, true);
    assert.match(status.wasmRuntime.engine, /^v8 /);
    const engineHealthy = page.locator('[data-card="engine"] [data-verdict="healthy"]');
    assert.equal(await engineHealthy.getAttribute('data-state'), 'ok');
    assert.ok((await page.locator('[data-card="engine"]').textContent()).includes(status.wasmRuntime.engine));
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
    // The API nests the entry's JSON Schema under `schema`: every field of it is a row of the entry table.
    const fields = Object.keys(schema.schema.properties);
    assert.ok(fields.includes('id') && fields.includes('capabilities'), fields.join());
    const entryTable = page.locator('[data-section="entry"] .schema-table');
    for (const property of fields) {
      assert.equal(await entryTable.locator(`tr[data-property="${property}"] th.depth-0`).count(), 1, property);
    }
    for (const capability of schema.capabilities) {
      assert.equal(await page.locator(`[data-section="capabilities"] tr[data-capability="${capability.name}"]`).count(), 1);
    }
    const imports = await page.locator('[data-section="host-imports"] code').allTextContents();
    assert.deepEqual(imports, schema.hostImports);
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

describe('kiosk reload with the admin token', () => {
  test('without loopback admin the page asks for the token, refuses a wrong one and never shows it', async () => {
    const token = `kiosk-${crypto.randomBytes(16).toString('hex')}`;
    const daemon = await startDaemon({ args: ['--no-loopback-admin'], env: { CRYFTEE_ADMIN_TOKEN: token } });
    const browser = await openBrowser();
    try {
      const { page } = browser;
      await page.goto(kioskUrl(daemon, 'overview'));
      await page.locator('[data-card="runtime"] [data-field="epoch"]').waitFor({ timeout: kTimeout });
      const before = (await daemon.kiosk('GET', '/v1/runtime/self')).json.epoch;

      await page.click('#reload-button');
      await page.locator('#token-dialog[open]').waitFor({ timeout: kTimeout });
      assert.equal((await daemon.kiosk('GET', '/v1/runtime/self')).json.epoch, before, 'no reload without the token');
      await screenshot(page, 'reload-token');

      await page.fill('#token-input', `${token}-wrong`);
      await page.click('#token-submit');
      await page.locator('#token-error:not([hidden])').waitFor({ timeout: kTimeout });
      assert.equal(await page.locator('#reload-status').getAttribute('data-state'), 'error');
      assert.equal((await daemon.kiosk('GET', '/v1/runtime/self')).json.epoch, before, 'no reload with a wrong token');

      await page.fill('#token-input', token);
      await page.keyboard.press('Enter');
      await page.locator('#reload-status[data-state="ok"]').waitFor({ timeout: kTimeout });
      assert.equal(await page.locator('#token-dialog').evaluate((d) => d.open), false);
      assert.ok((await daemon.kiosk('GET', '/v1/runtime/self')).json.epoch > before);
      assert.equal(await page.locator('#token-input').inputValue(), '');
      const rendered = await page.evaluate(() => document.documentElement.outerHTML + document.body.innerText);
      assert.ok(!rendered.includes(token), 'the token is never rendered');
      // The only errors are the refused attempts themselves.
      assert.deepEqual(browser.problems.filter((p) => !/status of 40[13]/.test(p)), []);
    } finally {
      await browser.close();
      await daemon.stop();
    }
  });
});

describe('kiosk with Web3Signer down', () => {
  test('the overview and the banner say Web3Signer is down', async () => {
    const port = await freePort();  // nothing listens there
    const daemon = await startDaemon({ env: {
      CRYFTEE_WEB3SIGNER_ENABLED: 'true', CRYFTEE_WEB3SIGNER_URL: `http://127.0.0.1:${port}`,
    } });
    const browser = await openBrowser();
    try {
      const status = (await daemon.kiosk('GET', '/v1/staking/status')).json;
      assert.equal(status.web3Signer.reachable, false);
      await browser.page.goto(kioskUrl(daemon, 'overview'));
      const card = browser.page.locator('[data-card="web3signer"]');
      await card.locator('[data-verdict="reachable"][data-state="bad"]').waitFor({ timeout: kTimeout });
      await card.locator('.error-state').waitFor();
      await browser.page.locator('#banner[data-kind="web3signer"]:not([hidden])').waitFor({ timeout: kTimeout });
      await screenshot(browser.page, 'overview-web3signer-down');
      assert.deepEqual(browser.problems, []);
    } finally {
      await browser.close();
      await daemon.stop();
    }
  });
});

// A copy of the bundled modules whose first module ships the probe page in gui/, all entries re-signed
// with a fresh publisher key that the returned trust file trusts.
function modulesWithProbePage() {
  const dir = tempDir('cryftee-gui-');
  const moduleDir = copyBundledModules(path.join(dir, 'modules'));
  const manifestPath = path.join(moduleDir, 'manifest.json');
  const manifest = readManifest(moduleDir);
  const host = manifest.modules[0];
  const fixture = fileURLToPath(new URL('./fixtures/probe_gui/', import.meta.url));
  fs.cpSync(fixture, path.join(moduleDir, host.dir, 'gui'), { recursive: true });
  host.gui = { entry: 'index.html', files: {} };
  fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  const key = path.join(dir, 'publisher.pem');
  const trustFile = path.join(dir, 'trust.toml');
  execFileSync(BIN, ['module', 'keygen', '--out', key, '--id', 'kiosk-test', '--trust-out', trustFile], { stdio: 'pipe' });
  execFileSync(BIN, ['module', 'sign', '--manifest', manifestPath, '--key', key, '--publisher', 'kiosk-test',
    '--module-dir', moduleDir], { stdio: 'pipe' });
  return { moduleDir, trustFile, hostId: host.id, guiDir: path.join(moduleDir, host.dir, 'gui') };
}

describe('module web pages', () => {
  test('a module page runs sandboxed: it gets its own status, but cannot read the kiosk or call admin routes', async () => {
    const { moduleDir, trustFile, hostId } = modulesWithProbePage();
    const daemon = await startDaemon({ moduleDir, trustFile });
    const browser = await openBrowser();
    try {
      const { page } = browser;
      const guis = (await daemon.kiosk('GET', '/v1/kiosk/module-guis')).json;
      assert.equal(guis.modules.find((m) => m.id === hostId)?.verified, true, JSON.stringify(guis));
      await page.goto(kioskUrl(daemon, `module/${hostId}`));
      const iframe = page.locator('iframe.module-frame');
      await iframe.waitFor({ timeout: kTimeout });
      assert.equal(await iframe.getAttribute('sandbox'), 'allow-scripts');

      const frame = await (await iframe.elementHandle()).contentFrame();
      await frame.locator('body[data-answered="true"]').waitFor({ timeout: kTimeout });
      const answered = JSON.parse(await frame.locator('#status').textContent());
      const status = (await daemon.kiosk('GET', '/v1/staking/status')).json.modules.find((m) => m.id === hostId);
      assert.equal(answered.id, hostId);
      assert.equal(answered.loaded, status.loaded);
      assert.equal(answered.trusted, status.trusted);
      await screenshot(page, 'module-page');

      const epochBefore = (await daemon.kiosk('GET', '/v1/runtime/self')).json.epoch;
      const attempts = await frame.evaluate(async () => {
        const result = {};
        try { result.parentDom = window.parent.document.title; } catch (error) { result.parentDom = `blocked: ${error.name}`; }
        try { result.storage = String(window.localStorage.length); } catch (error) { result.storage = `blocked: ${error.name}`; }
        result.origin = window.origin;
        try {
          const response = await fetch('/v1/admin/reload-modules', { method: 'POST', body: '{}' });
          result.admin = `answered ${response.status}`;
        } catch (error) {
          result.admin = `blocked: ${error.name}`;
        }
        return result;
      });
      assert.match(attempts.parentDom, /^blocked: SecurityError/);
      assert.match(attempts.storage, /^blocked/);
      assert.equal(attempts.origin, 'null');
      assert.match(attempts.admin, /^blocked/);
      assert.equal((await daemon.kiosk('GET', '/v1/runtime/self')).json.epoch, epochBefore, 'the module page did not reload modules');

      // Even opened directly, outside the kiosk, the page is sandboxed by its own CSP.
      const direct = await daemon.kiosk('GET', `/modules/${hostId}/gui/index.html`);
      assert.equal(direct.status, 200);
      assert.match(direct.headers['content-security-policy'], /sandbox allow-scripts/);
      assert.match(direct.headers['content-security-policy'], /connect-src 'none'/);
      assert.doesNotMatch(direct.headers['content-security-policy'], /allow-same-origin/);
    } finally {
      await browser.close();
      await daemon.stop();
    }
  });

  test('a module page whose files no longer match the signed entry is not shown', async () => {
    const { moduleDir, trustFile, hostId, guiDir } = modulesWithProbePage();
    fs.appendFileSync(path.join(guiDir, 'probe.js'), '\nfetch("/v1/admin/reload-modules", { method: "POST" });\n');
    const daemon = await startDaemon({ moduleDir, trustFile });
    const browser = await openBrowser();
    try {
      const gui = (await daemon.kiosk('GET', '/v1/kiosk/module-guis')).json.modules.find((m) => m.id === hostId);
      assert.equal(gui.verified, false);
      assert.equal((await daemon.kiosk('GET', `/modules/${hostId}/gui/probe.js`)).status, 403);
      await browser.page.goto(kioskUrl(daemon, `module/${hostId}`));
      const refusal = browser.page.locator('.module-gui .error-state');
      await refusal.waitFor({ timeout: kTimeout });
      assert.ok((await refusal.textContent()).includes(gui.reason));
      assert.equal(await browser.page.locator('iframe').count(), 0);
      assert.deepEqual(browser.problems, []);
    } finally {
      await browser.close();
      await daemon.stop();
    }
  });
});
