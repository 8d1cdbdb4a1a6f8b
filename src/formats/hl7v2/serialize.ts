// Hl7Message → text. An unchanged parsed message comes back exactly as it arrived; a changed or built one is written
// canonically (each segment followed by CR unless another terminator is asked for). See message.ts for why.

import type { Hl7Message, SerializeOptions } from './message.js';

export function serializeHl7(message: Hl7Message, options?: SerializeOptions): string {
  return message.toString(options);
}
