// Wires the kiosk together: hash navigation, polling, the views and the reload action.
import { renderAttestation } from './views/attestation.js';
import { leaveModulePage, renderModulePage } from './views/module_page.js';
import { renderModules } from './views/modules.js';
import { renderOverview } from './views/overview.js';
import { renderSchema } from './views/schema.js';
import { setupReload } from './reload.js';
import { refresh, startPolling, state, subscribe } from './store.js';

const $ = (id) => document.getElementById(id);
const kViews = ['overview', 'modules', 'module', 'attestation', 'schema'];

const moduleControls = { filter: $('module-filter'), state: $('module-state'), sort: $('module-sort') };

function currentRoute() {
  const hash = decodeURIComponent(location.hash.replace(/^#/, ''));
  if (hash.startsWith('module/')) return { view: 'module', moduleId: hash.slice('module/'.length) };
  return { view: kViews.includes(hash) ? hash : 'overview' };
}

let route = currentRoute();

function renderLive() {
  if (route.view === 'overview') renderOverview($('overview-content'), state);
  if (route.view === 'modules') renderModules($('modules-content'), $('registry-problems'), $('modules-count'), state, moduleControls);
  if (route.view === 'module') renderModulePage($('module-content'), $('module-title'), state, route.moduleId);
}

function renderConnection() {
  const pill = $('connection-pill');
  const banner = $('banner');
  const w3sDown = state.status?.web3Signer?.reachable === false || state.status?.web3signer_connected === false;
  if (state.reachable === false) {
    pill.className = 'pill pill-bad';
    pill.textContent = 'Daemon unreachable';
    banner.hidden = false;
    banner.dataset.kind = 'unreachable';
    banner.textContent = state.updatedAt
      ? `The daemon does not answer (it may be restarting). Showing what it said at ${state.updatedAt.toLocaleTimeString()}; retrying.`
      : 'The daemon does not answer. Retrying every few seconds.';
  } else if (state.reachable) {
    pill.className = 'pill pill-ok';
    pill.textContent = 'Live';
    const configured = state.status?.web3Signer?.enabled ?? Boolean(state.status?.web3signer_url);
    banner.hidden = !(configured && w3sDown);
    banner.dataset.kind = 'web3signer';
    banner.textContent = 'Web3Signer is down: keys held there cannot sign until it is reachable again.';
  }
  document.body.classList.toggle('stale', state.reachable === false);
  $('last-updated').textContent = state.updatedAt ? `Updated ${state.updatedAt.toLocaleTimeString()}` : 'Not updated yet';
}

function showView() {
  const previous = route;
  route = currentRoute();
  if (previous.view === 'module' && (route.view !== 'module' || route.moduleId !== previous.moduleId)) {
    leaveModulePage();
    $('module-content').replaceChildren();
  }
  for (const section of document.querySelectorAll('.view')) section.hidden = section.dataset.view !== route.view;
  for (const link of document.querySelectorAll('.tabs a')) {
    const active = link.dataset.view === route.view || (route.view === 'module' && link.dataset.view === 'modules');
    if (active) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `Cryftee kiosk — ${route.view === 'module' ? route.moduleId : route.view}`;
  if (route.view === 'attestation') renderAttestation($('attestation-content'));
  if (route.view === 'schema') renderSchema($('schema-content'));
  renderLive();
}

subscribe(() => {
  renderConnection();
  renderLive();
});

for (const control of Object.values(moduleControls)) control.addEventListener('input', renderLive);
$('module-controls').addEventListener('submit', (event) => event.preventDefault());
$('attestation-refresh').addEventListener('click', () => renderAttestation($('attestation-content')));

window.addEventListener('hashchange', () => {
  showView();
  $('main').focus({ preventScroll: true });
});

setupReload({
  button: $('reload-button'),
  statusBox: $('reload-status'),
  dialog: $('token-dialog'),
  onDone: async () => {
    await refresh();
    if (route.view === 'attestation') renderAttestation($('attestation-content'));
    if (route.view === 'schema') renderSchema($('schema-content'));
  },
});

showView();
startPolling();
