// Test-only: a V3 message posted to the platform's HIPMessageServer WebService as a client stack puts it on the wire
// (shaped by soapRequest), for the repository's end-to-end tests. Not exported from index.ts.
import type { Hutong } from '../../app.js';
import type { ShapedRequest } from '../../engine/adapters/inbound/soap/clients.testutil.js';
import { parseSoapResponse, type SoapResponse } from '../../formats/soap/index.js';

/** Posts `request` to /services/HIPMessageServer as the system holding `secret`: the SOAP answer and the raw body. */
export async function postToHip(
  hutong: Hutong,
  request: ShapedRequest,
  secret: string,
): Promise<{ answer: SoapResponse; body: string }> {
  const res = await hutong.app.inject({
    method: 'POST',
    url: '/services/HIPMessageServer',
    payload: request.body,
    headers: { ...request.headers, authorization: `Bearer ${secret}` },
  });
  const answer = parseSoapResponse(res.body, String(res.headers['content-type']), {
    resultName: 'HIPMessageServerResult',
  });
  return { answer, body: res.body };
}
