// Readiness for systemd (Type=notify): the test stands in for the service manager's notify socket
// (NOTIFY_SOCKET, a Unix datagram socket) and checks that READY=1 arrives only once the API answers,
// with a one-line STATUS=, and that SIGTERM brings STOPPING=1 before a clean exit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { startDaemon, tempDir } from './lib/daemon.mjs';

// The stand-in socket; messages() yields each datagram's fields as they arrive.
async function notifySocket() {
  const socketPath = path.join(tempDir('cryftee-notify-'), 'notify.sock');
  const helper = spawn('python3', [path.join(import.meta.dirname, 'lib', 'notify_socket.py'), socketPath],
    { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: helper.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  assert.equal(first.value, 'bound');
  const received = [];
  return {
    socketPath,
    received,
    async next() {
      const { value, done } = await lines.next();
      if (done) throw new Error('the notify socket stand-in ended');
      const message = JSON.parse(value);
      received.push(message);
      return message;
    },
    close() { helper.stdin.end(); },
  };
}

test('READY=1 comes once the API answers; SIGTERM sends STOPPING=1 and the daemon exits cleanly', async () => {
  const notify = await notifySocket();
  const daemon = await startDaemon({ env: { NOTIFY_SOCKET: notify.socketPath }, waitReady: false });
  try {
    const ready = await notify.next();
    assert.equal(ready.state.READY, '1', ready.text);
    // At the moment systemd would start cryftgo, the API answers and the registry is loaded.
    const status = await daemon.request('GET', '/v1/staking/status');
    assert.equal(status.status, 200, status.text);
    const loaded = status.json.modules.filter((m) => m.loaded).length;
    assert.ok(loaded > 0, status.text);
    assert.match(ready.state.STATUS, new RegExp(`^serving: ${loaded}/${status.json.modules.length} modules loaded, registry epoch 1; API unix:`));
    assert.ok(ready.state.STATUS.includes(daemon.socketPath), ready.state.STATUS);

    // A reload updates the status line with the new epoch.
    const reload = await daemon.request('POST', '/v1/admin/reload-modules');
    assert.equal(reload.status, 200, reload.text);
    const after = await notify.next();
    assert.equal(after.state.READY, undefined);
    assert.match(after.state.STATUS, /registry epoch 2;/);

    daemon.child.kill('SIGTERM');
    const stopping = await notify.next();
    assert.equal(stopping.state.STOPPING, '1', stopping.text);
    const { code } = await daemon.exited;
    assert.equal(code, 0, daemon.output);
    assert.equal(notify.received.filter((m) => m.state.READY === '1').length, 1);
  } finally {
    await daemon.stop();
    notify.close();
  }
});

test('without NOTIFY_SOCKET the daemon starts and stops as before', async () => {
  const daemon = await startDaemon();
  const status = await daemon.request('GET', '/v1/staking/status');
  assert.equal(status.status, 200);
  assert.doesNotMatch(daemon.output, /service_notify_failed/);
  const { code } = await daemon.stop('SIGTERM');
  assert.equal(code, 0, daemon.output);
});
