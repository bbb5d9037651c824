// Modules: every manifest entry with its verdicts and reasons, filtered and sorted on the page.
import { el, emptyState, errorState, replaceChildren } from '../dom.js';
import { moduleCard, moduleState } from './module_card.js';

const stateOrder = { loaded: 0, 'not-loaded': 1, incompatible: 2, untrusted: 3 };

function matchesText(module, text) {
  if (!text) return true;
  const haystack = [module.id, module.version, module.description, module.reason,
    module.publisherId, module.publisher_id, module.hash, ...(module.capabilities ?? [])]
    .filter((v) => typeof v === 'string').join(' ').toLowerCase();
  return text.toLowerCase().split(/\s+/).every((word) => haystack.includes(word));
}

function matchesState(module, wanted) {
  if (wanted === 'all') return true;
  if (wanted === 'not-loaded') return !module.loaded;
  return moduleState(module) === wanted;
}

const sorters = {
  id: (a, b) => String(a.id).localeCompare(String(b.id)),
  state: (a, b) => stateOrder[moduleState(a)] - stateOrder[moduleState(b)] || sorters.id(a, b),
  version: (a, b) => String(a.version).localeCompare(String(b.version), undefined, { numeric: true }) || sorters.id(a, b),
  publisher: (a, b) => String(a.publisherId ?? a.publisher_id ?? '').localeCompare(String(b.publisherId ?? b.publisher_id ?? '')) || sorters.id(a, b),
};

export function renderModules(container, problemsBox, countBox, state, controls) {
  const problems = Array.isArray(state.status?.problems) ? state.status.problems : [];
  replaceChildren(problemsBox, problems.length > 0 &&
    errorState('Registry problems', el('ul', {}, problems.map((p) => el('li', {}, String(p))))));
  if (!state.status) {
    replaceChildren(countBox);
    replaceChildren(container, state.errors.status
      ? errorState('Modules cannot be listed', state.errors.status.message)
      : el('p', { class: 'muted' }, 'Loading…'));
    return;
  }
  const all = Array.isArray(state.status.modules) ? state.status.modules : [];
  if (all.length === 0) {
    replaceChildren(countBox);
    replaceChildren(container, emptyState('No modules in the manifest',
      'Add module entries to manifest.json in the module directory, then use “Reload modules”.'));
    return;
  }
  const shown = all
    .filter((m) => matchesText(m, controls.filter.value.trim()) && matchesState(m, controls.state.value))
    .sort(sorters[controls.sort.value] ?? sorters.id);
  replaceChildren(countBox, `Showing ${shown.length} of ${all.length} modules`);
  const guis = guiIndex(state.guis);
  replaceChildren(container, shown.length
    ? shown.map((m) => moduleCard(m, { gui: guis.get(m.id) }))
    : emptyState('No module matches the filter'));
}

export function guiIndex(guis) {
  const index = new Map();
  for (const gui of Array.isArray(guis?.modules) ? guis.modules : []) index.set(gui.id, gui);
  return index;
}
