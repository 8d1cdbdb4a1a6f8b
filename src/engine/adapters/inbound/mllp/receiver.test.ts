// The MLLP topic choice with the receiver's optional fallback (eventTopic): the endpoint's own MSH-9 map wins, the
// fallback comes before the default topic, and without a fallback nothing changes.
import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../../endpoints/settings.js';
import type { MllpEndpointSettings } from '../../../endpoints/settings.js';
import { topicForEvent } from './receiver.js';

function settings(s: Record<string, unknown>): MllpEndpointSettings {
  const resolved = resolveSettings('mllp', { port: 1, ...s });
  if (!resolved.ok) throw new Error(resolved.problems.join('; '));
  return resolved.settings as MllpEndpointSettings;
}

describe('topicForEvent with a fallback', () => {
  const s = settings({ topicByEvent: { 'ADT^A01': 'Admit', ORU: 'Results' }, defaultTopic: 'Other' });

  it('keeps the endpoint map first', () => {
    expect(topicForEvent(s, 'ADT', 'A01', () => 'InPatientInfoAdd')).toBe('Admit');
    expect(topicForEvent(s, 'ORU', 'R01', () => 'Elsewhere')).toBe('Results');
  });

  it('asks the fallback before the default topic', () => {
    expect(topicForEvent(s, 'ADT', 'A04', () => 'OutPatientInfoAdd')).toBe('OutPatientInfoAdd');
    expect(topicForEvent(s, 'ADT', 'A04', () => null)).toBe('Other');
    expect(topicForEvent(s, 'ADT', 'A04')).toBe('Other');
  });

  it('without a default topic, a fallback without an answer leaves no topic', () => {
    expect(topicForEvent(settings({}), 'ZZZ', 'Z01', () => null)).toBeNull();
    expect(topicForEvent(settings({}), 'ADT', 'A04', () => 'OutPatientInfoAdd')).toBe('OutPatientInfoAdd');
  });
});
