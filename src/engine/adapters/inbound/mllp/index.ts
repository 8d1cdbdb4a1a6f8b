// HL7 v2 over MLLP, inbound: the framing (shared with the outbound adapter), the TCP/TLS listener, and the receiver
// that turns one message into one acknowledgement through the ingest pipeline. The endpoint runtime
// (src/engine/endpoints) runs one listener per enabled MLLP endpoint.
export { frame, MllpFrameDecoder, START_BLOCK, END_BLOCK, CARRIAGE_RETURN } from './framing.js';
export type { FrameEvent } from './framing.js';
export { MllpListener } from './listener.js';
export type { MllpListenerOptions, MllpRemote, MllpTlsMaterial } from './listener.js';
export { MllpReceiver, topicForEvent, HL7V2_CONTENT_TYPE } from './receiver.js';
export type { MllpEndpointContext, MllpReceiverDeps, ReceiveOutcome } from './receiver.js';
