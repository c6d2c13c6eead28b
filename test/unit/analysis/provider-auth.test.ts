import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { baseCredentials, createAwsCredentialSource, resolveRegion, type AwsEnvironment } from '../../../controller/analysis/providers/aws/credentials.ts';
import type { HttpPort, HttpRequestInit } from '../../../controller/http/client.ts';
import { createOAuth2TokenSource } from '../../../controller/analysis/providers/oauth2.ts';

type Call = { url: string; init: HttpRequestInit };
// Answers each request with the next scripted response and records it.
function scripted(responses: { status: number; body: string }[]): HttpPort & { calls: Call[] } {
  const calls: Call[] = [];
  const port = (async (url: string, init: HttpRequestInit = {}) => {
    calls.push({ url, init });
    const next = responses.shift() ?? { status: 500, body: 'no more responses' };
    return { status: next.status, text: async () => next.body };
  }) as HttpPort & { calls: Call[] };
  port.calls = calls;
  return port;
}

const CONFIG = { tokenUrl: 'https://auth.example/token', clientId: 'id', clientSecret: 's&cret', scopes: ['read', 'write'] };

describe('OAuth2 client credentials', () => {
  it('authenticates with Basic, sends the scopes and reuses the token until 10s before expiry', async () => {
    let now = 1_000_000;
    const http = scripted([
      { status: 200, body: JSON.stringify({ access_token: 'a1', token_type: 'bearer', expires_in: 60 }) },
      { status: 200, body: JSON.stringify({ access_token: 'a2', token_type: 'bearer', expires_in: 60 }) },
    ]);
    const tokens = createOAuth2TokenSource({ http, now: () => now });
    assert.equal(await tokens.authorization(CONFIG, undefined, 1000), 'Bearer a1');
    now += 49_000;
    assert.equal(await tokens.authorization(CONFIG, undefined, 1000), 'Bearer a1');
    assert.equal(http.calls.length, 1);
    now += 2_000;
    assert.equal(await tokens.authorization(CONFIG, undefined, 1000), 'Bearer a2');
    const first = http.calls[0]!;
    assert.equal(first.init.method, 'POST');
    assert.equal(first.init.headers?.['Authorization'], `Basic ${Buffer.from('id:s%26cret').toString('base64')}`);
    assert.equal(first.init.body, 'grant_type=client_credentials&scope=read+write');
  });

  it('falls back to credentials in the form when the endpoint refuses Basic', async () => {
    const http = scripted([
      { status: 401, body: '{"error":"invalid_client"}' },
      { status: 200, body: JSON.stringify({ access_token: 'p1' }) },
    ]);
    const tokens = createOAuth2TokenSource({ http, now: () => 0 });
    assert.equal(await tokens.authorization(CONFIG, undefined, 1000), 'Bearer p1');
    assert.equal(http.calls[1]!.init.headers?.['Authorization'], undefined);
    assert.equal(http.calls[1]!.init.body, 'grant_type=client_credentials&scope=read+write&client_id=id&client_secret=s%26cret');
  });

  it("refuses a missing client id or secret and reports the endpoint's refusal", async () => {
    const tokens = createOAuth2TokenSource({ http: scripted([{ status: 400, body: 'bad' }, { status: 400, body: 'bad' }]), now: () => 0 });
    await assert.rejects(tokens.authorization({ tokenUrl: 'https://t', clientId: 'x' }, undefined, 1000), { message: 'missing mandatory parameter in metric for OAuth2 setup' });
    await assert.rejects(tokens.authorization(CONFIG, undefined, 1000), /oauth2: cannot fetch token: 400/);
  });
});

function environment(env: Record<string, string>, files: Record<string, string> = {}): AwsEnvironment {
  return { env, homeDir: '/home/u', readFile: (path) => files[path] };
}

const CREDENTIALS_FILE = '[default]\naws_access_key_id = DEF\naws_secret_access_key = defsecret\n\n[ops]\naws_access_key_id=OPS\naws_secret_access_key=opssecret\naws_session_token=opstoken\n';

describe('AWS credentials as the SDK finds them', () => {
  it('an explicit profile wins over the environment, the environment over the default profile', () => {
    const files = { '/home/u/.aws/credentials': CREDENTIALS_FILE };
    const env = { AWS_ACCESS_KEY_ID: 'ENV', AWS_SECRET_ACCESS_KEY: 'envsecret' };
    assert.deepEqual(baseCredentials(environment(env, files), 'ops'), { accessKeyId: 'OPS', secretAccessKey: 'opssecret', sessionToken: 'opstoken' });
    assert.deepEqual(baseCredentials(environment(env, files), undefined), { accessKeyId: 'ENV', secretAccessKey: 'envsecret' });
    assert.deepEqual(baseCredentials(environment({}, files), undefined), { accessKeyId: 'DEF', secretAccessKey: 'defsecret' });
    assert.deepEqual(baseCredentials(environment({ AWS_PROFILE: 'ops', AWS_SHARED_CREDENTIALS_FILE: '/c' }, { '/c': CREDENTIALS_FILE }), undefined).accessKeyId, 'OPS');
    assert.throws(() => baseCredentials(environment({}, files), 'missing'), /profile "missing" in \/home\/u\/.aws\/credentials has no aws_access_key_id/);
  });

  it('the region comes from the metric, else AWS_REGION', () => {
    assert.equal(resolveRegion(environment({ AWS_REGION: 'eu-west-1' }), 'us-east-1'), 'us-east-1');
    assert.equal(resolveRegion(environment({ AWS_REGION: 'eu-west-1' }), undefined), 'eu-west-1');
    assert.throws(() => resolveRegion(environment({}), ''), { message: 'region not configured in sigv4 or in default credentials chain' });
  });

  it('a role ARN is assumed through STS, signed, and cached until shortly before it expires', async () => {
    let now = Date.UTC(2026, 0, 1);
    const expiration = new Date(now + 3_600_000).toISOString();
    const xml = (key: string) =>
      `<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>${key}</AccessKeyId><SecretAccessKey>sk</SecretAccessKey><SessionToken>st</SessionToken><Expiration>${expiration}</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>`;
    const http = scripted([{ status: 200, body: xml('ASIA1') }, { status: 200, body: xml('ASIA2') }]);
    const source = createAwsCredentialSource({ http, aws: environment({ AWS_ACCESS_KEY_ID: 'ENV', AWS_SECRET_ACCESS_KEY: 'envsecret' }), now: () => now });
    const role = { roleArn: 'arn:aws:iam::123456789012:role/prom' };
    assert.deepEqual(await source.credentials(role, 'us-west-2'), { accessKeyId: 'ASIA1', secretAccessKey: 'sk', sessionToken: 'st' });
    assert.equal((await source.credentials(role, 'us-west-2')).accessKeyId, 'ASIA1');
    now += 3_550_000;
    assert.equal((await source.credentials(role, 'us-west-2')).accessKeyId, 'ASIA2');
    const call = http.calls[0]!;
    assert.equal(call.url, 'https://sts.us-west-2.amazonaws.com/');
    assert.match(call.init.body ?? '', /^Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fprom&RoleSessionName=ramp-\d+&Version=2011-06-15$/);
    assert.match(call.init.headers?.['Authorization'] ?? '', /^AWS4-HMAC-SHA256 Credential=ENV\/20260101\/us-west-2\/sts\/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=[0-9a-f]{64}$/);
  });
});
