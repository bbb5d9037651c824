// A real software TPM for integration tests: `swtpm socket --tpm2` on two free loopback ports (the TPM's,
// and one above it its control channel, as the swtpm TCTI expects) with its own fresh state directory,
// started up cleared, so every instance is a new TPM with new seeds. tool() runs tpm2-tools against it,
// independent of Cryftee's own TPM code. The same harness as tests/unit/swtpm_harness.h.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePorts } from './ports.mjs';

// The TCP ports a process listens on: its socket inodes matched against /proc/net/tcp.
function listeningPorts(pid) {
  const inodes = new Set();
  let fds = [];
  try { fds = fs.readdirSync(`/proc/${pid}/fd`); } catch { return new Set(); }
  for (const fd of fds) {
    try {
      const target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      const match = /^socket:\[(\d+)\]$/.exec(target);
      if (match) inodes.add(match[1]);
    } catch { /* closed meanwhile */ }
  }
  const ports = new Set();
  for (const line of fs.readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length > 9 && fields[3] === '0A' && inodes.has(fields[9])) {
      ports.add(parseInt(fields[1].split(':')[1], 16));
    }
  }
  return ports;
}

// Starts a fresh swtpm. Resolves to { tcti, port, stateDir, tool(program, args), pcrValue(index),
// extendPcr(index), stop() }.
export async function startSwtpm() {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cryftee-swtpm-'));
  // Another process may take the ports between choosing and binding them: then swtpm exits and the next
  // pair is tried.
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await freePorts(2);
    const child = spawn('swtpm', ['socket', '--tpm2',
      '--server', `type=tcp,port=${port},bindaddr=127.0.0.1`,
      '--ctrl', `type=tcp,port=${port + 1},bindaddr=127.0.0.1`,
      '--tpmstate', `dir=${stateDir}`, '--flags', 'not-need-init,startup-clear'],
    { stdio: ['ignore', 'ignore', 'pipe'] });
    let output = '';
    child.stderr.on('data', (d) => { output += d; });
    const exited = new Promise((resolve) => child.on('exit', () => resolve()));
    let listening = false;
    for (let poll = 0; poll < 3000 && child.exitCode === null && child.signalCode === null; poll++) {
      const ports = listeningPorts(child.pid);
      if (ports.has(port) && ports.has(port + 1)) { listening = true; break; }
      await new Promise((r) => setTimeout(r, 10));
    }
    if (!listening) {
      child.kill('SIGTERM');
      await exited;
      continue;
    }
    const tcti = `swtpm:host=127.0.0.1,port=${port}`;
    const swtpm = {
      tcti, port, stateDir,
      get output() { return output; },
      tool: (program, args) => execFileSync(program, ['-T', tcti, ...args], { encoding: 'utf8' }),
      // The SHA-256 value of a PCR as lower-case hex, read with tpm2_pcrread.
      pcrValue(index) {
        const text = swtpm.tool('tpm2_pcrread', [`sha256:${index}`]);
        const match = new RegExp(`^\\s*${index}\\s*:\\s*0x([0-9A-Fa-f]{64})\\s*$`, 'm').exec(text);
        if (!match) throw new Error(`no value for PCR ${index} in tpm2_pcrread output:\n${text}`);
        return match[1].toLowerCase();
      },
      extendPcr(index, digestHex) {
        swtpm.tool('tpm2_pcrextend', [`${index}:sha256=${digestHex}`]);
      },
      async stop() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
        fs.rmSync(stateDir, { recursive: true, force: true });
      },
    };
    return swtpm;
  }
  fs.rmSync(stateDir, { recursive: true, force: true });
  throw new Error('swtpm did not start on free loopback ports');
}
