// Reload while four clients sign continuously: no request is lost and no signature is wrong.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startDaemon } from './lib/daemon.mjs';

let daemon;
before(async () => { daemon = await startDaemon(); });
after(async () => { await daemon?.stop('SIGINT'); });

test('reload under four signing clients loses nothing and signs correctly', async () => {
  const reg = await daemon.request('POST', '/v1/staking/bls/register', { mode: 'ephemeral', ephemeralKeyB64: Buffer.alloc(32, 7).toString('base64') });
  assert.equal(reg.status, 200, reg.text);
  const body = { keyHandle: reg.json.keyHandle, message: Buffer.from('reload').toString('base64') };
  const expected = (await daemon.request('POST', '/v1/staking/bls/sign', body)).json.signature;
  let running = true;
  const counts = { ok: 0, bad: 0 };
  const client = async () => {
    const agent = new http.Agent({ keepAlive: true });
    while (running) {
      const res = await daemon.request('POST', '/v1/staking/bls/sign', body, { agent });
      if (res.status === 200 && res.json.signature === expected) counts.ok++; else counts.bad++;
    }
    agent.destroy();
  };
  const clients = [client(), client(), client(), client()];
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 150));
    const reload = await daemon.request('POST', '/v1/admin/reload-modules', {});
    assert.equal(reload.status, 200, reload.text);
  }
  await new Promise((r) => setTimeout(r, 150));
  running = false;
  await Promise.all(clients);
  assert.equal(counts.bad, 0);
  assert.ok(counts.ok > 20, `only ${counts.ok} signatures`);
});

test('a module importing what its signed entry does not grant is refused, naming the import; the signer still signs', async () => {
  const { startDaemon: start, tempDir, copyBundledModules, BIN, BUILD_DIR } = await import('./lib/daemon.mjs');
  const fs = await import('node:fs');
  const path = await import('node:path');
  const { execFileSync } = await import('node:child_process');
  const modules = copyBundledModules(path.join(tempDir(), 'modules'), 'test');
  const manifestPath = path.join(modules, 'manifest.json');
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  const debug = manifest.modules.find((m) => m.id === 'debug_v1');
  debug.imports = [];
  delete debug.signature;
  fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  execFileSync(BIN, ['module', 'sign', '--manifest', manifestPath, '--key', path.join(BUILD_DIR, 'dev', 'publisher.pem'),
    '--publisher', 'cryftee-dev', '--module-dir', modules]);
  const other = await start({ moduleDir: modules });
  try {
    const status = await other.request('GET', '/v1/staking/status');
    const entry = status.json.modules.find((m) => m.id === 'debug_v1');
    assert.equal(entry.loaded, false);
    assert.match(entry.reason, /http_request/);
    const reg = await other.request('POST', '/v1/staking/bls/register', { mode: 'generate' });
    assert.equal(reg.status, 200, reg.text);
    const refused = await other.request('POST', '/v1/modules/call', { moduleId: 'debug_v1', operation: 'debug_echo' });
    assert.equal(refused.status, 503, refused.text);
  } finally {
    await other.stop('SIGINT');
  }
});
