// Issue #12, point 5: a core of the running daemon holds no imported secret (BLS or TLS) and no password,
// and the secret environment variables are gone from /proc/PID/environ.
//
// The daemon is not dumpable (PR_SET_DUMPABLE 0), so only a process with CAP_SYS_PTRACE may attach to it
// or read its /proc/PID/environ: gcore (Debian's gdb) and that read run as root, directly or through
// `sudo -n` (CI runners have passwordless sudo). gdb leaves out of the core the pages marked
// MADV_DONTDUMP, as the kernel does, which is where the keys live. With neither, the test is skipped.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { startDaemon, tempDir } from './lib/daemon.mjs';
import { makeKeystore } from './lib/keystore.mjs';

const daemons = [];
after(async () => { for (const d of daemons) await d.stop(); });

const isRoot = process.getuid && process.getuid() === 0;
const canSudo = !isRoot && spawnSync('sudo', ['-n', 'true']).status === 0;
const hasGcore = spawnSync('sh', ['-c', 'command -v gcore']).status === 0;

// Runs a command as root: directly when the test is root, else through passwordless sudo.
function asRoot(command, args, options = {}) {
  return isRoot ? spawnSync(command, args, options) : spawnSync('sudo', ['-n', command, ...args], options);
}

function knownSecret(tag) {
  const secret = crypto.createHash('sha256').update(`cryftee core test ${tag}`).digest();
  secret[0] = 0x2a;  // below the group order
  return secret;
}

// Every encoding in which a secret could sit in memory.
function encodings(bytes) {
  const buffer = Buffer.from(bytes);
  const reversed = Buffer.from(buffer).reverse();  // blst keeps scalars little-endian
  return {
    raw: buffer, reversed,
    hex: Buffer.from(buffer.toString('hex')), HEX: Buffer.from(buffer.toString('hex').toUpperCase()),
    base64: Buffer.from(buffer.toString('base64')),
    utf16: Buffer.from(buffer.toString('latin1'), 'utf16le'),  // a password while ICU normalises it
  };
}

function assertAbsent(haystack, what, bytes) {
  for (const [form, needle] of Object.entries(encodings(bytes))) {
    assert.equal(haystack.indexOf(needle), -1, `${what} (${form}) is in the core`);
  }
}

test('a core of the running daemon holds neither the imported secrets nor the password', {
  skip: process.env.CRYFTEE_SANITIZED ? 'AddressSanitizer build: its allocator keeps freed blocks, zero-on-free is off'
    : !isRoot && !canSudo ? 'gcore must run as root (CAP_SYS_PTRACE) to attach to a non-dumpable process'
    : !hasGcore ? 'gdb (gcore) is not installed (scripts/setup.sh installs it)' : false,
  timeout: 180_000,
}, async () => {
  const keyMaterial = knownSecret('key material');
  const adminToken = `admin-token-${crypto.randomBytes(12).toString('hex')}`;
  const daemon = await startDaemon({ env: {
    CRYFTEE_WEB3SIGNER_KEY_MATERIAL: keyMaterial.toString('base64'), CRYFTEE_ADMIN_TOKEN: adminToken } });
  daemons.push(daemon);

  const longPassword = 'core-test-password-5b8e1d7c';
  const shortPassword = 'pw-5b8e1d7';  // short enough for a string's inline buffer
  const imported = knownSecret('keystore');
  const raw = knownSecret('ephemeral');
  for (const [secret, password] of [[imported, longPassword], [knownSecret('short'), shortPassword]]) {
    const res = await daemon.request('POST', '/v1/staking/bls/register',
      { mode: 'import', keystore: makeKeystore(secret, password), password });
    assert.equal(res.status, 200, res.text);
  }
  const ephemeral = await daemon.request('POST', '/v1/staking/bls/register',
    { mode: 'ephemeral', ephemeralKeyB64: raw.toString('base64') });
  assert.equal(ephemeral.status, 200, ephemeral.text);
  // A TLS staking key imported as PEM: neither a line of the PEM nor the private scalar may stay.
  const tls = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const tlsPem = tls.privateKey.export({ type: 'pkcs8', format: 'pem' });
  const tlsScalar = Buffer.from(tls.privateKey.export({ format: 'jwk' }).d, 'base64url');
  const tlsImported = await daemon.request('POST', '/v1/staking/tls/register', { privateKeyPEM: tlsPem });
  assert.equal(tlsImported.status, 200, tlsImported.text);
  // The keys are usable, so they are in the process.
  const signed = await daemon.request('POST', '/v1/staking/bls/sign',
    { keyHandle: ephemeral.json.keyHandle, message: Buffer.from('x').toString('base64') });
  assert.equal(signed.status, 200, signed.text);

  const environ = asRoot('cat', [`/proc/${daemon.child.pid}/environ`]).stdout;
  assert.equal(environ.indexOf(adminToken), -1, 'the admin token is in /proc/PID/environ');
  assertAbsent(environ, 'the key material', keyMaterial);
  assert.notEqual(environ.indexOf('PATH='), -1, 'the environment itself is still readable');

  const corePrefix = path.join(tempDir('cryftee-core-'), 'core');
  const dumped = asRoot('gcore', ['-o', corePrefix, String(daemon.child.pid)], { encoding: 'utf8' });
  const corePath = `${corePrefix}.${daemon.child.pid}`;
  assert.ok(fs.existsSync(corePath), `gcore wrote no core: ${dumped.stdout}\n${dumped.stderr}`);
  const core = fs.readFileSync(corePath);
  asRoot('rm', ['-rf', path.dirname(corePath)]);
  assert.ok(core.length > 1 << 20, 'the core holds the process memory');
  // The key handle is not secret and sits in ordinary memory: the search finds what is there.
  assert.notEqual(core.indexOf(Buffer.from(ephemeral.json.keyHandle)), -1, 'the key handle is in the core');

  assertAbsent(core, 'the imported secret', imported);
  assertAbsent(core, 'the raw ephemeral secret', raw);
  assertAbsent(core, 'the startup key material', keyMaterial);
  assertAbsent(core, 'the TLS private scalar', tlsScalar);
  for (const line of tlsPem.split('\n').filter((l) => l.length === 64)) {
    assert.equal(core.indexOf(line), -1, `a line of the TLS private key PEM is in the core: ${line.slice(0, 8)}…`);
  }
  assertAbsent(core, 'the long password', Buffer.from(longPassword));
  assertAbsent(core, 'the short password', Buffer.from(shortPassword));
  // The daemon is still serving after the dump (on a new connection: the dump may outlast the idle timeout).
  assert.equal((await daemon.request('GET', '/v1/staking/status', undefined, { agent: false })).status, 200);
});
