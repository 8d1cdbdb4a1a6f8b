// Rows for the console's segment/field table (消息结构表): one row per field that has a value, with its English and
// zh-CN name from fields.ts.

import { fieldName } from './fields.js';
import type { Hl7Message } from './message.js';

export interface SegmentFieldRow {
  /** Segment name, e.g. `PID`. */
  readonly segment: string;
  /** Occurrence of this segment name in the message, 1-based (`OBX` 1, 2, 3 …). */
  readonly index: number;
  /** Field number, 1-based as in the standard. */
  readonly field: number;
  /** Path for get()/set(), e.g. `OBX[2]-5`. */
  readonly path: string;
  /** English name; '' for fields the table does not know (Z segments, newer versions). */
  readonly name: string;
  readonly nameZh: string;
  /** Raw field text as sent (components and repetitions with their delimiters, escapes not decoded). */
  readonly value: string;
}

export interface DescribeOptions {
  /** Also list empty fields (default false). */
  readonly includeEmpty?: boolean;
}

export function describeSegments(msg: Hl7Message, options?: DescribeOptions): SegmentFieldRow[] {
  const rows: SegmentFieldRow[] = [];
  const seen = new Map<string, number>();
  for (const seg of msg.segments) {
    const index = (seen.get(seg.name) ?? 0) + 1;
    seen.set(seg.name, index);
    const fields = seg.fields();
    for (let i = 0; i < fields.length; i++) {
      const value = fields[i] ?? '';
      if (value === '' && options?.includeEmpty !== true) continue;
      const field = i + 1;
      const names = fieldName(seg.name, field);
      rows.push({
        segment: seg.name,
        index,
        field,
        path: index === 1 ? `${seg.name}-${field}` : `${seg.name}[${index}]-${field}`,
        name: names?.[0] ?? '',
        nameZh: names?.[1] ?? '',
        value,
      });
    }
  }
  return rows;
}
