import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../client/package-version.ts';

/**
 * The web app's sources and its build output (git-ignored), found from the package root because
 * this module also runs compiled into dist/.
 */
export const WEB_DIR = join(packageRoot(), 'dashboard', 'web');
export const DIST_DIR = join(WEB_DIR, 'dist');
const SHARED_DIR = join(packageRoot(), 'dashboard', 'shared');

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, entry) => Math.max(newest, newestMtime(join(path, entry))), stat.mtimeMs);
}

/** True when there is no build, or a source changed after it was made. */
export function webBuildStale(): boolean {
  const index = join(DIST_DIR, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  const sources = [join(WEB_DIR, 'src'), join(WEB_DIR, 'index.html'), join(WEB_DIR, 'vite.config.ts'), SHARED_DIR];
  return sources.some((source) => newestMtime(source) > built);
}

const STAGING_PREFIX = '.dist-';
const ABANDONED_AFTER_MS = 10 * 60_000;

/** A build killed half-way leaves its staging directory behind; an old one is nobody's. */
function removeAbandonedStaging(): void {
  for (const entry of readdirSync(WEB_DIR)) {
    if (!entry.startsWith(STAGING_PREFIX)) continue;
    const path = join(WEB_DIR, entry);
    if (Date.now() - statSync(path).mtimeMs > ABANDONED_AFTER_MS) rmSync(path, { recursive: true, force: true });
  }
}

/**
 * Builds the web app with vite. The output goes to a fresh directory renamed into place at the
 * end, so a server never serves half a build and two builds at once do not mix their files.
 */
export async function buildWeb(): Promise<string> {
  removeAbandonedStaging();
  const { build } = await import('vite');
  const config = (await import('./web/vite.config.ts')).default;
  const staging = join(WEB_DIR, `${STAGING_PREFIX}${process.pid}-${Date.now()}`);
  try {
    // The config's own root is relative to where it runs from, which compiled is dist/chunks/.
    await build({ ...config, root: WEB_DIR, configFile: false, build: { ...config.build, outDir: staging } });
    rmSync(DIST_DIR, { recursive: true, force: true });
    try {
      renameSync(staging, DIST_DIR);
    } catch (err) {
      // Another build finished first; its output is as good as ours.
      const code = (err as { code?: unknown }).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return DIST_DIR;
}

/** The build directory, built first when missing or older than its sources. */
export async function ensureWebBuilt(say: (line: string) => void): Promise<string> {
  if (!webBuildStale()) return DIST_DIR;
  say('building the web app (first start, or its sources changed)…');
  const started = Date.now();
  await buildWeb();
  say(`web app built in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return DIST_DIR;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = Date.now();
  await buildWeb();
  process.stdout.write(`dashboard web app built into ${DIST_DIR} in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
}
