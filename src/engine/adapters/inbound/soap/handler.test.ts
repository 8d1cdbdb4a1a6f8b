// Pure parts of the WebService: which topic an action names, and how endpoints are found and counted.
import { describe, expect, it } from 'vitest';
import { resolveTopicCode } from './handler.js';
import { defaultSoapEndpointResolver, defaultSoapSettings } from './settings.js';

describe('action → topic', () => {
  const aliases = { 患者注册: 'PatientInfoRegister', S9001: 'LocalPrivateTopic', S0023: 'OutPatientRegistration' };

  it('takes the endpoint’s alias table first, exactly or ignoring case', () => {
    expect(resolveTopicCode('患者注册', aliases)).toBe('PatientInfoRegister');
    expect(resolveTopicCode('s9001', aliases)).toBe('LocalPrivateTopic');
    // an alias overrides the national table for the same S-code
    expect(resolveTopicCode('S0023', aliases)).toBe('OutPatientRegistration');
  });

  it('then the national service table: action code, S-code or Chinese name → canonical action code', () => {
    expect(resolveTopicCode('OutPatientInfoAdd', {})).toBe('OutPatientInfoAdd');
    expect(resolveTopicCode('outpatientinfoadd', {})).toBe('OutPatientInfoAdd');
    expect(resolveTopicCode(' S0023 ', {})).toBe('OutPatientInfoAdd');
    expect(resolveTopicCode('门诊挂号信息新增服务', {})).toBe('OutPatientInfoAdd');
    expect(resolveTopicCode('检查申请单信息查询服务', {})).toBe('CheckAppInfoQuery');
  });

  it('knows nothing else', () => {
    expect(resolveTopicCode('NoSuchService', aliases)).toBeUndefined();
    expect(resolveTopicCode('S9999', {})).toBeUndefined();
  });
});

describe('default endpoint resolver', () => {
  it('serves /services/HIPMessageServer in the given domain, ignoring case and a trailing slash', () => {
    const r = defaultSoapEndpointResolver('prod');
    expect(r.byPath('/services/HIPMessageServer')).toMatchObject({
      domainCode: 'prod',
      settings: defaultSoapSettings(),
    });
    expect(r.byPath('/services/hipmessageserver/')?.id).toBe('default');
    expect(r.byPath('/services/Other')).toBeUndefined();
  });

  it('counts outcomes and keeps the last error', () => {
    const r = defaultSoapEndpointResolver('prod');
    r.record('default', 'accepted');
    r.record('default', 'rejected', 'bad envelope');
    r.record('default', 'accepted');
    expect(r.stats('default')).toMatchObject({ accepted: 2, rejected: 1, lastError: 'bad envelope' });
  });
});
