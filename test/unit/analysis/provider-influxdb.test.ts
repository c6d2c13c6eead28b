import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fluxValues, parseCsvRows } from '../../../controller/analysis/providers/influxdb/csv.ts';
import { createInfluxdbProvider, fluxRequest, formatValues, httpError, readProfile } from '../../../controller/analysis/providers/influxdb/index.ts';
import type { Metric } from '../../../controller/analysis/types.ts';
import { cannedHttp, fakeSecrets, run, T } from '../../support/analysis-ports.ts';

const NS = 'argo-rollouts';
const PROFILE = { address: 'http://influx:8086/', authToken: 'tok', org: 'acme' };
const TWO_TABLES = [
  '#datatype,string,long,dateTime:RFC3339,double,string',
  '#group,false,false,false,false,true',
  '#default,_result,,,,',
  ',result,table,_time,_value,_field',
  ',,0,2025-03-01T12:00:00Z,0.5,errors',
  ',,0,2025-03-01T12:00:10Z,,errors',
  '',
  '#datatype,string,long,dateTime:RFC3339,long,string',
  '#group,false,false,false,false,true',
  '#default,_result,,,,',
  ',result,table,_time,_value,_field',
  ',,1,2025-03-01T12:00:00Z,120,total',
  '',
].join('\r\n');
const metric = (successCondition: string): Metric => ({ name: 'errors', successCondition, provider: { influxdb: { query: 'from(bucket: "app")' } } });

describe('influxdb provider', () => {
  it('reads the `influxdb` Secret (or profile); all three keys are needed', async () => {
    const secrets = fakeSecrets({ [`${NS}/influxdb`]: PROFILE, [`${NS}/partial`]: { address: 'x', org: 'y' } });
    assert.deepEqual(await readProfile({ secrets, namespace: NS }, {}), PROFILE);
    await assert.rejects(readProfile({ secrets, namespace: NS }, { profile: 'partial' }), { message: 'authToken, org, or address not found' });
    await assert.rejects(readProfile({ secrets, namespace: NS }, { profile: 'absent' }), { message: 'secrets "absent" not found' });
  });

  it('sends the Flux query as the Go client does', () => {
    const req = fluxRequest(PROFILE, 'from(bucket: "app")');
    assert.equal(req.url, 'http://influx:8086/api/v2/query?org=acme');
    assert.equal(req.headers['Authorization'], 'Token tok');
    assert.deepEqual(JSON.parse(req.body), {
      dialect: { annotations: ['datatype', 'group', 'default'], delimiter: ',', header: true },
      query: 'from(bucket: "app")',
      type: 'flux',
    });
  });

  it('every record\'s _value, typed by its table\'s datatype, nil where empty', () => {
    assert.deepEqual(fluxValues(TWO_TABLES), [0.5, null, 120]);
    assert.equal(formatValues([0.5, null, 120, 1e-5, true, 'up']), '[0.5 <nil> 120 1e-05 true up]');
    assert.deepEqual(parseCsvRows('a,"b,""c"""\n'), [['a', 'b,"c"']]);
  });

  it('an error table yields no values, as the Go client stops at it', () => {
    const csv = '#datatype,string,string\n#group,true,true\n#default,,\n,error,reference\n,bad things,897\n';
    assert.deepEqual(fluxValues(csv), []);
  });

  it('a measurement evaluates the list; no records and HTTP errors are Error measurements', async () => {
    const secrets = fakeSecrets({ [`${NS}/influxdb`]: PROFILE });
    const ok = await createInfluxdbProvider({ http: cannedHttp(200, TWO_TABLES), secrets, namespace: NS }).run({
      run,
      metric: metric('result[0] < 1 && result[2] == 120'),
      now: () => T,
    });
    assert.equal(ok.phase, 'Successful', ok.message);
    assert.equal(ok.value, '[0.5 <nil> 120]');
    const empty = await createInfluxdbProvider({ http: cannedHttp(200, '\r\n'), secrets, namespace: NS }).run({ run, metric: metric('true'), now: () => T });
    assert.equal(empty.message, 'no results returned from flux query');
    assert.equal(httpError(401, '{"code":"unauthorized","message":"unauthorized access"}').message, 'unauthorized: unauthorized access');
    assert.equal(httpError(500, '{"error":"type error"}').message, '500 Internal Server Error: type error');
  });
});

describe('flux record types', () => {
  it('empty is nil whatever the type; booleans are true unless false; doubles as Go parses them', () => {
    const csv = [
      '#datatype,string,long,boolean,double',
      '#default,_result,,,',
      ',result,table,_value,y',
      ',,0,TRUE,+Inf',
      '',
      '#datatype,string,long,string',
      '#default,_result,,',
      ',result,table,_value',
      ',,1,',
      ',,1,up',
      '',
      '#datatype,string,long,double',
      '#default,_result,,',
      ',result,table,_value',
      ',,2,+Inf',
    ].join('\n');
    assert.deepEqual(fluxValues(csv), [true, null, 'up', Infinity]);
  });
});
