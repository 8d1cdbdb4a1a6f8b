// The inbound endpoint kinds as entries of the adapter catalogue (适配器管理), with their settings schemas: what the
// console shows and builds its forms from. The endpoints themselves are configured under /api/engine/endpoints.
import type { AdapterDescriptor } from '../adapters/types.js';
import { MllpEndpointSettings, SoapEndpointSettings } from './settings.js';

export const mllpInboundDescriptor: AdapterDescriptor = {
  type: 'mllp',
  name: 'MLLP 接入（HL7 v2）',
  nameEn: 'MLLP inbound (HL7 v2)',
  className: 'MllpListener',
  direction: 'inbound',
  protocol: 'HL7 v2 / MLLP (TCP, TLS)',
  description:
    '在“接入端点”中配置监听端口：按 MSH-9（消息类型^触发事件）选择主题，按 MSH-18 解码（GB18030、GBK、UTF-8 …），' +
    '消息落盘后回 AA，失败回 AE/AR 并在 MSA-3/ERR 中说明原因；发送方按 MSH-3 识别；可选 TLS 与客户端证书校验',
  configSchema: MllpEndpointSettings,
};

export const soapInboundDescriptor: AdapterDescriptor = {
  type: 'soap',
  name: 'WebService 接入（HIPMessageServer）',
  nameEn: 'WebService inbound (HIPMessageServer)',
  className: 'HipSoapEndpoint',
  direction: 'inbound',
  protocol: 'SOAP 1.1/1.2, HL7 V3',
  description:
    '互联互通标准的 HIPMessageServer(action, message) 服务：在“接入端点”中配置路径、操作名、命名空间与服务名别名；' +
    '消息落盘后以 MCCI 应答 AA，失败以 AE/AR 或 SOAP Fault 说明原因',
  configSchema: SoapEndpointSettings,
};
