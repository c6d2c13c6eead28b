import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signV4, type AwsCredentials } from '../../../controller/analysis/providers/aws/sigv4.ts';

// AWS's published Signature Version 4 test suite: the 2011 suite (a `date`
// header, service `host`) and the 2015 suite (x-amz-date, service `service`).
const EXAMPLE: AwsCredentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const T2011 = Date.UTC(2011, 8, 9, 23, 36, 0);
const DATE = { date: 'Mon, 09 Sep 2011 23:36:00 GMT' };

function sign2011(method: string, url: string, headers: Record<string, string> = {}, body = ''): string {
  return signV4({ method, url, headers: { ...DATE, ...headers }, body, service: 'host', region: 'us-east-1', credentials: EXAMPLE, now: T2011 })['Authorization']!;
}

const auth2011 = (signed: string, signature: string) =>
  `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20110909/us-east-1/host/aws4_request, SignedHeaders=${signed}, Signature=${signature}`;

describe('SigV4 against the AWS test suite', () => {
  it('get-vanilla, dot segments and a UTF-8 path', () => {
    const vanilla = auth2011('date;host', 'b27ccfbfa7df52a200ff74193ca6e32d4b48b8856fab7ebf1c595d0670a7e470');
    assert.equal(sign2011('GET', 'https://host.foo.com'), vanilla);
    assert.equal(sign2011('GET', 'https://host.foo.com/foo/bar/../..'), vanilla);
    assert.equal(sign2011('GET', 'https://host.foo.com/./'), vanilla);
    assert.equal(sign2011('GET', 'https://host.foo.com/./foo'), auth2011('date;host', '910e4d6c9abafaf87898e1eb4c929135782ea25bb0279703146455745391e63a'));
    assert.equal(sign2011('GET', 'https://host.foo.com/%E1%88%B4'), auth2011('date;host', '8d6634c189aa8c75c2e51e106b6b5121bed103fdb351f7d7d4381c738823af74'));
  });

  it('query strings are sorted by key then value and encoded', () => {
    assert.equal(sign2011('GET', 'https://host.foo.com/?foo=Zoo&foo=aha'), auth2011('date;host', 'be7148d34ebccdc6423b19085378aa0bee970bdc61d144bd1a8c48c33079ab09'));
    assert.equal(sign2011('GET', 'https://host.foo.com/?foo=b&foo=a'), auth2011('date;host', 'feb926e49e382bec75c9d7dcb2a1b6dc8aa50ca43c25d2bc51143768c0875acc'));
    assert.equal(sign2011('GET', 'https://host.foo.com/?ሴ=bar'), auth2011('date;host', '6fb359e9a05394cc7074e0feb42573a2601abc0c869a953e8c5c12e4e01f1a8c'));
    assert.equal(sign2011('POST', 'https://host.foo.com/?foo=bar'), auth2011('date;host', 'b6e3b79003ce0743a491606ba1035a804593b0efb1e20a11cba83f8c25a57a92'));
  });

  it('headers are signed by lower-case name with their values as sent; the body is hashed', () => {
    assert.equal(sign2011('POST', 'https://host.foo.com/', { ZOO: 'zoobar' }), auth2011('date;host;zoo', 'b7a95a52518abbca0964a999a880429ab734f35ebbf1235bd79a5de87756dc4a'));
    assert.equal(sign2011('POST', 'https://host.foo.com/', { zoo: 'ZOOBAR' }), auth2011('date;host;zoo', '273313af9d0c265c531e11db70bbd653f3ba074c1009239e8559d3987039cad7'));
    assert.equal(sign2011('POST', 'https://host.foo.com/', { p: 'phfft' }), auth2011('date;host;p', 'debf546796015d6f6ded8626f5ce98597c33b47b9164cf6b17b4642036fcb592'));
    assert.equal(
      sign2011('POST', 'https://host.foo.com/', { 'Content-Type': 'application/x-www-form-urlencoded' }, 'foo=bar'),
      auth2011('content-type;date;host', '5a15b22cf462f047318703b92e6f4f38884e4a7ab7b1d6426ca46a8bd1c26cbc'),
    );
  });

  it('get-vanilla of the 2015 suite adds X-Amz-Date', () => {
    const headers = signV4({ method: 'GET', url: 'https://example.amazonaws.com/', headers: {}, body: '', service: 'service', region: 'us-east-1', credentials: EXAMPLE, now: Date.UTC(2015, 7, 30, 12, 36, 0) });
    assert.equal(headers['X-Amz-Date'], '20150830T123600Z');
    assert.equal(
      headers['Authorization'],
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
  });

  it('temporary credentials sign and send X-Amz-Security-Token', () => {
    const credentials = { accessKeyId: 'ASIARD4OQDT6A77FR3CL', secretAccessKey: 'Y8AfSaucF37G4PpvfguKZ3/l7Id4uocLXxX0+VTx' };
    const now = Date.UTC(2020, 7, 11, 6, 55, 22);
    const plain = signV4({ method: 'POST', url: 'https://sts.us-east-2.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15', headers: {}, body: '', service: 'sts', region: 'us-east-2', credentials, now });
    assert.equal(
      plain['Authorization'],
      'AWS4-HMAC-SHA256 Credential=ASIARD4OQDT6A77FR3CL/20200811/us-east-2/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=d095ba304919cd0d5570ba8a3787884ee78b860f268ed040ba23831d55536d56',
    );
    const withToken = signV4({ method: 'GET', url: 'https://sts.us-east-2.amazonaws.com/', headers: {}, body: '', service: 'sts', region: 'us-east-2', credentials: { ...credentials, sessionToken: 'tok' }, now });
    assert.equal(withToken['X-Amz-Security-Token'], 'tok');
    assert.match(withToken['Authorization']!, /SignedHeaders=host;x-amz-date;x-amz-security-token,/);
  });
});
