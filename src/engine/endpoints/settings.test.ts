// Endpoint settings without a database: defaults, refusals with their paths, choosing the topic by MSH-9, and the
// HUTONG_MLLP_PORT setting.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../platform/config/index.js';
import { topicForEvent } from '../adapters/inbound/mllp/receiver.js';
import { resolveSettings, type MllpEndpointSettings } from './settings.js';

function mllp(input: Record<string, unknown>): MllpEndpointSettings {
  const r = resolveSettings('mllp', input);
  if (!r.ok) throw new Error(r.problems.join('; '));
  return r.settings as MllpEndpointSettings;
}

describe('endpoint settings', () => {
  it('fills every MLLP default and keeps what was given', () => {
    const s = mllp({ port: 2575, charset: 'GBK', tls: { certFile: '/c', keyFile: '/k' } });
    expect(s).toMatchObject({
      host: '0.0.0.0',
      port: 2575,
      charset: 'GBK',
      ackMode: 'original',
      allowUnknownSender: false,
    });
    expect(s.tls).toEqual({ certFile: '/c', keyFile: '/k', requestClientCert: false, rejectUnauthorized: true });
  });

  it('refuses what does not fit, naming where', () => {
    const problems = (protocol: 'mllp' | 'soap', input: unknown) => {
      const r = resolveSettings(protocol, input);
      return r.ok ? [] : r.problems;
    };
    expect(problems('mllp', { port: 2575, topicByEvent: { 'ADT^A01': 'a', 'ADT A01': 'b' } })).toEqual([
      '/topicByEvent must name MSH-9 as type^trigger or type (ADT^A01, ADT): "ADT A01"',
    ]);
    expect(problems('mllp', { port: 65536 })[0]).toMatch(/^\/port /);
    expect(problems('mllp', { port: 1, tls: { certFile: '/c' } })[0]).toMatch(/^\/tls/);
    expect(problems('mllp', { host: 'x' })[0]).toMatch(/port/);
    expect(problems('soap', { path: '/api/hip' })[0]).toMatch(/^\/path /);
    expect(problems('soap', { aliases: { S0001: 'not a topic code!' } })[0]).toMatch(/^\/aliases\/S0001 /);
    expect(problems('soap', {})).toEqual([]);
  });

  it('picks the topic by type^trigger, then by type, then the default, whatever the case of MSH-9', () => {
    const s = mllp({
      port: 1,
      topicByEvent: { 'adt^a01': 'Admit', ADT: 'AnyAdt', 'ORU^R01': 'Result' },
      defaultTopic: 'Other',
    });
    expect(topicForEvent(s, 'ADT', 'A01')).toBe('Admit');
    expect(topicForEvent(s, 'ADT', 'A08')).toBe('AnyAdt');
    expect(topicForEvent(s, 'ADT', '')).toBe('AnyAdt');
    expect(topicForEvent(s, 'ORU', 'R01')).toBe('Result');
    expect(topicForEvent(s, 'ORU', 'R30')).toBe('Other');
    expect(topicForEvent(s, '', '')).toBe('Other');
    expect(topicForEvent(mllp({ port: 1, topicByEvent: { 'ORU^R01': 'Result' } }), 'ORU', 'R30')).toBeNull();
  });

  it('reads HUTONG_MLLP_PORT (default 2575, 0 = no default listener)', () => {
    expect(loadConfig({ env: {}, file: '/dev/null' }).mllp.port).toBe(2575);
    expect(loadConfig({ env: { HUTONG_MLLP_PORT: '0' }, file: '/dev/null' }).mllp.port).toBe(0);
    expect(loadConfig({ env: { HUTONG_MLLP_PORT: '12575' }, file: '/dev/null' }).mllp.port).toBe(12575);
    expect(() => loadConfig({ env: { HUTONG_MLLP_PORT: '70000' }, file: '/dev/null' })).toThrow(/mllp\.port/);
  });
});
