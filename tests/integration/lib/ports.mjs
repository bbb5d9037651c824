// Free loopback ports for the daemons and servers a test starts. A port is chosen at random below the
// kernel's ephemeral range, not by binding port 0: a port the kernel hands out for port 0 comes from that
// range, which is also where every outgoing connection of every test running in parallel takes its local
// port, so one could take it between the choosing and the daemon's bind ("Address already in use").
import fs from 'node:fs';
import net from 'node:net';

const kLowestPort = 10000;

// The first port of the kernel's ephemeral range (net.ipv4.ip_local_port_range), 32768 if unreadable.
function ephemeralRangeStart() {
  try {
    const first = parseInt(fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0], 10);
    return Number.isInteger(first) ? first : 32768;
  } catch {
    return 32768;
  }
}

function bindable(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function kernelChosenPort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function allBindable(port, width) {
  if (port + width - 1 > 65535) return false;
  for (let offset = 0; offset < width; offset++) if (!(await bindable(port + offset))) return false;
  return true;
}

// `width` consecutive ports (P .. P + width - 1) all free on 127.0.0.1 at this moment; resolves to P.
export async function freePorts(width = 1) {
  const end = ephemeralRangeStart() - width;
  for (let attempt = 0; attempt < 100; attempt++) {
    // A kernel whose ephemeral range starts too low leaves only its own choice.
    const port = end > kLowestPort ? kLowestPort + Math.floor(Math.random() * (end - kLowestPort)) : await kernelChosenPort();
    if (await allBindable(port, width)) return port;
  }
  throw new Error(`no ${width} free consecutive loopback port(s)`);
}

export function freePort() {
  return freePorts(1);
}
