// Baseline for the HIPMessageServer bench: a minimal echo WebService built with the `soap` package (node-soap),
// `soap.listen` on a plain node http server, one operation HIPMessageServer(action, message) that returns a fixed
// MCCI_IN000002UV01 string — no authentication, no storage, no fsync. It serves the same WSDL (both bindings) and
// answers SOAP 1.2 envelopes. Runs as its own process; prints "echo ready <url>".
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as soap from 'soap';
import { buildMcciAck } from '../../src/formats/hl7v3/index.js';
import { buildWsdl } from '../../src/formats/soap/index.js';

const PATH = '/services/HIPMessageServer';
const ACK = buildMcciAck({
  code: 'AA',
  targetMessageId: '00000000-0000-0000-0000-000000000000',
  text: '成功',
  sender: 'ECHO',
  receiver: 'HIS',
});

const server = createServer((_req, res) => {
  res.statusCode = 404;
  res.end();
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${PATH}`;
const operation = { HIPMessageServer: () => ({ HIPMessageServerResult: ACK }) };
soap.listen(server, {
  path: PATH,
  xml: buildWsdl({ endpointUrl: url }),
  services: { HIPMessageService: { HIPMessageServiceSoap: operation, HIPMessageServiceSoap12: operation } },
  forceSoap12Headers: true,
});
console.log(`echo ready ${url}`);
