// WSDL 1.1 for the HIPMessageServer endpoint, shaped like the asmx WSDLs hospital integrators already know:
// document/literal wrapped, string parameters, one SOAP 1.1 and one SOAP 1.2 binding on the same address.

import { escapeXmlAttr } from '../xml/index.js';
import { defaultSoapAction, HIP_SOAP_DEFAULTS } from './common.js';

export interface WsdlOptions {
  endpointUrl: string;
  namespace?: string;
  operation?: string;
  actionParam?: string;
  messageParam?: string;
  resultName?: string;
  /** wsdl:service name. Default `HIPMessageService`. */
  serviceName?: string;
  /** SOAPAction advertised for both bindings. Default `<namespace>/<operation>`. */
  soapAction?: string;
}

export function buildWsdl(options: WsdlOptions): string {
  const a = (s: string): string => escapeXmlAttr(s);
  const ns = a(options.namespace ?? HIP_SOAP_DEFAULTS.namespace);
  const op = a(options.operation ?? HIP_SOAP_DEFAULTS.operation);
  const actionParam = a(options.actionParam ?? HIP_SOAP_DEFAULTS.actionParam);
  const messageParam = a(options.messageParam ?? HIP_SOAP_DEFAULTS.messageParam);
  const resultName = a(options.resultName ?? HIP_SOAP_DEFAULTS.resultName);
  const service = a(options.serviceName ?? 'HIPMessageService');
  const soapAction = a(
    options.soapAction ??
      defaultSoapAction(
        options.namespace ?? HIP_SOAP_DEFAULTS.namespace,
        options.operation ?? HIP_SOAP_DEFAULTS.operation,
      ),
  );
  const url = a(options.endpointUrl);

  const binding = (kind: 'soap' | 'soap12', suffix: string): string => `
  <wsdl:binding name="${service}${suffix}" type="tns:${service}Soap">
    <${kind}:binding transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="${op}">
      <${kind}:operation soapAction="${soapAction}" style="document"/>
      <wsdl:input><${kind}:body use="literal"/></wsdl:input>
      <wsdl:output><${kind}:body use="literal"/></wsdl:output>
    </wsdl:operation>
  </wsdl:binding>`;

  return `<?xml version="1.0" encoding="utf-8"?>
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/" xmlns:s="http://www.w3.org/2001/XMLSchema" xmlns:tns="${ns}" targetNamespace="${ns}">
  <wsdl:types>
    <s:schema elementFormDefault="qualified" targetNamespace="${ns}">
      <s:element name="${op}">
        <s:complexType>
          <s:sequence>
            <s:element minOccurs="0" maxOccurs="1" name="${actionParam}" type="s:string"/>
            <s:element minOccurs="0" maxOccurs="1" name="${messageParam}" type="s:string"/>
          </s:sequence>
        </s:complexType>
      </s:element>
      <s:element name="${op}Response">
        <s:complexType>
          <s:sequence>
            <s:element minOccurs="0" maxOccurs="1" name="${resultName}" type="s:string"/>
          </s:sequence>
        </s:complexType>
      </s:element>
    </s:schema>
  </wsdl:types>
  <wsdl:message name="${op}SoapIn">
    <wsdl:part name="parameters" element="tns:${op}"/>
  </wsdl:message>
  <wsdl:message name="${op}SoapOut">
    <wsdl:part name="parameters" element="tns:${op}Response"/>
  </wsdl:message>
  <wsdl:portType name="${service}Soap">
    <wsdl:operation name="${op}">
      <wsdl:input message="tns:${op}SoapIn"/>
      <wsdl:output message="tns:${op}SoapOut"/>
    </wsdl:operation>
  </wsdl:portType>${binding('soap', 'Soap')}${binding('soap12', 'Soap12')}
  <wsdl:service name="${service}">
    <wsdl:port name="${service}Soap" binding="tns:${service}Soap">
      <soap:address location="${url}"/>
    </wsdl:port>
    <wsdl:port name="${service}Soap12" binding="tns:${service}Soap12">
      <soap12:address location="${url}"/>
    </wsdl:port>
  </wsdl:service>
</wsdl:definitions>
`;
}
