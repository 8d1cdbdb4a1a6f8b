// The ingest converter alone: an HL7 v2 body on a catalogue topic becomes the service's V3 request with the source
// format recorded and the index fields from the mapped JSON; other bodies and topics are left alone; a message for
// another service is refused; a retransmission keeps its V3 id.
import { describe, expect, it } from 'vitest';
import type { TopicConfig } from '../../engine/config/cache.js';
import type { InboundMessage } from '../../engine/ingest/pipeline.js';
import { parseHl7 } from '../../formats/hl7v2/index.js';
import { parseV3 } from '../../formats/hl7v3/index.js';
import type { HtError } from '../../platform/errors/index.js';
import { serviceHl7v2Converter, serviceEventTopic, v3IdForV2 } from './converter.js';
import { messages } from './messages.testutil.js';

const topic = (code: string, model = 'HL7V3'): TopicConfig => ({
  id: 't1',
  domainId: 'd1',
  domainCode: 'default',
  code,
  name: code,
  model,
  mode: 'async',
  validate: false,
  enabled: true,
  indexFields: {},
  publishers: new Set(),
});

const input = (body: string, contentType = 'x-application/hl7-v2+er7'): InboundMessage => ({
  domainCode: 'default',
  topicCode: 'OutPatientInfoAdd',
  system: null,
  body,
  contentType,
  inbound: 'mllp',
});

describe('serviceHl7v2Converter', () => {
  const converter = serviceHl7v2Converter();

  it('turns an ADT^A04 on OutPatientInfoAdd into the standard V3 request with index fields', () => {
    const out = converter.inbound(topic('OutPatientInfoAdd'), input(messages['ADT^A04']));
    expect(out).not.toBeNull();
    expect(out!.contentType).toBe('application/xml; charset=utf-8');
    expect(out!.headers).toMatchObject({
      'x-hutong-source-format': 'hl7v2',
      'x-hutong-hl7v2-event': 'ADT^A04',
      'x-hutong-hl7v2-control-id': 'HIS-A04-0001',
    });
    expect(out!.index).toEqual({ patientId: 'P0000123', patientName: '张三', visitNo: 'V20240315001' });
    const v3 = parseV3(out!.body);
    expect(v3.interactionId).toBe('PRPA_IN400001UV');
    expect(out!.body).toContain('张三');
    expect(out!.body).toContain('V20240315001');
  });

  it('also takes v2 text posted with another content type, by its MSH', () => {
    const out = converter.inbound(topic('S0023'), input(`\uFEFF${messages['ADT^A04']}`, 'text/plain'));
    expect(out?.headers?.['x-hutong-source-format']).toBe('hl7v2');
  });

  it('leaves JSON, V3, non-catalogue topics and non-V3 topics alone', () => {
    expect(converter.inbound(topic('OutPatientInfoAdd'), input('{"patientId":"P1"}', 'application/json'))).toBeNull();
    expect(converter.inbound(topic('OutPatientInfoAdd'), input('<PRPA_IN400001UV/>', 'application/xml'))).toBeNull();
    expect(converter.inbound(topic('LabReportV2', 'HL7V2'), input(messages['ADT^A04']))).toBeNull();
    expect(converter.inbound(topic('NotAService'), input(messages['ADT^A04']))).toBeNull();
  });

  it('refuses a message whose event is another service', () => {
    expect(() => converter.inbound(topic('InPatientInfoAdd'), input(messages['ADT^A04']))).toThrowError(
      expect.objectContaining({ code: 'HT_SERVICE_HL7V2_WRONG_TOPIC' }) as HtError,
    );
  });

  it('gives a retransmission the same V3 id, and other messages or senders another', () => {
    const m = parseHl7(messages['ADT^A04']);
    const id = v3IdForV2('HIS', m);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(v3IdForV2('HIS', parseHl7(messages['ADT^A04']))).toBe(id);
    expect(v3IdForV2('LIS', m)).not.toBe(id);
    expect(v3IdForV2('HIS', parseHl7(messages['ADT^A01']))).not.toBe(id);
    const a = converter.inbound(topic('OutPatientInfoAdd'), input(messages['ADT^A04']));
    const b = converter.inbound(topic('OutPatientInfoAdd'), input(messages['ADT^A04']));
    expect(parseV3(a!.body).messageId).toBe(parseV3(b!.body).messageId);
  });

  it('names the topic for the MLLP receiver', () => {
    const pick = serviceEventTopic();
    expect(pick('ADT', 'A04', parseHl7(messages['ADT^A04']))).toBe('OutPatientInfoAdd');
    expect(pick('SIU', 'S12', parseHl7(messages['SIU^S12 exam']))).toBe('CheckAppointStatusInfoAdd');
    expect(pick('ORU', 'R01', parseHl7(messages['ADT^A04']))).toBeNull();
  });
});
