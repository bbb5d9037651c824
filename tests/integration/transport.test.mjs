// The daemon's transports against the real binary: Unix socket, kiosk listener, HTTPS; limits, socket
// safety and shutdown. Every request goes over a real socket.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { SOURCE_DIR, startDaemon, tcpRequest, tempDir, udsRequest } from './lib/daemon.mjs';
import { connectTcp, connectUnix } from './lib/raw_http.mjs';
import { makeTlsFiles } from './lib/tls_files.mjs';

const ADMIN_TOKEN = 'transport-test-admin-token-0123456789';
const BODY_LIMIT = 2048;
const REQUEST_TIMEOUT_MS = 1500;

// The kiosk page: the real ui/ when the kiosk engineer's page is present, else a placeholder.
function kioskDir() {
  const real = path.join(SOURCE_DIR, 'ui');
  if (fs.existsSync(path.join(real, 'index.html'))) return real;
  const dir = tempDir('cryftee-ui-');
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>placeholder kiosk</title>\n');
  fs.writeFileSync(path.join(dir, 'app.js'), 'console.log("kiosk");\n');
  return dir;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// For a daemon on a socket path of the test's choosing, which startDaemon's readiness check does not know.
async function statusWhenReady(socketPath, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await udsRequest(socketPath, 'GET', '/v1/staking/status');
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(50);
    }
  }
}

describe('unix socket and kiosk listener', () => {
  let daemon;
  const uiDir = kioskDir();
  before(async () => {
    daemon = await startDaemon({
      args: ['--ui-dir', uiDir, '--max-body-bytes', String(BODY_LIMIT), '--max-header-bytes', '4096',
        '--request-timeout-ms', String(REQUEST_TIMEOUT_MS)],
    });
  });
  after(() => daemon.stop());

  test('the socket has mode 0660 in a directory of mode 0750', () => {
    assert.equal(fs.statSync(daemon.socketPath).mode & 0o777, 0o660);
    assert.equal(fs.statSync(path.dirname(daemon.socketPath)).mode & 0o777, 0o750);
    assert.ok(fs.statSync(daemon.socketPath).isSocket());
  });

  test('several requests share one keep-alive connection', async () => {
    const connection = await connectUnix(daemon.socketPath);
    for (let i = 0; i < 3; i++) {
      connection.send('GET /v1/staking/status HTTP/1.1\r\nHost: localhost\r\n\r\n');
      const response = await connection.readResponse();
      assert.equal(response.status, 200);
      assert.equal(typeof response.json, 'object');
    }
    // Two requests sent back to back (pipelined) are both answered, in order.
    connection.send('GET /v1/staking/status HTTP/1.1\r\nHost: localhost\r\n\r\nGET /v1/no-such-route HTTP/1.1\r\nHost: localhost\r\n\r\n');
    assert.equal((await connection.readResponse()).status, 200);
    assert.equal((await connection.readResponse()).status, 404);
    assert.equal(connection.ended, false);
    await connection.close();
  });

  test('a long pipeline sent in one write is answered whole, in order, and the daemon stays up', async () => {
    // Answers are written in place when the socket takes them, and a request already waiting in the buffer
    // goes back to the I/O threads' queue rather than being answered from inside the previous one.
    // Requests as short as HTTP/1.1 allows, so each read of the daemon holds as many as it can.
    const count = 20000;
    const connection = await connectUnix(daemon.socketPath);
    let pipeline = '';
    for (let i = 0; i < count; i++) pipeline += 'GET /v1/x HTTP/1.1\r\nHost:a\r\n\r\n';
    connection.send(pipeline);
    for (let i = 0; i < count; i++) assert.equal((await connection.readResponse()).status, 404);
    assert.equal(connection.ended, false);
    await connection.close();
    assert.equal((await daemon.request('GET', '/v1/staking/status')).status, 200);
  });

  test('an empty connection opened and closed does not disturb the daemon', async () => {
    const before = daemon.output.length;
    for (let i = 0; i < 5; i++) {
      const connection = await connectUnix(daemon.socketPath);
      await connection.close();
    }
    await sleep(100);
    const response = await daemon.request('GET', '/v1/staking/status');
    assert.equal(response.status, 200);
    const logged = daemon.output.slice(before);
    assert.doesNotMatch(logged, /\b(error|warn)\b/);
  });

  test('a body larger than the limit is refused with 413 before it is read', async () => {
    const response = await daemon.request('POST', '/v1/runtime/heartbeat', 'x'.repeat(BODY_LIMIT * 4));
    assert.equal(response.status, 413);
    assert.equal(response.json.error, 'body_too_large');
    assert.match(response.json.message, /limit/);
  });

  test('a chunked body that grows past the limit is refused with 413', async () => {
    const response = await new Promise((resolve, reject) => {
      const req = http.request({ socketPath: daemon.socketPath, method: 'POST', path: '/v1/runtime/heartbeat',
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c) => { text += c; });
        res.on('end', () => resolve({ status: res.statusCode, json: JSON.parse(text) }));
      });
      req.on('error', reject);
      for (let i = 0; i < 8; i++) req.write('y'.repeat(BODY_LIMIT / 2));
      req.end();
    });
    assert.equal(response.status, 413);
    assert.equal(response.json.error, 'body_too_large');
  });

  test('headers larger than the limit are refused with 431', async () => {
    const response = await daemon.request('GET', '/v1/staking/status', undefined, { headers: { 'x-padding': 'p'.repeat(8192) } });
    assert.equal(response.status, 431);
    assert.equal(response.json.error, 'headers_too_large');
  });

  test('malformed JSON to a POST route is a 400 JSON error', async () => {
    const response = await daemon.request('POST', '/v1/runtime/heartbeat', '{"cryftgo_version": ');
    assert.equal(response.status, 400);
    assert.equal(typeof response.json.error, 'string');
    assert.equal(typeof response.json.message, 'string');
  });

  test('malformed HTTP is a 400 JSON error and the daemon keeps serving', async () => {
    for (const garbage of ['GARBAGE\r\n\r\n', 'GET /v1/staking/status HTTP/9.9\r\n\r\n', 'GET / HTTP/1.1\r\nbad header\r\n\r\n']) {
      const connection = await connectUnix(daemon.socketPath);
      connection.send(garbage);
      const response = await connection.readResponse();
      assert.equal(response.status, 400, garbage);
      assert.equal(response.json.error, 'malformed_http');
      await connection.closed;
    }
    assert.equal((await daemon.request('GET', '/v1/staking/status')).status, 200);
  });

  test('a slow client is cut off while another client is served promptly', async () => {
    const slow = await connectUnix(daemon.socketPath);
    const started = Date.now();
    slow.send('POST /v1/runtime/heartbeat HTTP/1.1\r\nHost: localhost\r\nContent-Length: 200\r\n\r\n{"cry');
    const slowHeaders = await connectUnix(daemon.socketPath);
    slowHeaders.send('GET /v1/staking/status HTTP/1.1\r\nHo');
    await sleep(100);
    const quickStart = Date.now();
    const quick = await daemon.request('GET', '/v1/staking/status');
    assert.equal(quick.status, 200);
    assert.ok(Date.now() - quickStart < 1000, 'the other client waited');
    const closedAt = await slow.closed;
    await slowHeaders.closed;
    const elapsed = closedAt - started;
    assert.ok(elapsed >= REQUEST_TIMEOUT_MS - 100 && elapsed < REQUEST_TIMEOUT_MS + 3000, `closed after ${elapsed} ms`);
  });

  test('200 concurrent connections are all answered', async () => {
    const responses = await Promise.all(Array.from({ length: 200 },
      () => udsRequest(daemon.socketPath, 'GET', '/v1/staking/status', undefined, { agent: false })));
    assert.deepEqual(new Set(responses.map((r) => r.status)), new Set([200]));
  });

  test('every request is logged once with its route, status and listener, and never its token or body', async () => {
    const secretBody = '{"cryftgo_version":"never-logged-body-marker"}';
    await daemon.request('POST', '/v1/runtime/heartbeat', secretBody, { headers: { authorization: 'Bearer never-logged-token-marker' } });
    await daemon.request('GET', '/v1/staking/status?probe=logline');
    await sleep(50);
    assert.doesNotMatch(daemon.output, /never-logged-(token|body)-marker/);
    const line = daemon.output.split('\n').find((l) => l.includes('request') && l.includes('/v1/staking/status') && l.includes('uds'));
    assert.ok(line, daemon.output.slice(-2000));
    for (const field of ['method', 'route', 'status', 'duration_ms', 'peer', 'listener']) assert.match(line, new RegExp(field));
  });

  test('the kiosk listener refuses staking routes with 403', async () => {
    for (const route of ['/v1/staking/bls/sign', '/v1/staking/bls/register', '/v1/staking/tls/sign', '/v1/staking/tls/register']) {
      const response = await daemon.kiosk('POST', route, { keyHandle: 'x', message: 'AA==' });
      assert.equal(response.status, 403, route);
      assert.equal(response.json.error, 'not_on_kiosk');
    }
  });

  test('the kiosk serves index.html with a strict Content-Security-Policy', async () => {
    const response = await daemon.kiosk('GET', '/');
    assert.equal(response.status, 200);
    assert.match(response.headers['content-type'], /^text\/html/);
    assert.equal(response.text, fs.readFileSync(path.join(uiDir, 'index.html'), 'utf8'));
    assert.equal(response.headers['content-security-policy'],
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
    assert.equal(response.headers['access-control-allow-origin'], undefined);

    const head = await daemon.kiosk('HEAD', '/index.html');
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
    assert.equal(Number(head.headers['content-length']), Buffer.byteLength(response.text));
  });

  test('the kiosk refuses paths that leave the ui directory and lists no directory', async () => {
    for (const target of ['/../package.json', '/%2e%2e/package.json', '/..%2fpackage.json', '/.hidden', '/no-such-file.js']) {
      const connection = await connectTcp(daemon.port);
      connection.send(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      const response = await connection.readResponse();
      assert.equal(response.status, 404, target);
      assert.equal(typeof response.json.error, 'string');
      assert.equal(response.headers['x-content-type-options'], 'nosniff');
      await connection.close();
    }
  });

  test('read-only views answer on the kiosk listener with the security headers', async () => {
    const response = await daemon.kiosk('GET', '/v1/staking/status');
    assert.equal(response.status, 200);
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
  });

  test('an idle keep-alive connection stays usable between requests', async () => {
    const connection = await connectTcp(daemon.port);
    connection.send('GET /v1/staking/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    assert.equal((await connection.readResponse()).status, 200);
    await sleep(REQUEST_TIMEOUT_MS + 300);
    connection.send('GET /v1/staking/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    assert.equal((await connection.readResponse()).status, 200);
    await connection.close();
  });
});

describe('keep-alive spin', () => {
  // The spins counted by outcome ({request, none}) in one /metrics scrape answered on `connection`.
  async function spins(connection) {
    connection.send('GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n');
    const response = await connection.readResponse();
    assert.equal(response.status, 200);
    const count = (outcome) => {
      const line = response.body.match(new RegExp(`^cryftee_keepalive_spins_total\\{outcome="${outcome}"\\} (\\d+)`, 'm'));
      assert.ok(line, `no ${outcome} series in the scrape`);
      return Number(line[1]);
    };
    return { request: count('request'), none: count('none') };
  }
  const status = 'GET /v1/staking/status HTTP/1.1\r\nHost: localhost\r\n\r\n';

  test('a client sending its next request at once is read by the thread that answered it', async () => {
    const daemon = await startDaemon({ args: ['--io-threads', '4', '--keepalive-spin-us', '10000'] });
    try {
      const connection = await connectUnix(daemon.socketPath);
      const before = await spins(connection);
      // Thirty in a row, more than one handler serves in place (8): each answer is the one its request asked for.
      for (let i = 0; i < 30; i++) {
        const self = i % 2 === 1;
        connection.send(self ? 'GET /v1/runtime/self HTTP/1.1\r\nHost: localhost\r\n\r\n' : status);
        const response = await connection.readResponse();
        assert.equal(response.status, 200);
        assert.equal(typeof response.json, 'object');
        assert.equal('healthy' in response.json, self, `answer ${i} is not the one of its route`);
        assert.equal('bls_pubkeys' in response.json, !self, `answer ${i} is not the one of its route`);
      }
      const found = (await spins(connection)).request - before.request;
      assert.ok(found >= 15, `the spin found ${found} of 30 requests sent at once`);
      // A request whose first bytes come within the window and whose rest comes later is read whole.
      connection.send('GET /v1/sta');
      await sleep(30);
      connection.send('king/status HTTP/1.1\r\nHost: localhost\r\n\r\n');
      assert.equal((await connection.readResponse()).status, 200);
      assert.ok((await spins(connection)).request >= 1, 'no request was found by the spin');
      await connection.close();
    } finally {
      await daemon.stop();
    }
  });

  test('a client that asks now and then is not spun for again until it sends at once', async () => {
    const daemon = await startDaemon({ args: ['--io-threads', '4', '--keepalive-spin-us', '10000'] });
    try {
      const connection = await connectUnix(daemon.socketPath);
      const ask = async () => {
        connection.send(status);
        assert.equal((await connection.readResponse()).status, 200);
      };
      await ask();
      await sleep(40);  // past the window: this spin finds nothing, and the connection is not spun for again
      const before = await spins(connection);
      for (let i = 0; i < 5; i++) {
        await sleep(40);
        await ask();
      }
      await sleep(40);
      assert.deepEqual(await spins(connection), before, 'a client that asks now and then was spun for again');
      // Requests sent at once: the first comes by the event loop soon after its answer, the rest are spun for.
      for (let i = 0; i < 10; i++) await ask();
      assert.ok((await spins(connection)).request > before.request, 'a client sending at once was not spun for again');
      await connection.close();
    } finally {
      await daemon.stop();
    }
  });

  test('with more connections open than I/O threads no thread spins', async () => {
    const daemon = await startDaemon({ args: ['--io-threads', '1', '--keepalive-spin-us', '10000'] });
    try {
      const idle = await connectUnix(daemon.socketPath);
      const busy = await connectUnix(daemon.socketPath);
      for (let i = 0; i < 20; i++) {
        busy.send(status);
        assert.equal((await busy.readResponse()).status, 200);
      }
      // startDaemon's readiness checks ran on connections of their own, which may have spun; none did since.
      const before = await spins(busy);
      for (let i = 0; i < 20; i++) {
        busy.send(status);
        assert.equal((await busy.readResponse()).status, 200);
      }
      assert.deepEqual(await spins(busy), before);
      await idle.close();
      await busy.close();
    } finally {
      await daemon.stop();
    }
  });
});

describe('idle timeout', () => {
  test('a quiet keep-alive connection is closed after the idle timeout', async () => {
    const daemon = await startDaemon({ args: ['--idle-timeout-ms', '400'] });
    try {
      const connection = await connectUnix(daemon.socketPath);
      connection.send('GET /v1/staking/status HTTP/1.1\r\nHost: localhost\r\n\r\n');
      assert.equal((await connection.readResponse()).status, 200);
      const answeredAt = Date.now();
      const closedAt = await connection.closed;
      assert.ok(closedAt - answeredAt >= 300 && closedAt - answeredAt < 3000, `closed after ${closedAt - answeredAt} ms`);
    } finally {
      await daemon.stop();
    }
  });
});

describe('admin routes without loopback trust', () => {
  let daemon;
  before(async () => {
    daemon = await startDaemon({ args: ['--no-loopback-admin'], env: { CRYFTEE_ADMIN_TOKEN: ADMIN_TOKEN } });
  });
  after(() => daemon.stop());

  const kioskHeader = { 'x-cryftee-kiosk': '1' };

  test('reload without a token is refused with 401, on the socket and on the kiosk', async () => {
    const overSocket = await daemon.request('POST', '/v1/admin/reload-modules', {});
    assert.equal(overSocket.status, 401);
    assert.equal(overSocket.json.error, 'unauthorized');
    const overKiosk = await daemon.kiosk('POST', '/v1/admin/reload-modules', {}, { headers: kioskHeader });
    assert.equal(overKiosk.status, 401);
  });

  test('a wrong token is refused with 403 and the right one is accepted', async () => {
    const wrong = await daemon.kiosk('POST', '/v1/admin/reload-modules', {}, { headers: { ...kioskHeader, authorization: 'Bearer not-the-admin-token-at-all' } });
    assert.equal(wrong.status, 403);
    const right = await daemon.kiosk('POST', '/v1/admin/reload-modules', {}, { headers: { ...kioskHeader, authorization: `Bearer ${ADMIN_TOKEN}` } });
    assert.notEqual(right.status, 401);
    assert.notEqual(right.status, 403);
    assert.doesNotMatch(daemon.output, new RegExp(ADMIN_TOKEN));
  });

  test('a cross-origin browser request with the token is refused', async () => {
    const response = await daemon.kiosk('POST', '/v1/admin/reload-modules', {},
      { headers: { ...kioskHeader, authorization: `Bearer ${ADMIN_TOKEN}`, origin: 'http://evil.example' } });
    assert.equal(response.status, 403);
  });
});

describe('https', () => {
  let daemon;
  let pki;
  before(async () => {
    pki = makeTlsFiles(path.join(tempDir('cryftee-pki-'), 'pki'));
    daemon = await startDaemon({
      transport: 'https',
      args: ['--tls-cert', pki.certFile, '--tls-key', pki.keyFile, '--tls-client-ca', pki.caFile, '--no-loopback-admin',
        '--ui-dir', kioskDir()],
      env: { CRYFTEE_ADMIN_TOKEN: ADMIN_TOKEN },
    });
  });
  after(() => daemon.stop());

  const request = (method, route, body, options = {}) =>
    tcpRequest(daemon.port, method, route, body, { tls: true, ca: pki.ca, servername: 'localhost', agent: false, ...options });
  const signRequest = { keyHandle: 'no-such-key', message: Buffer.from('hello').toString('base64') };

  test('read-only routes answer over TLS 1.2 and newer, with the certificate verified by the client', async () => {
    assert.equal((await request('GET', '/v1/staking/status')).status, 200);
    assert.equal((await request('GET', '/v1/staking/status', undefined, { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' })).status, 200);
    assert.equal((await request('GET', '/v1/staking/status', undefined, { minVersion: 'TLSv1.3' })).status, 200);
  });

  test('the kiosk page is served on the https listener too', async () => {
    const response = await request('GET', '/');
    assert.equal(response.status, 200);
    assert.match(response.headers['content-security-policy'], /frame-ancestors 'none'/);
  });

  test('staking routes without a client certificate or token are refused with 401', async () => {
    const response = await request('POST', '/v1/staking/bls/sign', signRequest);
    assert.equal(response.status, 401);
    assert.equal(response.json.error, 'unauthorized');
  });

  test('a client certificate from the configured CA opens staking routes', async () => {
    const response = await request('POST', '/v1/staking/bls/sign', signRequest, pki.client);
    assert.ok(![401, 403].includes(response.status), `status ${response.status}: ${response.text}`);
  });

  test('a client certificate from another CA is rejected during the handshake', async () => {
    await assert.rejects(request('POST', '/v1/staking/bls/sign', signRequest, pki.stranger));
    assert.equal((await request('GET', '/v1/staking/status')).status, 200);
  });

  test('the bearer token opens staking routes; a wrong one is refused with 403', async () => {
    const right = await request('POST', '/v1/staking/bls/sign', signRequest, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    assert.ok(![401, 403].includes(right.status), `status ${right.status}: ${right.text}`);
    const wrong = await request('POST', '/v1/staking/bls/sign', signRequest, { headers: { authorization: 'Bearer wrong-token-wrong-token' } });
    assert.equal(wrong.status, 403);
  });

  test('keep-alive works over TLS', async () => {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    let connections = 0;
    const createConnection = agent.createConnection.bind(agent);
    agent.createConnection = (...args) => { connections += 1; return createConnection(...args); };
    for (let i = 0; i < 3; i++) {
      const response = await tcpRequest(daemon.port, 'GET', '/v1/staking/status', undefined,
        { tls: true, agent, ca: pki.ca, servername: 'localhost' });
      assert.equal(response.status, 200);
    }
    assert.equal(connections, 1);
    agent.destroy();
  });
});

describe('socket lifecycle', () => {
  test('SIGTERM drains, removes the socket and exits 0', async () => {
    const daemon = await startDaemon();
    assert.ok(fs.existsSync(daemon.socketPath));
    const { code, signal } = await daemon.stop('SIGTERM');
    assert.equal(signal, null);
    assert.equal(code, 0, daemon.output);
    assert.equal(fs.existsSync(daemon.socketPath), false);
  });

  test('SIGINT (how cryftgo stops it) does the same', async () => {
    const daemon = await startDaemon();
    const { code } = await daemon.stop('SIGINT');
    assert.equal(code, 0, daemon.output);
    assert.equal(fs.existsSync(daemon.socketPath), false);
  });

  test('a stale socket nobody answers on is replaced', async () => {
    const dir = tempDir();
    const socketPath = path.join(dir, 'run', 'cryftee.sock');
    fs.mkdirSync(path.dirname(socketPath), { mode: 0o750 });
    // A process that listens and is killed leaves its socket file behind.
    const holder = spawn(process.execPath, ['-e',
      `require('net').createServer().listen(${JSON.stringify(socketPath)}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((resolve) => holder.stdout.once('data', resolve));
    holder.kill('SIGKILL');
    await new Promise((resolve) => holder.once('exit', resolve));
    assert.ok(fs.statSync(socketPath).isSocket());

    const daemon = await startDaemon({ args: ['--uds-path', socketPath], waitReady: false });
    try {
      assert.equal((await statusWhenReady(socketPath)).status, 200);
      assert.equal(fs.statSync(socketPath).mode & 0o777, 0o660);
    } finally {
      await daemon.stop();
    }
  });

  test('a second daemon refuses to take over the socket of a live one', async () => {
    const first = await startDaemon();
    try {
      const second = await startDaemon({ args: ['--uds-path', first.socketPath], waitReady: false });
      const { code } = await second.exited;
      assert.notEqual(code, 0);
      assert.match(second.output, /answers on this socket/);
      assert.equal((await first.request('GET', '/v1/staking/status')).status, 200);
    } finally {
      await first.stop();
    }
  });

  test('a path that is not a socket is never removed', async () => {
    const dir = tempDir();
    const socketPath = path.join(dir, 'cryftee.sock');
    fs.chmodSync(dir, 0o750);
    fs.writeFileSync(socketPath, 'precious');
    const daemon = await startDaemon({ args: ['--uds-path', socketPath], waitReady: false });
    const { code } = await daemon.exited;
    assert.notEqual(code, 0);
    assert.match(daemon.output, /not a socket/);
    assert.equal(fs.readFileSync(socketPath, 'utf8'), 'precious');
  });

  test('a socket directory writable by others is refused with one clear line', async () => {
    const dir = tempDir();
    const open = path.join(dir, 'open');
    fs.mkdirSync(open);
    fs.chmodSync(open, 0o777);
    const daemon = await startDaemon({ args: ['--uds-path', path.join(open, 'cryftee.sock')], waitReady: false });
    const { code } = await daemon.exited;
    assert.notEqual(code, 0);
    assert.match(daemon.output, /writable by group or others/);
    assert.equal(fs.existsSync(path.join(open, 'cryftee.sock')), false);
  });

  test('peers outside the uid allow-list are refused and logged; allowed peers are served', async () => {
    const me = process.getuid();
    const refused = await startDaemon({ args: ['--allowed-peer-uids', String(me + 4242)], waitReady: false });
    try {
      const deadline = Date.now() + 15000;
      while (!fs.existsSync(refused.socketPath) && Date.now() < deadline) await sleep(50);
      await assert.rejects(udsRequest(refused.socketPath, 'GET', '/v1/staking/status'));
      await sleep(50);
      assert.match(refused.output, /connection_refused/);
      assert.match(refused.output, new RegExp(`uid=${me}`));
    } finally {
      await refused.stop();
    }
    const allowed = await startDaemon({ args: ['--allowed-peer-uids', String(me)] });
    assert.equal((await allowed.request('GET', '/v1/staking/status')).status, 200);
    await allowed.stop();
  });
});
