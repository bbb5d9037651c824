// Builds DOM from data without ever parsing data as HTML: every value the daemon sends is shown as text.

// el('div', {class: 'x', onclick: fn}, child, 'text', [more]) -> HTMLElement
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else if (child instanceof Node) node.appendChild(child);
    else node.appendChild(document.createTextNode(String(child)));
  }
}

export function replaceChildren(node, ...children) {
  node.replaceChildren();
  append(node, children);
}

// A badge that says yes/no in words as well as colour.
export function verdict(label, ok, { okText = 'yes', badText = 'no' } = {}) {
  const known = typeof ok === 'boolean';
  const state = !known ? 'unknown' : ok ? 'ok' : 'bad';
  return el('span', { class: `badge badge-${state}`, dataset: { verdict: label, state } },
    `${label}: ${!known ? 'unknown' : ok ? okText : badText}`);
}

export function emptyState(title, detail) {
  return el('div', { class: 'empty-state' }, el('p', { class: 'empty-title' }, title), detail && el('p', {}, detail));
}

export function errorState(title, detail) {
  return el('div', { class: 'error-state', role: 'alert' }, el('p', { class: 'empty-title' }, title), detail && el('p', {}, detail));
}

// A definition list from [label, value] pairs; value may be a node or text.
export function facts(pairs, attributes = {}) {
  return el('dl', { class: 'facts', ...attributes },
    pairs.filter(Boolean).map(([label, value, key]) => [
      el('dt', {}, label),
      el('dd', key ? { dataset: { field: key } } : {}, value === undefined || value === null || value === '' ? '—' : value),
    ]));
}

export function copyButton(text, label) {
  const button = el('button', { type: 'button', class: 'button button-small copy', 'aria-label': `Copy ${label}` }, 'Copy');
  button.addEventListener('click', async () => {
    const done = await copyText(text);
    button.textContent = done ? 'Copied' : 'Select and copy';
    setTimeout(() => { button.textContent = 'Copy'; }, 1500);
  });
  return button;
}

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
