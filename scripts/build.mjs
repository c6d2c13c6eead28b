#!/usr/bin/env node
// Compiles the controller, the CLI and the dashboard server into dist/ (git-ignored), which
// `node dist/controller.js`, bin/kubectl-ramp.mjs, the image and the tests run: no TypeScript is
// compiled at run time. Plain JavaScript so that it runs before anything is built (the image's
// build stage, the test runner). A build whose sources are unchanged is skipped (dist/.source-hash).
//   node scripts/build.mjs [--force] [--quiet]
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const DIST = join(root, 'dist');
const HASH_FILE = '.source-hash';

/** One output file per entry point; the code they share goes to chunks beside them. */
export const ENTRY_POINTS = {
  controller: 'controller/main.ts',
  cli: 'controller/cli/main.ts',
  dashboard: 'dashboard/server/start.ts',
};
/**
 * Dependencies compiled into dist/ with Ramp's code; every other package loads from node_modules
 * as it is. @kubernetes/client-node's entry point loads all its generated API classes and models
 * (most of the process's memory when it stays external); bundled, only what Ramp imports of it is
 * kept. Its own dependencies stay external.
 */
const BUNDLED_PACKAGES = ['@kubernetes/client-node'];

/** An esbuild plugin: bare imports are external unless they name one of `bundled` (or a path inside it). */
function externalExcept(bundled) {
  const isBundled = (path) => bundled.some((name) => path === name || path.startsWith(`${name}/`));
  return {
    name: 'external-except',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => (args.kind === 'entry-point' || isBundled(args.path) || /^node:/.test(args.path) ? undefined : { path: args.path, external: true }));
    },
  };
}

/** What the entry points can import: a change anywhere here makes a new build. */
const SOURCES = ['controller', 'client', 'dashboard/server', 'dashboard/shared', 'dashboard/build.ts', 'dashboard/web/vite.config.ts', 'package.json', 'tsconfig.json', 'scripts/build.mjs'];

function filesUnder(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).sort().flatMap((entry) => filesUnder(join(path, entry)));
}

/** The hash of every source file's path and content. */
export function sourceHash() {
  const hash = createHash('sha256');
  for (const file of SOURCES.flatMap((s) => filesUnder(join(root, s)))) {
    hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

/** True when dist/ was built from the sources as they are now. */
export function buildCurrent(hash = sourceHash()) {
  try {
    return readFileSync(join(DIST, HASH_FILE), 'utf8') === hash;
  } catch {
    return false;
  }
}

/**
 * Builds into a fresh directory renamed into place at the end, so a process starting meanwhile
 * never loads half a build, and two builds at once (tests, bench, demo) do not mix their files.
 * Resolves to whether a build ran.
 */
export async function build({ force = false } = {}) {
  const hash = sourceHash();
  if (!force && buildCurrent(hash)) return false;
  const { build: esbuild } = await import('esbuild');
  const staging = join(root, `.dist-${process.pid}-${Date.now()}`);
  try {
    await esbuild({
      absWorkingDir: root,
      entryPoints: ENTRY_POINTS,
      outdir: staging,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      plugins: [externalExcept(BUNDLED_PACKAGES)],
      sourcemap: 'linked',
      chunkNames: 'chunks/[name]-[hash]',
      logLevel: 'warning',
    });
    writeFileSync(join(staging, HASH_FILE), hash);
    rmSync(DIST, { recursive: true, force: true });
    try {
      renameSync(staging, DIST);
    } catch (err) {
      // Another build of the same sources finished first; its output is as good as ours.
      if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const started = Date.now();
  try {
    const built = await build({ force: args.includes('--force') });
    if (!args.includes('--quiet')) {
      process.stderr.write(built ? `built dist/ in ${Date.now() - started} ms\n` : 'dist/ is up to date\n');
    }
  } catch (err) {
    process.stderr.write(`build failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
