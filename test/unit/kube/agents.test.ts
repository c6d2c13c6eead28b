import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import { HttpMethod, RequestContext } from '@kubernetes/client-node';
import { AgentPool } from '../../../controller/kube/agents.ts';

function request(agent: http.Agent | https.Agent): RequestContext {
  const ctx = new RequestContext('https://127.0.0.1:6443/api/v1/namespaces', HttpMethod.GET);
  ctx.setAgent(agent);
  return ctx;
}

describe('AgentPool', () => {
  it('requests with the same TLS settings share one keep-alive agent', () => {
    const pool = new AgentPool();
    const a = request(new https.Agent({ ca: 'CA-1', rejectUnauthorized: true }));
    const b = request(new https.Agent({ ca: 'CA-1', rejectUnauthorized: true }));
    pool.reuse(a);
    pool.reuse(b);
    assert.equal(a.getAgent(), b.getAgent());
    assert.equal((a.getAgent() as https.Agent & { keepAlive: boolean }).keepAlive, true);
    pool.destroy();
  });

  it('a different certificate gets its own agent', () => {
    const pool = new AgentPool();
    const a = request(new https.Agent({ ca: 'CA-1', cert: 'client-1' }));
    const b = request(new https.Agent({ ca: 'CA-1', cert: 'client-2' }));
    pool.reuse(a);
    pool.reuse(b);
    assert.notEqual(a.getAgent(), b.getAgent());
    pool.destroy();
  });

  it('leaves plain-HTTP and proxy agents alone', () => {
    const pool = new AgentPool();
    const plain = new http.Agent();
    const ctx = request(plain);
    pool.reuse(ctx);
    assert.equal(ctx.getAgent(), plain);
    pool.destroy();
  });

  it('keeps a bounded number of agents, closing the oldest', () => {
    const pool = new AgentPool();
    const first = request(new https.Agent({ cert: 'c0' }));
    pool.reuse(first);
    const oldest = first.getAgent() as https.Agent & { destroyed?: boolean };
    let destroyed = false;
    const destroy = oldest.destroy.bind(oldest);
    oldest.destroy = () => {
      destroyed = true;
      destroy();
    };
    for (let i = 1; i <= 4; i++) pool.reuse(request(new https.Agent({ cert: `c${i}` })));
    assert.equal(destroyed, true);
    pool.destroy();
  });
});
