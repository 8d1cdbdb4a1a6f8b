// Interop check with an independent SOAP stack: node-soap (dev dependency) reads our WSDL, calls both bindings,
// and our parser/builder sit on the other end of its (stubbed) HTTP client. Nothing touches the network.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as soap from 'soap';
import type { IHttpClient } from 'soap';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSoapResponse, buildWsdl, parseSoapRequest } from './index.js';
import type { SoapRequest } from './index.js';

type Callback = (err: unknown, result?: Record<string, unknown>) => void;
type Port = Record<string, (args: Record<string, string>, cb: Callback) => void>;

describe('node-soap client against buildWsdl / parseSoapRequest / buildSoapResponse', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hutong-wsdl-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const wsdlPath = join(dir, 'hip.wsdl');
  writeFileSync(wsdlPath, buildWsdl({ endpointUrl: 'http://127.0.0.1:9/hip' }));

  for (const [version, portName] of [
    ['1.1', 'HIPMessageServiceSoap'],
    ['1.2', 'HIPMessageServiceSoap12'],
  ] as const) {
    it(`SOAP ${version} binding`, async () => {
      const received: SoapRequest[] = [];
      const httpClient = {
        request(
          _url: string,
          data: unknown,
          cb: (e: unknown, res?: unknown, body?: unknown) => void,
          headers: Record<string, string>,
        ) {
          const req = parseSoapRequest(String(data), headers['Content-Type'], { soapActionHeader: headers.SOAPAction });
          received.push(req);
          const body = buildSoapResponse(req.soapVersion, `<ack for="${req.action}"/>`);
          setImmediate(() => cb(null, { statusCode: 200, headers: {}, data: body }, body));
          return undefined;
        },
      } as unknown as IHttpClient;
      const client = await soap.createClientAsync(wsdlPath, { httpClient, forceSoap12Headers: version === '1.2' });
      const service = (client as unknown as Record<string, Record<string, Port>>).HIPMessageService;
      const call = service?.[portName]?.HIPMessageServer;
      if (!call) throw new Error('node-soap did not expose the operation');
      const result = await new Promise<Record<string, unknown> | undefined>((resolve, reject) => {
        call(
          { action: 'PatientInfoQuery', message: '<PRPA_IN201305UV02 a="1&amp;">中文</PRPA_IN201305UV02>' },
          (err, r) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(r)),
        );
      });
      expect(received[0]).toMatchObject({
        soapVersion: version,
        action: 'PatientInfoQuery',
        message: '<PRPA_IN201305UV02 a="1&amp;">中文</PRPA_IN201305UV02>',
        soapAction: 'urn:hl7-org:v3/HIPMessageServer',
      });
      expect(result).toEqual({ HIPMessageServerResult: '<ack for="PatientInfoQuery"/>' });
    });
  }
});
