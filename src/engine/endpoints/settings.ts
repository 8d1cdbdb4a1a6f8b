// Settings of an inbound endpoint (接入端点), one schema per protocol. They are validated when an endpoint is saved,
// stored with every default filled in, served to the console as JSON Schema (adapter catalogue), and read by the
// runtime: MLLP listeners (HL7 v2 over TCP) and the HIPMessageServer WebService endpoint.
import Type, { type Static, type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { HIP_SOAP_DEFAULTS } from '../../formats/soap/index.js';

const TopicRef = Type.String({
  pattern: '^[A-Za-z0-9_.-]{1,128}$',
  description: '主题编码 topic code',
});
const SystemRef = Type.String({
  pattern: '^[A-Za-z0-9_.-]{1,64}$',
  description: '订户（接入系统）编码 system code',
});
const Allowlist = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
  maxItems: 200,
  default: [],
  description:
    '允许连接的 IP 地址或网段（CIDR）；为空时只允许本机（127.0.0.1、::1） — addresses and CIDR ranges allowed to connect; empty means loopback only',
});

/** MSH-9 as `type^trigger` (ADT^A01), or the message type alone (ADT) for every trigger of that type. */
export const EVENT_KEY_PATTERN = '^[A-Za-z0-9_]{1,10}(\\^[A-Za-z0-9_]{1,10})?$';

export const MllpTlsSettings = Type.Object(
  {
    certFile: Type.String({ minLength: 1, description: '服务器证书（PEM）文件 — server certificate file (PEM)' }),
    keyFile: Type.String({ minLength: 1, description: '服务器私钥（PEM）文件 — server private key file (PEM)' }),
    caFile: Type.Optional(
      Type.String({
        minLength: 1,
        description: '校验客户端证书所用的 CA 证书（PEM） — CA certificate(s) that client certificates must chain to',
      }),
    ),
    requestClientCert: Type.Boolean({
      default: false,
      description: '要求客户端出示证书（双向 TLS） — ask clients for a certificate (mutual TLS)',
    }),
    rejectUnauthorized: Type.Boolean({
      default: true,
      description:
        '拒绝证书无效或未出示证书的客户端（仅在要求客户端证书时有效） — refuse clients without a valid certificate (when one is requested)',
    }),
  },
  { additionalProperties: false, description: 'MLLP over TLS — 不设置则为明文 TCP (plain TCP when absent)' },
);
export type MllpTlsSettings = Static<typeof MllpTlsSettings>;

export const MllpEndpointSettings = Type.Object(
  {
    host: Type.String({
      default: '0.0.0.0',
      minLength: 1,
      maxLength: 255,
      description: '监听地址 — listen address (0.0.0.0: every IPv4 interface; :: every interface)',
    }),
    port: Type.Integer({
      minimum: 0,
      maximum: 65535,
      description: '监听端口（0 由系统分配，仅用于测试） — TCP port (0: any free port, for tests)',
    }),
    charset: Type.String({
      default: 'UTF-8',
      minLength: 1,
      maxLength: 64,
      description:
        '消息未在 MSH-18 声明字符集时按此解码，如 UTF-8、GB18030、GBK — character set used when MSH-18 declares none',
    }),
    topicByEvent: Type.Record(Type.String({ pattern: EVENT_KEY_PATTERN }), TopicRef, {
      default: {},
      additionalProperties: false,
      description:
        '按 MSH-9 选择主题：键为“消息类型^触发事件”（ADT^A01）或只写消息类型（ADT，匹配该类型的所有事件） — topic by MSH-9: `type^trigger`, or `type` alone for any trigger',
    }),
    defaultTopic: Type.Union([TopicRef, Type.Null()], {
      default: null,
      description: '以上都不匹配时使用的主题；为空则以 AR 拒收 — topic for any other message; none: rejected with AR',
    }),
    ipAllowlist: Allowlist,
    systemCode: Type.Union([SystemRef, Type.Null()], {
      default: null,
      description:
        '连接所属的接入系统；为空则按 MSH-3（发送应用）识别发送方 — the system owning the connection; none: the sender is the system whose code is MSH-3',
    }),
    allowUnknownSender: Type.Boolean({
      default: false,
      description:
        'MSH-3 不是本域接入系统时仍以匿名方式接收；否则以 AR 拒收 — accept senders that are not systems of the domain, anonymously; otherwise AR',
    }),
    ackMode: Type.Literal('original', {
      default: 'original',
      description:
        '应答方式：original = 落盘后回 AA，失败回 AE/AR（多数 HIS/LIS 的方式） — original mode: AA after the commit, AE/AR with the reason otherwise',
    }),
    tls: Type.Union([MllpTlsSettings, Type.Null()], { default: null }),
    maxMessageBytes: Type.Integer({
      minimum: 1024,
      maximum: 64 * 1024 * 1024,
      default: 4 * 1024 * 1024,
      description:
        '单条消息的最大字节数，超过则回 AR 并断开连接 — largest message; a larger one gets AR and the connection is closed',
    }),
    idleTimeoutMs: Type.Integer({
      minimum: 0,
      maximum: 86_400_000,
      default: 600_000,
      description: '连接空闲多久后断开（0 不断开） — close a connection idle this long (0: never)',
    }),
  },
  { additionalProperties: false, description: 'MLLP 监听（HL7 v2） — MLLP listener settings' },
);
export type MllpEndpointSettings = Static<typeof MllpEndpointSettings>;

export const SoapEndpointSettings = Type.Object(
  {
    path: Type.String({
      pattern: '^/services/[A-Za-z0-9._~/-]+$',
      maxLength: 200,
      default: '/services/HIPMessageServer',
      description:
        'WebService 地址路径，须以 /services/ 开头（不区分大小写） — URL path of the service, under /services/ (case-insensitive)',
    }),
    operation: Type.String({
      pattern: '^[A-Za-z_][A-Za-z0-9_.-]*$',
      maxLength: 128,
      default: HIP_SOAP_DEFAULTS.operation,
      description: 'SOAP 操作名 — operation name',
    }),
    namespace: Type.String({
      minLength: 1,
      maxLength: 500,
      default: HIP_SOAP_DEFAULTS.namespace,
      description: '操作的命名空间；* 表示接受任意命名空间 — namespace of the operation (* = any)',
    }),
    actionParam: Type.String({
      pattern: '^[A-Za-z_][A-Za-z0-9_.-]*$',
      maxLength: 128,
      default: HIP_SOAP_DEFAULTS.actionParam,
      description: '服务名参数 — name of the parameter carrying the service (action)',
    }),
    messageParam: Type.String({
      pattern: '^[A-Za-z_][A-Za-z0-9_.-]*$',
      maxLength: 128,
      default: HIP_SOAP_DEFAULTS.messageParam,
      description: '消息参数 — name of the parameter carrying the message',
    }),
    aliases: Type.Record(Type.String({ minLength: 1, maxLength: 128 }), TopicRef, {
      default: {},
      description: '服务名别名或 S 编码 → 主题编码 — action alias or S-code → topic code',
    }),
    ipAllowlist: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
      maxItems: 200,
      default: [],
      description:
        '未带 HTTP 认证时允许的来源地址或网段；为空时只允许本机 — sources allowed without HTTP authentication (empty = loopback only)',
    }),
  },
  { additionalProperties: false, description: 'HIPMessageServer WebService 端点 — WebService endpoint settings' },
);
export type SoapEndpointSettings = Static<typeof SoapEndpointSettings>;

export type EndpointProtocol = 'mllp' | 'soap';
export const ENDPOINT_PROTOCOLS: readonly EndpointProtocol[] = ['mllp', 'soap'];

export const SETTINGS_SCHEMAS: Record<EndpointProtocol, TSchema> = {
  mllp: MllpEndpointSettings,
  soap: SoapEndpointSettings,
};

/** Settings with every default filled in, or the list of problems (`/path message`). */
export function resolveSettings(
  protocol: EndpointProtocol,
  input: unknown,
): { ok: true; settings: Record<string, unknown> } | { ok: false; problems: string[] } {
  const schema = SETTINGS_SCHEMAS[protocol];
  // Checked before defaults are applied: TypeBox's Value.Default throws on a record key its pattern refuses.
  const events = protocol === 'mllp' ? (input as { topicByEvent?: unknown } | null)?.topicByEvent : undefined;
  if (events && typeof events === 'object' && !Array.isArray(events)) {
    const pattern = new RegExp(EVENT_KEY_PATTERN);
    const bad = Object.keys(events).filter((key) => !pattern.test(key));
    if (bad.length > 0) {
      return {
        ok: false,
        problems: bad.map(
          (key) => `/topicByEvent must name MSH-9 as type^trigger or type (ADT^A01, ADT): ${JSON.stringify(key)}`,
        ),
      };
    }
  }
  let withDefaults: unknown;
  try {
    withDefaults = Value.Default(schema, Value.Clone(input ?? {})) as unknown;
  } catch (error) {
    return { ok: false, problems: [`/ cannot be read: ${(error as Error).message}`] };
  }
  const problems = [...Value.Errors(schema, withDefaults)]
    .filter((e) => e.keyword !== 'boolean')
    .map((e) => `${e.instancePath || '/'} ${e.message}`);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, settings: withDefaults as Record<string, unknown> };
}

/** Topic codes an endpoint's settings refer to. */
export function referencedTopics(protocol: EndpointProtocol, settings: Record<string, unknown>): string[] {
  if (protocol === 'mllp') {
    const s = settings as MllpEndpointSettings;
    return [...new Set([...Object.values(s.topicByEvent), ...(s.defaultTopic ? [s.defaultTopic] : [])])];
  }
  return [...new Set(Object.values((settings as SoapEndpointSettings).aliases))];
}
