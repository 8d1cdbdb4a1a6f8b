// Baseline for the MLLP bench: a bare MLLP server in its own process that answers every frame with an AA at once —
// same framing and ACK building as Hutong, no decoding by charset, no routing, no storage. What the load generator,
// loopback TCP and two shared cores allow; Hutong's figure is reported against it.
import net, { type AddressInfo } from 'node:net';
import { buildAck, encodeHl7, parseHl7 } from '../../src/formats/hl7v2/index.js';
import { frame, MllpFrameDecoder } from '../../src/engine/adapters/inbound/mllp/framing.js';

const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  socket.on('error', () => undefined);
  const decoder = new MllpFrameDecoder(4 * 1024 * 1024);
  socket.on('data', (chunk: Buffer) => {
    for (const event of decoder.push(chunk)) {
      if (event.kind !== 'frame') continue;
      const message = parseHl7(event.payload.toString('utf8'));
      socket.write(frame(encodeHl7(buildAck(message, { code: 'AA' }))));
    }
  });
});
server.listen(0, '127.0.0.1', () => {
  console.log(`mllp echo ready ${(server.address() as AddressInfo).port}`);
});
