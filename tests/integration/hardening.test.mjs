// Attacks of a hostile neighbour or network peer against the real daemon (issue 12): connection floods on
// the kiosk, DNS rebinding and admin through the kiosk, token guessing, filling custody, lenient encodings
// and framing, and a tampered module in a reload. Each test fails on the daemon before the hardening.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { bls12_381 as bls } from '@noble/curves/bls12-381';

import { startDaemon, VECTORS_DIR } from './lib/daemon.mjs';
import { connectTcp, connectUnix } from './lib/raw_http.mjs';

const ADMIN_TOKEN = 'hardening-test-admin-token-0123456789';
const SIG_DST = JSON.parse(fs.readFileSync(path.join(VECTORS_DIR, 'bls-min-pk.json'), 'utf8')).dsts.sig;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Registers a fresh BLS key over the socket, signs `text` with it and checks the signature independently.
async function signAndVerify(daemon, text) {
  const reg = await daemon.request('POST', '/v1/staking/bls/register', { mode: 'generate' });
  assert.equal(reg.status, 200, reg.text);
  const message = Buffer.from(text);
  const signed = await daemon.request('POST', '/v1/staking/bls/sign', { keyHandle: reg.json.keyHandle, message: message.toString('base64') });
  assert.equal(signed.status, 200, signed.text);
  const signature = bls.G2.ProjectivePoint.fromHex(signed.json.signature.slice(2));
  const publicKey = bls.G1.ProjectivePoint.fromHex(reg.json.pubkey.slice(2));
  assert.ok(bls.verify(signature, bls.G2.hashToCurve(message, { DST: SIG_DST }), publicKey), 'the signature verifies');
}

// Sends one raw request on a fresh kiosk connection and returns the parsed answer.
async function rawKiosk(daemon, text) {
  const connection = await connectTcp(daemon.port);
  connection.send(text);
  try {
    return await connection.readResponse();
  } finally {
    await connection.close();
  }
}

// Opens `count` TCP connections to the kiosk and sends nothing on them.
async function idleKioskConnections(daemon, count) {
  const connections = [];
  for (let i = 0; i < count; i++) connections.push(await connectTcp(daemon.port));
  return connections;
}

describe('connection budgets', () => {
  test('hundreds of idle kiosk connections do not stop signing over the API socket', async () => {
    // Per-peer limit off (the flood comes from one address), so the kiosk's own budget is what holds.
    const daemon = await startDaemon({ args: ['--kiosk-max-connections-per-peer', '10000', '--max-connections', '16'] });
    const flood = await idleKioskConnections(daemon, 400);
    try {
      await signAndVerify(daemon, 'signing while the kiosk is flooded');
      // The API budget is untouched: parallel socket connections are all served.
      const parallel = await Promise.all(Array.from({ length: 8 },
        () => connectUnix(daemon.socketPath).then(async (c) => {
          c.send('GET /v1/staking/status HTTP/1.1\r\nHost: localhost\r\n\r\n');
          const response = await c.readResponse();
          await c.close();
          return response.status;
        })));
      assert.deepEqual(new Set(parallel), new Set([200]));
    } finally {
      await Promise.all(flood.map((c) => c.close()));
      await daemon.stop();
    }
  });

  test('a connection beyond a limit is answered with a JSON 503, on the socket and on the kiosk', async () => {
    const daemon = await startDaemon({ args: ['--max-connections', '3', '--kiosk-max-connections', '5',
      '--kiosk-max-connections-per-peer', '2'] });
    try {
      const held = [];
      for (let i = 0; i < 3; i++) held.push(await connectUnix(daemon.socketPath));
      const extra = await connectUnix(daemon.socketPath);
      const refused = await extra.readResponse();
      assert.equal(refused.status, 503);
      assert.equal(refused.json.error, 'too_many_connections');
      assert.match(refused.json.message, /--max-connections/);
      assert.equal(refused.headers['retry-after'], '1');
      await extra.closed;
      await Promise.all(held.map((c) => c.close()));

      // Per peer on the kiosk: the third connection from this address is refused.
      const mine = await idleKioskConnections(daemon, 2);
      const third = await connectTcp(daemon.port);
      const perPeer = await third.readResponse();
      assert.equal(perPeer.status, 503);
      assert.equal(perPeer.json.error, 'too_many_connections');
      assert.match(perPeer.json.message, /--kiosk-max-connections-per-peer/);
      await third.closed;
      await Promise.all(mine.map((c) => c.close()));

      await sleep(100);
      assert.equal((await daemon.request('GET', '/v1/staking/status')).status, 200);
      assert.equal((await daemon.kiosk('GET', '/v1/staking/status')).status, 200);
      // Refusals are logged as a burst, not a line per connection.
      assert.equal(daemon.output.match(/connection_refused/g)?.length, 2, daemon.output.slice(-3000));
    } finally {
      await daemon.stop();
    }
  });

  test('out of file descriptors the listeners back off, log once, and recover', async () => {
    const daemon = await startDaemon({ shellPrefix: 'ulimit -n 100',
      args: ['--kiosk-max-connections', '1000', '--kiosk-max-connections-per-peer', '1000'] });
    const held = [];
    try {
      assert.match(daemon.output, /descriptor_limit_low/);
      for (let i = 0; i < 150; i++) held.push(await connectTcp(daemon.port));
      // Connections beyond the descriptor limit wait in the backlog while accept fails with EMFILE.
      const guard = Date.now() + 10_000;
      while (!/accept_failed/.test(daemon.output) && Date.now() < guard) await sleep(50);
      assert.match(daemon.output, /accept_failed/);
      await sleep(1000);
      // One line per listener and run of failures, not per retry. A descriptor the daemon frees meanwhile
      // (a probe's connection it closes late) ends a run with accept_recovered; the next failure starts another.
      const lines = (event) => daemon.output.split('\n').filter((line) => line.includes(event));
      const listenerOf = (line) => line.match(/listener=(\S+)/)?.[1];
      for (const listener of new Set(lines('accept_failed').map(listenerOf))) {
        const runs = lines('accept_failed').filter((line) => listenerOf(line) === listener).length;
        const recoveries = lines('accept_recovered').filter((line) => listenerOf(line) === listener).length;
        assert.ok(runs - recoveries === 0 || runs - recoveries === 1,
          `${listener}: ${runs} accept_failed lines for ${recoveries} recoveries:\n${daemon.output.slice(-3000)}`);
      }
      assert.match(daemon.output, /Too many open files/);
      await Promise.all(held.splice(0).map((c) => c.close()));
      await signAndVerify(daemon, 'after the descriptors came back');
      while (!/accept_recovered/.test(daemon.output) && Date.now() < guard + 10_000) await sleep(50);
      assert.match(daemon.output, /accept_recovered/);
    } finally {
      await Promise.all(held.map((c) => c.close()));
      await daemon.stop();
    }
  });

  test('a quiet kiosk connection is closed after the kiosk idle timeout', async () => {
    const daemon = await startDaemon({ args: ['--kiosk-idle-timeout-ms', '300'] });
    try {
      const connection = await connectTcp(daemon.port);
      // A generous guard, not a measurement: with the API's 60 s idle timeout this would not close.
      const guard = sleep(10_000).then(() => 'still open');
      assert.notEqual(await Promise.race([connection.closed, guard]), 'still open');
      const socket = await connectUnix(daemon.socketPath);
      await sleep(600);
      socket.send('GET /v1/staking/status HTTP/1.1\r\nHost: localhost\r\n\r\n');
      assert.equal((await socket.readResponse()).status, 200, 'the API keeps its own, longer idle timeout');
      await socket.close();
    } finally {
      await daemon.stop();
    }
  });
});

describe('the kiosk trusts nobody', () => {
  let daemon;
  before(async () => { daemon = await startDaemon({ env: { CRYFTEE_ADMIN_TOKEN: ADMIN_TOKEN } }); });
  after(() => daemon.stop());

  test('a Host that is not the kiosk\'s own (DNS rebinding) is answered 421', async () => {
    for (const host of ['evil.example', `evil.example:${0}`, '127.0.0.1.evil.example', '']) {
      const response = await rawKiosk(daemon, `GET /v1/staking/status HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
      assert.equal(response.status, 421, host);
      assert.equal(response.json.error, 'misdirected_request');
    }
    for (const host of [`127.0.0.1:${daemon.port}`, `localhost:${daemon.port}`, 'LOCALHOST']) {
      const response = await rawKiosk(daemon, `GET /v1/staking/status HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
      assert.equal(response.status, 200, host);
    }
  });

  test('admin on the kiosk needs the token even from loopback, and the kiosk header', async () => {
    const kioskHeader = { 'x-cryftee-kiosk': '1' };
    const noToken = await daemon.kiosk('POST', '/v1/admin/reload-modules', {}, { headers: kioskHeader });
    assert.equal(noToken.status, 401);
    assert.equal(noToken.json.error, 'unauthorized');
    const listKeys = await daemon.kiosk('GET', '/v1/admin/web3signer/keys');
    assert.equal(listKeys.status, 401);
    const noHeader = await daemon.kiosk('POST', '/v1/admin/reload-modules', {}, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    assert.equal(noHeader.status, 403);
    assert.equal(noHeader.json.error, 'kiosk_header_missing');
    const sameSite = await daemon.kiosk('POST', '/v1/admin/reload-modules', {},
      { headers: { ...kioskHeader, authorization: `Bearer ${ADMIN_TOKEN}`, 'sec-fetch-site': 'same-site' } });
    assert.equal(sameSite.status, 403);
    assert.equal(sameSite.json.error, 'cross_origin');
    const epoch = (await daemon.request('GET', '/v1/runtime/self')).json.epoch;
    assert.equal((await daemon.request('GET', '/v1/runtime/self')).json.epoch, epoch, 'nothing was reloaded');
    const right = await daemon.kiosk('POST', '/v1/admin/reload-modules', {},
      { headers: { ...kioskHeader, authorization: `Bearer ${ADMIN_TOKEN}`, 'sec-fetch-site': 'same-origin' } });
    assert.equal(right.status, 200, right.text);
    // The Unix socket's peers remain trusted for admin (its mode and uid allow-list admit them).
    assert.equal((await daemon.request('POST', '/v1/admin/reload-modules', {})).status, 200);
  });

  test('framing that proxies may read differently is refused with 400', async () => {
    const duplicateHost = await rawKiosk(daemon, `GET /v1/staking/status HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n`);
    assert.equal(duplicateHost.status, 400);
    assert.equal(duplicateHost.json.error, 'duplicate_host');
    for (const encoding of ['gzip, chunked', 'identity', 'chunked, chunked']) {
      const connection = await connectUnix(daemon.socketPath);
      connection.send(`POST /v1/runtime/heartbeat HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: ${encoding}\r\n\r\n0\r\n\r\n`);
      const response = await connection.readResponse();
      assert.equal(response.status, 400, encoding);
      assert.ok(['unsupported_transfer_encoding', 'malformed_http'].includes(response.json.error), response.body);
      await connection.close();
    }
    const twoEncodings = await connectUnix(daemon.socketPath);
    twoEncodings.send('POST /v1/runtime/heartbeat HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n');
    const answer = await twoEncodings.readResponse();
    assert.equal(answer.status, 400);
    await twoEncodings.close();
  });
});

describe('token guessing', () => {
  test('wrong tokens from one peer are rate-limited with 429 and Retry-After, even the right one then', async () => {
    const daemon = await startDaemon({ args: ['--no-loopback-admin'], env: { CRYFTEE_ADMIN_TOKEN: ADMIN_TOKEN } });
    try {
      const statuses = [];
      for (let i = 0; i < 12; i++) {
        const response = await daemon.request('POST', '/v1/admin/reload-modules', {}, { headers: { authorization: `Bearer guess-${i}-0000000000` } });
        statuses.push(response.status);
      }
      assert.deepEqual(statuses, [...Array(10).fill(403), 429, 429]);
      const limited = await daemon.request('POST', '/v1/admin/reload-modules', {}, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      assert.equal(limited.status, 429);
      assert.equal(limited.json.error, 'too_many_attempts');
      const wait = Number(limited.headers['retry-after']);
      assert.ok(wait >= 1 && wait <= 60, `Retry-After ${limited.headers['retry-after']}`);
      // Another peer (the kiosk's TCP address) is not held back by this one.
      const other = await daemon.kiosk('POST', '/v1/admin/reload-modules', {},
        { headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-cryftee-kiosk': '1' } });
      assert.equal(other.status, 200, other.text);
    } finally {
      await daemon.stop();
    }
  });
});

describe('custody and encodings', () => {
  let daemon;
  before(async () => {
    daemon = await startDaemon({ args: ['--max-keys-per-peer', '3'], env: { CRYFTEE_ADMIN_TOKEN: ADMIN_TOKEN } });
  });
  after(() => daemon.stop());

  test('one client cannot register more keys than its quota without the admin token', async () => {
    const made = [];
    for (let i = 0; i < 3; i++) {
      const reg = await daemon.request('POST', '/v1/staking/bls/register', { mode: 'generate' });
      assert.equal(reg.status, 200, reg.text);
      made.push(reg.json);
    }
    const over = await daemon.request('POST', '/v1/staking/bls/register', { mode: 'generate' });
    assert.equal(over.status, 403);
    assert.equal(over.json.error, 'key_quota_exceeded');
    const tlsOver = await daemon.request('POST', '/v1/staking/tls/register', {});
    assert.equal(tlsOver.status, 403);
    // Looking a key up is not counted; the admin token lifts the quota.
    const verify = await daemon.request('POST', '/v1/staking/bls/register', { mode: 'verify', publicKey: made[0].pubkey });
    assert.equal(verify.status, 200, verify.text);
    const admin = await daemon.request('POST', '/v1/staking/bls/register', { mode: 'generate' },
      { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    assert.equal(admin.status, 200, admin.text);
    const status = (await daemon.request('GET', '/v1/staking/status')).json;
    assert.equal(status.bls_pubkeys.length, 4);
  });

  test('unpadded and base64url input is refused where standard base64 is documented', async () => {
    const secret = crypto.randomBytes(32);
    secret[0] = 0x1f;  // below the group order
    const admin = { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } };
    for (const text of [secret.toString('base64url'), secret.toString('base64').replace(/=+$/, '')]) {
      const reg = await daemon.request('POST', '/v1/staking/bls/register', { mode: 'ephemeral', ephemeralKeyB64: text }, admin);
      assert.equal(reg.status, 400, `${text}: ${reg.text}`);
    }
    const reg = await daemon.request('POST', '/v1/staking/bls/register', { mode: 'generate' }, admin);
    assert.equal(reg.status, 200, reg.text);
    // 4 bytes: standard base64 needs padding ("+/+/+w=="); URL-safe spells the same bytes "-_-_-w".
    const bytes = Buffer.from([0xfb, 0xff, 0xbf, 0xfb]);
    for (const message of [bytes.toString('base64url'), bytes.toString('base64').replace(/=+$/, '')]) {
      const signed = await daemon.request('POST', '/v1/staking/bls/sign', { keyHandle: reg.json.keyHandle, message });
      assert.equal(signed.status, 400, `${message}: ${signed.text}`);
    }
    const good = await daemon.request('POST', '/v1/staking/bls/sign', { keyHandle: reg.json.keyHandle, message: bytes.toString('base64') });
    assert.equal(good.status, 200, good.text);
  });

  test('a certificate without the key it certifies is refused', async () => {
    const certificatePEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const admin = { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } };
    const before = (await daemon.request('GET', '/v1/staking/status')).json.tls_pubkeys.length;
    for (const field of ['certificatePEM', 'certChainPEM']) {
      const response = await daemon.request('POST', '/v1/staking/tls/register', { mode: 'import', [field]: certificatePEM }, admin);
      assert.equal(response.status, 400, response.text);
      assert.match(response.json.message, /privateKeyPEM/);
    }
    assert.equal((await daemon.request('GET', '/v1/staking/status')).json.tls_pubkeys.length, before, 'no key was made');
  });
});

describe('reload is all or nothing', () => {
  test('a tampered signer module in an otherwise valid manifest is refused and the signer keeps serving', async () => {
    const daemon = await startDaemon();
    try {
      await signAndVerify(daemon, 'before the reload');
      const manifest = JSON.parse(fs.readFileSync(path.join(daemon.moduleDir, 'manifest.json'), 'utf8'));
      const signer = manifest.modules.find((m) => m.id === 'bls_tls_signer_v1');
      fs.appendFileSync(path.join(daemon.moduleDir, signer.dir, signer.file), Buffer.from([0]));
      const before = (await daemon.request('GET', '/v1/staking/status')).json;

      const reload = await daemon.request('POST', '/v1/admin/reload-modules', {});
      assert.equal(reload.status, 409, reload.text);
      assert.equal(reload.json.error, 'reload_refused');
      assert.match(reload.json.message, /bls_tls_signer_v1/);
      assert.match(reload.json.message, /keep serving/);
      // The log line is written by the daemon as it answers; its pipe may deliver it a moment later.
      const logged = Date.now() + 5000;
      while (!/reload_failed/.test(daemon.output) && Date.now() < logged) await sleep(50);
      assert.match(daemon.output, /reload_failed/);

      await signAndVerify(daemon, 'after the refused reload');
      const after = (await daemon.request('GET', '/v1/staking/status')).json;
      assert.equal(after.epoch, before.epoch);
      assert.equal(after.lastReload.applied, false);
      assert.equal(after.lastReload.error, 'reload_refused');
      assert.match(after.lastReload.message, /bls_tls_signer_v1/);
      assert.equal(after.lastReload.servingEpoch, before.epoch);
      assert.equal(after.modules.find((m) => m.id === 'bls_tls_signer_v1').loaded, true);
    } finally {
      await daemon.stop();
    }
  });
});
