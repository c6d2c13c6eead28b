import { readFileSync } from 'node:fs';

/** The version in package.json, which `kubectl ramp version` and the dashboard's settings show. */
export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
