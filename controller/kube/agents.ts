import { createHash } from 'node:crypto';
import https from 'node:https';
import type { RequestContext } from '@kubernetes/client-node';

/**
 * client-node builds a new https.Agent for every request, so every request pays a TCP and TLS
 * handshake. This pool hands out one keep-alive agent per distinct TLS identity instead (a new
 * identity, e.g. a rotated client certificate, gets a new agent; old ones are closed).
 */

const TLS_FIELDS = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'] as const;
const MAX_AGENTS = 4;

function fingerprint(options: Record<string, unknown>): string {
  const hash = createHash('sha256');
  for (const field of TLS_FIELDS) {
    const value = options[field];
    hash.update(`${field}=`);
    if (Buffer.isBuffer(value)) hash.update(value);
    else hash.update(JSON.stringify(value ?? null));
    hash.update('\0');
  }
  return hash.digest('hex');
}

export class AgentPool {
  private readonly agents = new Map<string, https.Agent>();

  /** Swaps the request's one-off agent for a pooled keep-alive one with the same TLS settings. */
  reuse(request: RequestContext): void {
    const agent = request.getAgent();
    // Proxy agents and plain-HTTP agents are left alone: only a bare https.Agent is equivalent.
    if (!agent || agent.constructor !== https.Agent) return;
    const options = (agent as https.Agent & { options: Record<string, unknown> }).options;
    const key = fingerprint(options);
    let pooled = this.agents.get(key);
    if (!pooled) {
      const tls: Record<string, unknown> = {};
      for (const field of TLS_FIELDS) if (options[field] !== undefined) tls[field] = options[field];
      pooled = new https.Agent({ ...tls, keepAlive: true, maxSockets: 64 });
      this.agents.set(key, pooled);
      this.evict();
    }
    request.setAgent(pooled);
  }

  destroy(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }

  private evict(): void {
    while (this.agents.size > MAX_AGENTS) {
      const [oldest] = this.agents.keys();
      if (oldest === undefined) return;
      this.agents.get(oldest)?.destroy();
      this.agents.delete(oldest);
    }
  }
}
