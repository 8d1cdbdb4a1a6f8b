// The adapter catalogue (适配器管理): every built-in inbound and outbound adapter with its class and config schema,
// and the registry the dispatcher sends through. Protocol work adds SOAP, MLLP, SQL, AMQP and file adapters here.
import Type from 'typebox';
import { Value } from 'typebox/value';
import { HtError } from '../../platform/errors/index.js';
import { mllpInboundDescriptor, soapInboundDescriptor } from '../endpoints/index.js';
import { HttpOutboundAdapter, httpAdapterDescriptor } from './outbound/http.js';
import { MllpOutboundAdapter, mllpAdapterDescriptor } from './outbound/mllp.js';
import { AmqpOutboundAdapter, amqpAdapterDescriptor } from './outbound/amqp.js';
import { FileOutboundAdapter, fileAdapterDescriptor } from './outbound/file.js';
import { SqlOutboundAdapter, sqlAdapterDescriptor } from './outbound/sql.js';
import { SoapOutboundAdapter, soapAdapterDescriptor } from './outbound/soap.js';
import type { AdapterDescriptor, OutboundAdapter } from './types.js';

export type { AdapterDescriptor, OutboundAdapter, OutboundRequest, OutboundResult } from './types.js';

const inboundDescriptors: AdapterDescriptor[] = [
  {
    type: 'rest',
    name: 'REST 接入',
    nameEn: 'REST inbound',
    className: 'RestInboundEndpoint',
    direction: 'inbound',
    protocol: 'HTTP/JSON',
    description:
      'POST /api/hip/{域}/{主题}：JSON、XML 或文本消息体，接入系统以 API 令牌或 HTTP Basic 认证；异步主题提交后返回消息 ID',
    configSchema: Type.Object({}),
  },
  {
    type: 'http',
    name: 'HTTP 接入',
    nameEn: 'Plain HTTP inbound',
    className: 'HttpInboundEndpoint',
    direction: 'inbound',
    protocol: 'HTTP',
    description:
      'POST /http/{域}/{主题}：任意内容；异步主题返回 202 与 X-Hutong-Message-Id，同步主题原样返回服务方应答',
    configSchema: Type.Object({}),
  },
];

export class AdapterRegistry {
  private readonly outbound = new Map<string, { descriptor: AdapterDescriptor; adapter: OutboundAdapter }>();
  private readonly inbound: AdapterDescriptor[] = [...inboundDescriptors];

  constructor() {
    this.registerOutbound(httpAdapterDescriptor, new HttpOutboundAdapter());
    this.registerOutbound(mllpAdapterDescriptor, new MllpOutboundAdapter());
    // 接入端点 kinds (configured under /api/engine/endpoints), listed with their settings schemas.
    this.registerInbound(mllpInboundDescriptor);
    this.registerInbound(soapInboundDescriptor);
    this.registerOutbound(sqlAdapterDescriptor, new SqlOutboundAdapter());
    this.registerOutbound(amqpAdapterDescriptor, new AmqpOutboundAdapter());
    this.registerOutbound(fileAdapterDescriptor, new FileOutboundAdapter());
    this.registerOutbound(soapAdapterDescriptor, new SoapOutboundAdapter());
  }

  registerOutbound(descriptor: AdapterDescriptor, adapter: OutboundAdapter): void {
    this.outbound.set(descriptor.type, { descriptor, adapter });
  }

  registerInbound(descriptor: AdapterDescriptor): void {
    this.inbound.push(descriptor);
  }

  catalogue(): AdapterDescriptor[] {
    return [...this.inbound, ...[...this.outbound.values()].map((o) => o.descriptor)];
  }

  get(type: string): OutboundAdapter {
    const entry = this.outbound.get(type);
    if (!entry) throw new HtError('HT_ENGINE_ADAPTER_UNKNOWN', { adapter: type });
    return entry.adapter;
  }

  /** Validates a subscription's adapter config; throws HT_ENGINE_ADAPTER_CONFIG_INVALID listing the problems. */
  checkConfig(type: string, config: unknown): Record<string, unknown> {
    const entry = this.outbound.get(type);
    if (!entry) throw new HtError('HT_ENGINE_ADAPTER_UNKNOWN', { adapter: type });
    const problems = [...Value.Errors(entry.descriptor.configSchema, config)]
      .filter((e) => e.keyword !== 'boolean')
      .map((e) => `${e.instancePath || '/'} ${e.message}`);
    if (problems.length > 0) {
      throw new HtError('HT_ENGINE_ADAPTER_CONFIG_INVALID', { adapter: type, reason: problems.join('; ') });
    }
    return config as Record<string, unknown>;
  }

  async close(): Promise<void> {
    await Promise.all([...this.outbound.values()].map((o) => o.adapter.close()));
  }
}
