// The docs name the code: every repository path a document quotes (`src/api/router.cpp`,
// `api/error_response.cpp`, `transport/session.h`, `tests/vectors/`) must exist, so a file that moves or
// goes takes its mentions with it. Paths outside the repository (an installed /usr/... path, another
// project's file, a placeholder such as NAME_engine.cpp) are not quoted as repository paths.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { SOURCE_DIR } from './lib/daemon.mjs';

const documents = ['README.md', ...fs.readdirSync(path.join(SOURCE_DIR, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => `docs/${name}`)];

// Folders a quoted path may start from: the repository's top-level folders, and src/'s (docs write
// `api/router.cpp` for `src/api/router.cpp`); a path is found at the root or below src/.
// Build folders and installed packages are made, not kept in the repository, so paths into them are not
// checked (they exist only after a build).
const madeFolders = new Set(['node_modules', '.deps', '.git']);
const topFolders = new Set(fs.readdirSync(SOURCE_DIR, { withFileTypes: true })
  .filter((e) => e.isDirectory() && !e.name.startsWith('build') && !madeFolders.has(e.name))
  .map((e) => e.name));
const srcFolders = new Set(fs.readdirSync(path.join(SOURCE_DIR, 'src'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name));

// `src/custody/web3signer_custody.{h,cpp}` names two files.
function expandBraces(text) {
  const group = text.match(/\{([^}]+)\}/);
  return group ? group[1].split(',').flatMap((part) => expandBraces(text.replace(group[0], part))) : [text];
}

function quotedPaths(text) {
  const paths = [];
  for (const [, token] of text.matchAll(/`([^`\s]+)`/g)) {
    if (!/^[a-z0-9_.{},\/-]+$/.test(token) || !token.includes('/') || token.includes('//')) continue;
    const first = token.split('/')[0];
    if (first === 'src' || topFolders.has(first) || srcFolders.has(first)) paths.push(...expandBraces(token));
  }
  return paths;
}

test('every repository path quoted in README.md and docs/ exists', () => {
  const missing = [];
  let checked = 0;
  for (const document of documents) {
    for (const quoted of quotedPaths(fs.readFileSync(path.join(SOURCE_DIR, document), 'utf8'))) {
      checked += 1;
      const found = [quoted, `src/${quoted}`].some((candidate) => fs.existsSync(path.join(SOURCE_DIR, candidate)));
      if (!found) missing.push(`${document}: ${quoted}`);
    }
  }
  assert.ok(checked > 100, `only ${checked} quoted paths found: the pattern no longer matches the docs`);
  assert.deepEqual(missing, [], 'quoted paths that do not exist');
});
