// One module's page: its facts and, when its signed gui/ files verified, its own web page in a sandboxed
// iframe. The iframe has an opaque origin (no allow-same-origin), so it cannot touch this page or call
// the daemon as this page; it may only ask through postMessage, and only about its own module.
import { el, emptyState, errorState, replaceChildren } from '../dom.js';
import { guiIndex } from './modules.js';
import { moduleCard } from './module_card.js';

export const kBridgeProtocol = 'cryftee.gui.v1';
const kMinFrameHeight = 200;
const kMaxFrameHeight = 4000;

let frame;          // the iframe currently shown, kept across polls so the module page is not restarted
let frameModuleId;
let latestState;

function publicStatus(module) {
  return {
    id: module.id,
    version: module.version,
    trusted: module.trusted,
    compatible: module.compatible,
    loaded: module.loaded,
    reason: module.reason ?? '',
    capabilities: Array.isArray(module.capabilities) ? module.capabilities : [],
  };
}

// Requests the module page may send: {protocol, id, method: 'module.status' | 'frame.resize', height?}.
function answer(request) {
  const module = (latestState?.status?.modules ?? []).find((m) => m.id === frameModuleId);
  switch (request.method) {
    case 'module.status':
      if (!module) return { error: 'module_gone', message: 'the module is no longer in the registry' };
      return { result: publicStatus(module) };
    case 'frame.resize': {
      const height = Number(request.height);
      if (!Number.isFinite(height)) return { error: 'bad_request', message: 'height must be a number' };
      frame.style.height = `${Math.min(kMaxFrameHeight, Math.max(kMinFrameHeight, Math.round(height)))}px`;
      return { result: { height: frame.style.height } };
    }
    default:
      return { error: 'unknown_method', message: 'allowed methods: module.status, frame.resize' };
  }
}

function onMessage(event) {
  if (!frame || event.source !== frame.contentWindow) return;  // only the frame we created
  if (event.origin !== 'null') return;                          // and only while it is sandboxed
  const request = event.data;
  if (!request || typeof request !== 'object' || request.protocol !== kBridgeProtocol ||
      typeof request.method !== 'string' || !(typeof request.id === 'string' || typeof request.id === 'number')) {
    return;
  }
  const reply = { protocol: kBridgeProtocol, id: request.id, ...answer(request) };
  // An opaque origin cannot be named as a target; the reply only goes to the frame's own window.
  event.source.postMessage(reply, '*');
}

window.addEventListener('message', onMessage);

function guiFrame(gui) {
  if (frame && frameModuleId === gui.id) return frame;
  frameModuleId = gui.id;
  frame = el('iframe', {
    class: 'module-frame',
    title: `${gui.id} module page`,
    sandbox: 'allow-scripts',
    referrerpolicy: 'no-referrer',
    loading: 'lazy',
    src: `/modules/${encodeURIComponent(gui.id)}/gui/${gui.entry.split('/').map(encodeURIComponent).join('/')}`,
  });
  return frame;
}

export function renderModulePage(container, titleBox, state, moduleId) {
  latestState = state;
  titleBox.textContent = moduleId;
  if (!state.status) {
    replaceChildren(container, state.errors.status
      ? errorState('The module cannot be shown', state.errors.status.message)
      : el('p', { class: 'muted' }, 'Loading…'));
    return;
  }
  const module = (state.status.modules ?? []).find((m) => m.id === moduleId);
  if (!module) {
    frame = undefined;
    replaceChildren(container, emptyState(`No module “${moduleId}”`, 'It is not in the current manifest.'));
    return;
  }
  const gui = guiIndex(state.guis).get(moduleId);
  let guiSection;
  if (!gui) guiSection = el('p', { class: 'muted' }, 'This module ships no web page.');
  else if (!gui.verified) guiSection = errorState('The module\'s web page is not shown', gui.reason || 'its files do not match the signed manifest entry');
  else guiSection = guiFrame(gui);
  if (!gui || !gui.verified) frame = undefined;
  const details = container.querySelector(':scope > .module-details') ?? el('div', { class: 'module-details' });
  const guiBox = container.querySelector(':scope > .module-gui') ?? el('section', { class: 'module-gui', 'aria-label': 'Module web page' });
  replaceChildren(details, moduleCard(module, { gui, linkTitle: false }));
  if (guiBox.lastChild !== guiSection) {
    replaceChildren(guiBox, el('h2', {}, 'Module web page'), guiSection);
  }
  if (details.parentNode !== container || guiBox.parentNode !== container) replaceChildren(container, details, guiBox);
}

export function leaveModulePage() {
  frame = undefined;
  frameModuleId = undefined;
}
