// Compiles the TypeScript sources to dist/ with SWC: about a second for the whole tree,
// so `npm start` needs no separate build step. Type-checking is `npm run typecheck`.
// Path aliases (@foule/*) are rewritten to relative requires by SWC from tsconfig's paths.
import { transformFile } from '@swc/core';
import { readFileSync } from 'node:fs';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'dist');
const sourceDirs = ['apps', 'libs', 'scripts', 'bench'];
const tsconfig = JSON.parse(readFileSync(path.join(root, 'tsconfig.json'), 'utf8'));
const swcrc = JSON.parse(readFileSync(path.join(root, '.swcrc'), 'utf8'));
delete swcrc.$schema;

const isSource = (file) =>
  file.endsWith('.ts') && !file.endsWith('.d.ts') && !file.endsWith('.spec.ts') && !file.endsWith('.e2e-spec.ts');

async function* walk(dir) {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || entry.name === '__tests__') continue;
      yield* walk(full);
    } else if (isSource(entry.name)) {
      yield full;
    }
  }
}

async function compile(file) {
  const relative = path.relative(root, file);
  const target = path.join(outDir, relative.replace(/\.ts$/, '.js'));
  const [source, built] = await Promise.all([stat(file), stat(target).catch(() => null)]);
  if (built && built.mtimeMs >= source.mtimeMs) return false;
  const output = await transformFile(file, {
    ...swcrc,
    swcrc: false,
    filename: file,
    sourceMaps: true,
    sourceFileName: path.relative(path.dirname(target), file),
    jsc: { ...swcrc.jsc, baseUrl: root, paths: tsconfig.compilerOptions.paths },
  });
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, `${output.code}\n//# sourceMappingURL=${path.basename(target)}.map\n`);
  await writeFile(`${target}.map`, output.map);
  return true;
}

const started = Date.now();
const files = [];
for (const dir of sourceDirs) for await (const file of walk(path.join(root, dir))) files.push(file);
const results = await Promise.all(files.map(compile));
const compiled = results.filter(Boolean).length;
if (compiled > 0) console.error(`built ${compiled} of ${files.length} files in ${Date.now() - started} ms`);
