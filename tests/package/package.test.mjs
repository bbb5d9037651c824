// The .deb as an operator gets it: its control data (Depends from dpkg-shlibdeps, conffiles, maintainer
// scripts), its files unpacked with dpkg-deb -x into a temporary root and run from there with the
// packaged configuration moved to temporary paths (V8 comes from the root, never from the source tree's
// .deps), a signature made through it and verified with @noble/curves, lintian, and systemd-analyze on
// the unit it ships.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { bls12_381 as bls } from '@noble/curves/bls12-381';
import { freePort, tempDir, tcpRequest, udsRequest } from '../integration/lib/daemon.mjs';

const DEB = process.env.CRYFTEE_DEB;
const SIG_DST = 'BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_';
let root;
let control;

before(() => {
  assert.ok(DEB && fs.existsSync(DEB), `no package at ${DEB}: run the package.build test (cpack) first`);
  root = path.join(tempDir('cryftee-deb-'), 'root');
  execFileSync('dpkg-deb', ['-x', DEB, root]);
  control = path.join(path.dirname(root), 'control');
  execFileSync('dpkg-deb', ['-e', DEB, control]);
});

const field = (name) => {
  const text = fs.readFileSync(path.join(control, 'control'), 'utf8');
  return new RegExp(`^${name}: (.*)$`, 'm').exec(text)?.[1];
};

// Starts the unpacked binary and resolves once its API answers; cwd is an empty folder, so nothing is
// found through the working directory either.
async function runUnpacked(args, env = {}) {
  const cwd = tempDir('cryftee-cwd-');
  const child = spawn(path.join(root, 'usr/bin/cryftee'), args, { cwd, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const daemon = { child, output: '', exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
  child.stdout.on('data', (d) => { daemon.output += d; });
  child.stderr.on('data', (d) => { daemon.output += d; });
  return daemon;
}

async function waitForApi(daemon, socketPath) {
  for (let i = 0; i < 300; i++) {
    if (daemon.child.exitCode !== null) throw new Error(`the unpacked cryftee exited with ${daemon.child.exitCode}:\n${daemon.output}`);
    try {
      const res = await udsRequest(socketPath, 'GET', '/v1/staking/status');
      if (res.status === 200) return res;
    } catch { /* not yet listening */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the unpacked cryftee did not answer:\n${daemon.output}`);
}

test('control: Depends from dpkg-shlibdeps, conffiles, the maintainer scripts', () => {
  const depends = field('Depends');
  for (const library of ['libc6', 'libstdc++6', 'libssl3', 'libcurl4', 'libuv1', 'libicu72', 'libsystemd0', 'libprometheus-cpp-core1.0', 'adduser']) {
    assert.match(depends, new RegExp(`(^|, )${library.replace(/[.+]/g, '\\$&')}( |,|$)`), `Depends lacks ${library}: ${depends}`);
  }
  assert.equal(field('Package'), 'cryftee');
  assert.deepEqual(fs.readFileSync(path.join(control, 'conffiles'), 'utf8').trim().split('\n').sort(),
    ['/etc/cryftee/cryftee.toml', '/etc/cryftee/trust.toml']);
  for (const script of ['postinst', 'prerm', 'postrm']) {
    assert.ok(fs.statSync(path.join(control, script)).mode & 0o100, `${script} is not executable`);
  }
  const postrm = fs.readFileSync(path.join(control, 'postrm'), 'utf8');
  // The key store goes only on purge, never on remove.
  assert.match(postrm, /if \[ "\$1" = "purge" \]; then\n\s+rm -rf \/var\/lib\/cryftee/);
  assert.match(fs.readFileSync(path.join(control, 'postinst'), 'utf8'), /adduser --system .* cryftee/);
});

test('the binary finds V8 in the package\'s own /usr/lib/cryftee, through an $ORIGIN run path', () => {
  const binary = path.join(root, 'usr/bin/cryftee');
  const dynamic = execFileSync('readelf', ['-d', binary], { encoding: 'utf8' });
  assert.match(dynamic, /\(RUNPATH\)\s+Library runpath: \[\$ORIGIN\/\.\.\/lib\/cryftee\]/);
  assert.doesNotMatch(dynamic, /\.deps/);
  const ldd = execFileSync('ldd', [binary], { encoding: 'utf8' });
  const found = /libnode\.so\.108 => (\S+)/.exec(ldd);
  assert.ok(found, ldd);
  assert.equal(fs.realpathSync(found[1]), fs.realpathSync(path.join(root, 'usr/lib/cryftee/libnode.so.108')));
  assert.doesNotMatch(ldd, /not found/, ldd);
});

test('unpacked and run with the packaged configuration: modules verify, a BLS signature verifies', async () => {
  const state = tempDir('cryftee-state-');
  const socketPath = path.join(state, 'run', 'cryftee.sock');
  const port = await freePort();
  // The packaged file, with its absolute paths moved under the temporary root.
  const config = fs.readFileSync(path.join(root, 'etc/cryftee/cryftee.toml'), 'utf8')
    .replaceAll('"/usr/share/cryftee/', `"${root}/usr/share/cryftee/`)
    .replaceAll('"/etc/cryftee/', `"${root}/etc/cryftee/`)
    .replace('"/run/cryftee/cryftee.sock"', JSON.stringify(socketPath))
    .replace('"127.0.0.1:323"', `"127.0.0.1:${port}"`)
    .replace('"/var/lib/cryftee"', JSON.stringify(path.join(state, 'keys')));
  assert.doesNotMatch(config, /"\/(usr|etc|run|var)\//, 'a packaged path was left unadjusted');
  const configPath = path.join(state, 'cryftee.toml');
  fs.writeFileSync(configPath, config);

  // keys.data_dir makes the sealed key store seal with the TPM or, without one, a passphrase.
  const daemon = await runUnpacked(['--config', configPath], { CRYFTEE_SEAL_PASSPHRASE: 'a long passphrase for the package test' });
  try {
    const status = await waitForApi(daemon, socketPath);
    const signer = status.json.modules.find((m) => m.id === 'bls_tls_signer_v1');
    assert.ok(signer?.loaded && signer.trusted, JSON.stringify(status.json.modules));
    // The production bundle only: the test module never ships.
    assert.ok(!status.json.modules.some((m) => m.id === 'debug_v1'), JSON.stringify(status.json.modules));
    assert.ok(!fs.existsSync(path.join(root, 'usr/share/cryftee/modules/debug_v1')));
    // V8 is mapped from the unpacked root, not from anywhere in the source tree.
    const maps = fs.readFileSync(`/proc/${daemon.child.pid}/maps`, 'utf8');
    const libnode = [...new Set(maps.split('\n').filter((l) => l.includes('libnode')).map((l) => l.split(/\s+/).pop()))];
    assert.deepEqual(libnode, [path.join(root, 'usr/lib/cryftee/libnode.so.108')]);

    const key = await udsRequest(socketPath, 'POST', '/v1/staking/bls/register', { mode: 'generate' });
    assert.equal(key.status, 200, key.text);
    const message = Buffer.from('signed through the packaged cryftee');
    const signed = await udsRequest(socketPath, 'POST', '/v1/staking/bls/sign',
      { keyHandle: key.json.keyHandle, message: message.toString('base64') });
    assert.equal(signed.status, 200, signed.text);
    const ok = bls.verify(bls.G2.ProjectivePoint.fromHex(signed.json.signature.slice(2)),
      bls.G2.hashToCurve(message, { DST: SIG_DST }), bls.G1.ProjectivePoint.fromHex(key.json.pubkey.slice(2)));
    assert.ok(ok, 'the signature does not verify under @noble/curves');

    const tlsKey = await udsRequest(socketPath, 'POST', '/v1/staking/tls/register', {});
    assert.equal(tlsKey.status, 200, tlsKey.text);
    const data = Buffer.from('tls through the package');
    const tlsSigned = await udsRequest(socketPath, 'POST', '/v1/staking/tls/sign', { pubkey: tlsKey.json.pubkey, data: data.toString('base64') });
    assert.equal(tlsSigned.status, 200, tlsSigned.text);
    assert.ok(crypto.verify('sha256', data, crypto.createPublicKey(tlsKey.json.certChainPEM), Buffer.from(tlsSigned.json.signatureB64, 'base64')));

    // The kiosk page comes from the package's /usr/share/cryftee/ui.
    const page = await tcpRequest(port, 'GET', '/');
    assert.equal(page.status, 200);
    assert.equal(page.text, fs.readFileSync(path.join(root, 'usr/share/cryftee/ui/index.html'), 'utf8'));
  } finally {
    daemon.child.kill('SIGTERM');
    assert.equal(await daemon.exited, 0, daemon.output);
  }
});

test('without module, kiosk or trust settings the unpacked binary uses its installed layout', async () => {
  const state = tempDir('cryftee-state-');
  const socketPath = path.join(state, 'run', 'cryftee.sock');
  const port = await freePort();
  const daemon = await runUnpacked(['--uds-path', socketPath, '--http-addr', `127.0.0.1:${port}`]);
  try {
    const status = await waitForApi(daemon, socketPath);
    const signer = status.json.modules.find((m) => m.id === 'bls_tls_signer_v1');
    assert.ok(signer?.loaded && signer.trusted, JSON.stringify(status.json.modules));
    assert.ok((await tcpRequest(port, 'GET', '/')).text.includes('<html'));
  } finally {
    daemon.child.kill('SIGTERM');
    assert.equal(await daemon.exited, 0, daemon.output);
  }
});

test('lintian has nothing to say beyond the overrides the package explains', () => {
  const result = spawnSync('lintian', ['--fail-on', 'error,warning', '--no-tag-display-limit', DEB], { encoding: 'utf8' });
  assert.equal(result.status, 0, `lintian:\n${result.stdout}${result.stderr}`);
  assert.doesNotMatch(result.stdout, /^[EW]: /m, result.stdout);
  // Every override carries a comment that says why.
  const overrides = fs.readFileSync(path.join(root, 'usr/share/lintian/overrides/cryftee'), 'utf8').split('\n');
  overrides.forEach((line, i) => {
    if (line && !line.startsWith('#')) assert.ok(overrides[i - 1]?.startsWith('#'), `override without a reason: ${line}`);
  });
});

test('systemd-analyze verify accepts the shipped unit, hardened as docs/install.md says, with the recorded exposure score', () => {
  const shipped = fs.readFileSync(path.join(root, 'usr/lib/systemd/system/cryftee.service'), 'utf8');
  for (const line of ['Type=notify', 'RuntimeDirectory=cryftee', 'StateDirectory=cryftee', 'NoNewPrivileges=yes',
    'ProtectSystem=strict', 'ProtectHome=yes', 'PrivateTmp=yes', 'PrivateDevices=yes', 'DeviceAllow=/dev/tpmrm0 rw',
    'CapabilityBoundingSet=CAP_NET_BIND_SERVICE', 'SystemCallFilter=@system-service', 'LimitCORE=0',
    'LoadCredential=seal_passphrase:cryftee.seal-passphrase', 'ExecStart=/usr/bin/cryftee --config /etc/cryftee/cryftee.toml']) {
    assert.ok(shipped.split('\n').includes(line), `the unit lacks ${line}`);
  }
  assert.match(shipped, /^#.*MemoryDenyWriteExecute=.*\n#.*JIT/m);
  // verify checks that ExecStart's program exists: point it at the unpacked binary, change nothing else.
  const unitDir = tempDir('cryftee-unit-');
  const unit = path.join(unitDir, 'cryftee.service');
  fs.writeFileSync(unit, shipped.replace('ExecStart=/usr/bin/cryftee', `ExecStart=${root}/usr/bin/cryftee`));
  // --man=no: the cryftee(1) page is in the package, not installed on this machine.
  const result = spawnSync('systemd-analyze', ['verify', '--man=no', unit], { encoding: 'utf8' });
  assert.equal(result.status, 0, `systemd-analyze verify:\n${result.stdout}${result.stderr}`);
  assert.equal(result.stderr.trim(), '', result.stderr);

  // The exposure score docs/install.md records is the one systemd-analyze gives the shipped unit.
  const security = spawnSync('systemd-analyze', ['security', '--offline=yes', unit], { encoding: 'utf8' });
  const score = /Overall exposure level for cryftee\.service: (\d+\.\d+)/.exec(security.stdout)?.[1];
  assert.ok(score, `systemd-analyze security:\n${security.stdout}${security.stderr}`);
  const docs = fs.readFileSync(path.join(process.env.CRYFTEE_SOURCE_DIR, 'docs', 'install.md'), 'utf8');
  assert.ok(docs.includes(`rates the unit **${score} OK**`), `docs/install.md should record the exposure score ${score}`);
});
