// Overview: runtime version, transport, uptime, engine and Web3Signer health, module counts.
import { el, errorState, facts, replaceChildren, verdict } from '../dom.js';
import { duration, list, pick, time, yesNo } from '../format.js';

function card(title, key, ...body) {
  return el('article', { class: 'card', dataset: { card: key } }, el('h2', {}, title), ...body);
}

// runtime/self reports pins as counts, and the missing ones by id.
function pins(value) {
  return Array.isArray(value) ? list(value) ?? 'none' : value;
}

function runtimeCard(status, self) {
  const uptime = pick(status, 'uptimeSeconds', 'uptime_seconds') ?? pick(self, 'uptimeSeconds', 'uptime_seconds');
  return card('Runtime', 'runtime',
    el('div', { class: 'verdicts' }, verdict('healthy', self?.healthy), verdict('ready', status?.ready)),
    facts([
      ['Version', pick(status, 'cryfteeVersion', 'cryftee_version'), 'version'],
      ['ABI version', pick(status, 'abiVersion'), 'abiVersion'],
      ['Started', time(pick(status, 'startedAt')), 'startedAt'],
      ['Uptime', duration(uptime), 'uptime'],
      ['Registry epoch', self?.epoch, 'epoch'],
      ['Pinned modules', pins(self?.pinSummary?.pinned), 'pinned'],
      ['Missing pins', pins(self?.pinSummary?.missingModules ?? self?.pinSummary?.missing), 'missing'],
    ]));
}

function transportCard(connection, status) {
  return card('Transport', 'transport',
    el('div', { class: 'verdicts' }, verdict('cryftgo connected', connection?.connected),
      verdict('signer ready', connection?.signer_ready)),
    facts([
      ['Transport', connection?.transport ?? status?.transport, 'transport'],
      ['Endpoint', connection?.endpoint, 'endpoint'],
      ['Last seen', time(connection?.last_seen), 'last_seen'],
      ['Latency', typeof connection?.latency_ms === 'number' ? `${connection.latency_ms} ms` : undefined, 'latency_ms'],
      ['cryftgo version', connection?.cryftgo_version, 'cryftgo_version'],
      ['cryftgo node', connection?.cryftgo_node_id, 'cryftgo_node_id'],
      ['Requests', connection?.request_count, 'request_count'],
      ['Errors', connection?.error_count, 'error_count'],
      ['Last error', connection?.last_error, 'last_error'],
    ]));
}

function engineCard(status) {
  const runtime = status?.wasmRuntime ?? {};
  const extra = Object.entries(runtime).filter(([name, value]) => name !== 'healthy' && typeof value !== 'object');
  return card('WebAssembly engine', 'engine',
    el('div', { class: 'verdicts' }, verdict('healthy', runtime.healthy)),
    facts(extra.map(([name, value]) => [name, typeof value === 'boolean' ? yesNo(value) : String(value), name])));
}

function web3SignerCard(status) {
  const w3s = status?.web3Signer ?? {};
  const url = pick(status, 'web3signer_url');
  const configured = w3s.enabled ?? Boolean(url);
  const reachable = pick(w3s, 'reachable') ?? pick(status, 'web3signer_connected');
  const body = configured
    ? [el('div', { class: 'verdicts' }, verdict('reachable', reachable)),
      reachable === false && errorState('Web3Signer is down', w3s.lastError || 'The daemon cannot reach it; keys it holds cannot sign until it is back.')]
    : [el('p', { class: 'muted' }, 'Not configured: keys are held in the daemon\'s memory.')];
  return card('Web3Signer', 'web3signer', ...body,
    facts([
      ['URL', url, 'web3signer_url'],
      ['Last error', w3s.lastError, 'lastError'],
    ]));
}

function modulesCard(status) {
  const modules = Array.isArray(status?.modules) ? status.modules : [];
  const loaded = modules.filter((m) => m.loaded).length;
  const failing = modules.filter((m) => !m.loaded);
  return card('Modules', 'modules',
    el('p', { class: 'big-number' }, el('span', { dataset: { field: 'loaded-count' } }, loaded), ` of ${modules.length} loaded`),
    failing.length > 0 && el('ul', { class: 'problem-list' },
      failing.map((m) => el('li', {}, el('a', { href: `#module/${encodeURIComponent(m.id)}` }, m.id ?? '(no id)'), ': ', m.reason || 'not loaded'))),
    facts([
      ['Module version', pick(status, 'module_version'), 'module_version'],
      ['Capabilities', list(status?.capabilities), 'capabilities'],
      ['BLS keys', Array.isArray(status?.bls_pubkeys) ? status.bls_pubkeys.length : undefined, 'bls_pubkeys'],
      ['TLS keys', Array.isArray(status?.tls_pubkeys) ? status.tls_pubkeys.length : undefined, 'tls_pubkeys'],
    ]));
}

export function renderOverview(container, state) {
  if (!state.status && !state.self && !state.connection) {
    const error = state.errors.status ?? state.errors.self;
    replaceChildren(container, error
      ? errorState('The daemon cannot be reached', `${error.message}. The page keeps trying every few seconds.`)
      : el('p', { class: 'muted' }, 'Loading…'));
    return;
  }
  replaceChildren(container,
    runtimeCard(state.status, state.self),
    transportCard(state.connection, state.status),
    engineCard(state.status),
    web3SignerCard(state.status),
    modulesCard(state.status));
}
