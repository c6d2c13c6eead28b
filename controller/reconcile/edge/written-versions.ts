/**
 * The resourceVersion of each Rollout as of our own last write, kept only until the informer
 * cache has caught up with it. A pass that ran on an older cached copy would act on a status it
 * has already replaced (creating an AnalysisRun twice, say) before its own status patch hit the
 * 409; such a pass waits instead. Entries go as soon as the cache catches up, and losing them
 * on a restart loses nothing: a fresh process has no stale cache to guard against.
 */
export class WrittenVersions {
  private readonly versions = new Map<string, bigint>();

  record(key: string, resourceVersion: string | undefined): void {
    const v = parse(resourceVersion);
    if (v !== undefined) this.versions.set(key, v);
  }

  /** Whether the cached copy predates our last write; forgets the key once it does not. */
  isStale(key: string, cachedResourceVersion: string | undefined): boolean {
    const written = this.versions.get(key);
    if (written === undefined) return false;
    const cached = parse(cachedResourceVersion);
    // resourceVersions are opaque in principle; when one is not a number, trust the cache.
    if (cached === undefined || cached >= written) {
      this.versions.delete(key);
      return false;
    }
    return true;
  }

  forget(key: string): void {
    this.versions.delete(key);
  }

  get size(): number {
    return this.versions.size;
  }
}

function parse(resourceVersion: string | undefined): bigint | undefined {
  return resourceVersion && /^\d+$/.test(resourceVersion) ? BigInt(resourceVersion) : undefined;
}
