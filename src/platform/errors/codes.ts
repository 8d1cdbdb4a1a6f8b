// The catalogue of error codes. Codes are part of the API: never rename one, only add.
interface ErrorEntry {
  status: number;
  zh: string;
  en: string;
}

function entries<T extends Record<string, ErrorEntry>>(table: T): T {
  return table;
}

export const messages = entries({
  // request shape
  HT_REQUEST_INVALID: { status: 400, zh: '请求参数不合法', en: 'The request is invalid' },
  HT_REQUEST_MALFORMED_JSON: { status: 400, zh: '请求体不是合法的 JSON', en: 'The request body is not valid JSON' },
  HT_REQUEST_EMPTY_BODY: { status: 400, zh: '请求体为空', en: 'The request body is empty' },
  HT_REQUEST_TOO_LARGE: {
    status: 413,
    zh: '请求体超过上限（{limit} 字节）',
    en: 'The request body exceeds the limit ({limit} bytes)',
  },
  HT_REQUEST_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    zh: '不支持的内容类型：{contentType}',
    en: 'Unsupported content type: {contentType}',
  },
  HT_NOT_FOUND: { status: 404, zh: '资源不存在：{path}', en: 'Not found: {path}' },
  HT_METHOD_NOT_ALLOWED: { status: 405, zh: '不支持该请求方法', en: 'Method not allowed' },
  HT_RATE_LIMITED: { status: 429, zh: '请求过于频繁，请稍后再试', en: 'Too many requests, try again later' },
  HT_INTERNAL: {
    status: 500,
    zh: '服务器内部错误（请求编号 {requestId}）',
    en: 'Internal server error (request id {requestId})',
  },
  HT_UNAVAILABLE: { status: 503, zh: '服务暂不可用：{reason}', en: 'Service unavailable: {reason}' },

  // authentication and access
  HT_AUTH_REQUIRED: { status: 401, zh: '请先登录', en: 'Authentication required' },
  HT_AUTH_INVALID_CREDENTIALS: { status: 401, zh: '用户名或密码错误', en: 'Invalid username or password' },
  HT_AUTH_SESSION_EXPIRED: { status: 401, zh: '会话已过期，请重新登录', en: 'Your session has expired, sign in again' },
  HT_AUTH_INVALID_TOKEN: { status: 401, zh: 'API 令牌无效或已过期', en: 'The API token is invalid or expired' },
  HT_AUTH_FORBIDDEN: { status: 403, zh: '没有权限：{permission}', en: 'Permission denied: {permission}' },
  HT_AUTH_PASSWORD_CHANGE_REQUIRED: {
    status: 403,
    zh: '首次登录或密码被重置，请先修改密码',
    en: 'You must change your password before continuing',
  },
  HT_AUTH_PASSWORD_POLICY: {
    status: 400,
    zh: '密码不符合策略：至少 {minLength} 位，且包含大写字母、小写字母、数字、符号中的至少 3 类',
    en: 'The password does not meet the policy: at least {minLength} characters from at least 3 of upper case, lower case, digits and symbols',
  },
  HT_AUTH_PASSWORD_REUSED: {
    status: 400,
    zh: '新密码不能与最近 {count} 次使用过的密码相同',
    en: 'The new password must differ from the last {count} passwords',
  },

  // system administration (系统管理)
  HT_SYSTEM_USER_NOT_FOUND: { status: 404, zh: '用户不存在：{id}', en: 'User not found: {id}' },
  HT_SYSTEM_USER_EXISTS: { status: 409, zh: '用户名已存在：{username}', en: 'Username already exists: {username}' },
  HT_SYSTEM_USER_SELF: {
    status: 409,
    zh: '不能对自己执行此操作：{action}',
    en: 'You cannot do this to your own account: {action}',
  },
  HT_SYSTEM_ROLE_NOT_FOUND: { status: 404, zh: '角色不存在：{id}', en: 'Role not found: {id}' },
  HT_SYSTEM_ROLE_EXISTS: { status: 409, zh: '角色编码已存在：{code}', en: 'Role code already exists: {code}' },
  HT_SYSTEM_ROLE_BUILTIN: {
    status: 409,
    zh: '内置角色不能删除或修改权限：{code}',
    en: 'Built-in roles cannot be deleted or have their permissions changed: {code}',
  },
  HT_SYSTEM_ROLE_IN_USE: {
    status: 409,
    zh: '角色仍分配给 {count} 个用户，不能删除',
    en: 'The role is still assigned to {count} users and cannot be deleted',
  },
  HT_SYSTEM_ROLE_CONFLICT: {
    status: 409,
    zh: '系统管理员、安全管理员、审计管理员三员分立，一个用户只能担任其中之一',
    en: 'System, security and audit administrator roles are mutually exclusive (separation of duties)',
  },
  HT_SYSTEM_UNKNOWN_PERMISSION: { status: 400, zh: '未知的权限：{permission}', en: 'Unknown permission: {permission}' },
  HT_SYSTEM_TOKEN_NOT_FOUND: { status: 404, zh: 'API 令牌不存在：{id}', en: 'API token not found: {id}' },

  // integration engine (订阅发布): inbound
  HT_ENGINE_DOMAIN_NOT_FOUND: { status: 404, zh: '域不存在：{domain}', en: 'Domain not found: {domain}' },
  HT_ENGINE_DOMAIN_DISABLED: { status: 409, zh: '域已停用：{domain}', en: 'Domain is disabled: {domain}' },
  HT_ENGINE_TOPIC_NOT_FOUND: { status: 404, zh: '主题不存在：{topic}', en: 'Topic not found: {topic}' },
  HT_ENGINE_TOPIC_DISABLED: { status: 409, zh: '主题已停用：{topic}', en: 'Topic is disabled: {topic}' },
  HT_ENGINE_SYSTEM_UNAUTHENTICATED: {
    status: 401,
    zh: '接入系统认证失败：缺少或错误的凭据',
    en: 'System authentication failed: missing or wrong credentials',
  },
  HT_ENGINE_SYSTEM_DISABLED: { status: 403, zh: '接入系统已停用：{system}', en: 'System is disabled: {system}' },
  HT_ENGINE_IP_NOT_ALLOWED: {
    status: 403,
    zh: '来源地址 {ip} 不在接入系统 {system} 的白名单内',
    en: 'Source address {ip} is not allowed for system {system}',
  },
  HT_ENGINE_PUBLISH_FORBIDDEN: {
    status: 403,
    zh: '接入系统 {system} 无权发布主题 {topic}',
    en: 'System {system} may not publish topic {topic}',
  },
  HT_ENGINE_BODY_INVALID: {
    status: 400,
    zh: '消息内容无法解析（{model}）：{reason}',
    en: 'The message body cannot be parsed ({model}): {reason}',
  },
  HT_ENGINE_VALIDATION_FAILED: {
    status: 422,
    zh: '消息未通过模型校验（{model}）：{reason}',
    en: 'The message failed validation against its model ({model}): {reason}',
  },
  HT_ENGINE_NO_PROVIDER: {
    status: 503,
    zh: '同步主题 {topic} 没有可用的服务提供方',
    en: 'Synchronous topic {topic} has no enabled provider',
  },
  HT_ENGINE_PROVIDER_FAILED: {
    status: 502,
    zh: '服务提供方调用失败：{reason}',
    en: 'The provider failed: {reason}',
  },
  HT_ENGINE_UNAVAILABLE: {
    status: 503,
    zh: '集成引擎正在停止，请稍后重试',
    en: 'The engine is shutting down, retry later',
  },

  // integration engine: messages and configuration
  HT_ENGINE_MESSAGE_NOT_FOUND: { status: 404, zh: '消息不存在：{id}', en: 'Message not found: {id}' },
  HT_ENGINE_DELIVERY_NOT_FOUND: { status: 404, zh: '投递不存在：{id}', en: 'Delivery not found: {id}' },
  HT_ENGINE_NOT_FOUND: { status: 404, zh: '{entity} 不存在：{id}', en: '{entity} not found: {id}' },
  HT_ENGINE_CONFLICT: { status: 409, zh: '{entity} 编码已存在：{code}', en: '{entity} code already exists: {code}' },
  HT_ENGINE_IN_USE: { status: 409, zh: '{entity} 仍被使用：{reason}', en: '{entity} is still in use: {reason}' },
  HT_ENGINE_EXPRESSION_INVALID: {
    status: 400,
    zh: '表达式有误（{field}）：{reason}',
    en: 'Invalid expression ({field}): {reason}',
  },
  HT_ENGINE_ADAPTER_UNKNOWN: { status: 400, zh: '未知的适配器：{adapter}', en: 'Unknown adapter: {adapter}' },
  HT_ENGINE_ADAPTER_CONFIG_INVALID: {
    status: 400,
    zh: '适配器 {adapter} 配置有误：{reason}',
    en: 'Invalid configuration for adapter {adapter}: {reason}',
  },
  HT_ENGINE_IMPORT_INVALID: { status: 400, zh: '导入文件有误：{reason}', en: 'Invalid import file: {reason}' },
  HT_ENGINE_REVISION_NOT_REVERTIBLE: {
    status: 409,
    zh: '该修订无法回滚：{reason}',
    en: 'This revision cannot be rolled back: {reason}',
  },
  HT_ENGINE_RESEND_REFUSED: { status: 409, zh: '无法重发：{reason}', en: 'Cannot resend: {reason}' },

  // integration engine: transforms, lookup tables, message models (规则转换, 映射表, 消息模型)
  HT_ENGINE_LOOKUP_KEY_EXISTS: {
    status: 409,
    zh: '一对一映射表 {table} 中键 {key} 已有值',
    en: 'Key {key} already has a value in the one-to-one lookup table {table}',
  },
  HT_ENGINE_LOOKUP_ENTRY_EXISTS: {
    status: 409,
    zh: '映射表 {table} 中已有 {key} → {value}',
    en: 'Lookup table {table} already maps {key} to {value}',
  },
  HT_ENGINE_MODEL_BUILTIN: {
    status: 409,
    zh: '内置消息模型不能修改或删除：{code}',
    en: 'Built-in message models cannot be changed or deleted: {code}',
  },
  HT_ENGINE_SCHEMA_INVALID: {
    status: 400,
    zh: '模型结构定义有误（{schemaType}）：{reason}',
    en: 'Invalid model schema ({schemaType}): {reason}',
  },
  HT_ENGINE_CROSS_DOMAIN: {
    status: 400,
    zh: '{entity} {id} 不属于域 {domain}',
    en: '{entity} {id} does not belong to domain {domain}',
  },
  HT_ENGINE_ALLOWLIST_INVALID: {
    status: 400,
    zh: 'IP 白名单中有无效的地址或网段：{entries}',
    en: 'Invalid IP allowlist entries: {entries}',
  },

  // engine configuration references (配置引用检查): a topic's message model, a subscription's named transform — in the
  // API, in domain import and in rollback
  HT_ENGINE_MODEL_UNKNOWN: {
    status: 400,
    zh: '消息模型不存在：{model}（请先在「消息模型」中登记）',
    en: 'Message model not found: {model} (register it under Message models first)',
  },
  HT_ENGINE_TRANSFORM_REF_UNKNOWN: {
    status: 400,
    zh: '域 {domain} 中没有命名转换 {code}（订阅的 transformRef）',
    en: "Domain {domain} has no named transform {code} (the subscription's transformRef)",
  },

  // WebService inbound (HIPMessageServer): answered as a SOAP Fault or inside an MCCI AE/AR acknowledgement
  HT_SOAP_ENDPOINT_NOT_FOUND: {
    status: 404,
    zh: '没有配置该 WebService 端点：{path}',
    en: 'No WebService endpoint is configured at {path}',
  },
  HT_SOAP_REQUEST_INVALID: { status: 400, zh: 'SOAP 请求无效：{reason}', en: 'Invalid SOAP request: {reason}' },
  HT_SOAP_MESSAGE_UNSAFE: {
    status: 400,
    zh: '消息含有不允许的 XML 内容（DOCTYPE、实体或超出限制）：{reason}',
    en: 'The message contains forbidden XML (DOCTYPE, entities or beyond limits): {reason}',
  },
  HT_SOAP_UNKNOWN_ACTION: {
    status: 404,
    zh: '未知服务（unknown action）：{action}',
    en: 'Unknown action: {action}',
  },
  HT_SOAP_SENDER_UNKNOWN: {
    status: 401,
    zh: '无法识别发送系统：域 {domain} 中没有编码为 {sender} 的接入系统（或请使用 HTTP 认证）',
    en: 'Unknown sender: domain {domain} has no system with code {sender} (or use HTTP authentication)',
  },
  HT_SOAP_IP_NOT_ALLOWED: {
    status: 403,
    zh: '来源地址 {ip} 不在 WebService 端点 {path} 的白名单内（或请使用 HTTP 认证）',
    en: 'Source address {ip} is not allowed at WebService endpoint {path} (or use HTTP authentication)',
  },

  // inbound endpoints (接入端点): MLLP listeners and WebService endpoint records; MLLP answers these in AE/AR ACKs
  HT_ENGINE_ENDPOINT_SETTINGS_INVALID: {
    status: 400,
    zh: '接入端点设置有误（{protocol}）：{reason}',
    en: 'Invalid {protocol} endpoint settings: {reason}',
  },
  HT_ENGINE_ENDPOINT_PORT_IN_USE: {
    status: 409,
    zh: '端口 {port} 已被{owner}使用',
    en: 'Port {port} is already used by {owner}',
  },
  HT_ENGINE_ENDPOINT_PATH_IN_USE: {
    status: 409,
    zh: 'WebService 路径 {path} 已被接入端点 {endpoint} 使用',
    en: 'WebService path {path} is already used by endpoint {endpoint}',
  },
  HT_ENGINE_ENDPOINT_REFERENCE_INVALID: {
    status: 400,
    zh: '域 {domain} 中没有这些{entity}：{codes}',
    en: 'Domain {domain} has no such {entity}: {codes}',
  },
  HT_ENGINE_MLLP_NO_TOPIC: {
    status: 404,
    zh: '接入端点 {endpoint} 没有为消息类型 {event} 配置主题',
    en: 'Endpoint {endpoint} maps no topic to message type {event}',
  },
  HT_ENGINE_MLLP_UNKNOWN_SENDER: {
    status: 403,
    zh: '发送方 {sender}（MSH-3）不是域 {domain} 的接入系统',
    en: 'The sending application {sender} (MSH-3) is not a system of domain {domain}',
  },
  HT_ENGINE_MLLP_TOO_LARGE: {
    status: 413,
    zh: '消息超过接入端点的上限（{limit} 字节）',
    en: 'The message exceeds the endpoint limit ({limit} bytes)',
  },

  // interaction-service catalogue (交互服务目录)
  HT_SERVICE_NOT_FOUND: {
    status: 404,
    zh: '交互服务不存在：{service}',
    en: 'Interaction service not found: {service}',
  },
  HT_SERVICE_DOMAIN_NOT_FOUND: { status: 404, zh: '域不存在：{domain}', en: 'Domain not found: {domain}' },
  // REST calls with the canonical JSON (交互服务 JSON 调用)
  HT_SERVICE_JSON_INVALID: {
    status: 400,
    zh: '交互服务 {service} 的 JSON 请求不合规（{count} 处）：{first}',
    en: 'The JSON request for interaction service {service} is invalid ({count} problems): {firstEn}',
  },
  // HL7 v2 mappings of the interaction services (交互服务 HL7 v2 映射, src/services/hl7v2)
  HT_SERVICE_HL7V2_UNMAPPED: {
    status: 422,
    zh: 'HL7 v2 事件 {event} 没有对应的交互服务：{reason}',
    en: 'HL7 v2 event {event} maps to no interaction service: {reasonEn}',
  },
  HT_SERVICE_HL7V2_INVALID: {
    status: 400,
    zh: 'HL7 v2 消息（{event}）不能转为交互服务 {service}：{location} {reason}',
    en: 'The HL7 v2 message ({event}) cannot become interaction service {service}: {location} {reasonEn}',
  },
  HT_SERVICE_HL7V2_WRONG_TOPIC: {
    status: 409,
    zh: 'HL7 v2 事件 {event} 对应交互服务 {service}，不能发往主题 {topic}',
    en: 'HL7 v2 event {event} is interaction service {service}, not topic {topic}',
  },
  // console try-it of the interaction services (交互服务 试一试)
  HT_SERVICE_TRY_NO_EXAMPLE: {
    status: 400,
    zh: '交互服务 {service} 没有 {format} 示例，请填写请求内容',
    en: 'Interaction service {service} has no {format} example: send a body',
  },

  // clinical data repository (临床数据中心) — refusals answer AE (status 422: the message is well-formed but cannot be taken)
  HT_SERVICE_FIELDS_INVALID: {
    status: 422,
    zh: '交互服务 {service} 的请求字段不合规（{count} 处）：{first}',
    en: 'The request for interaction service {service} has invalid fields ({count} problems): {firstEn}',
  },
  HT_CDR_KEY_MISSING: {
    status: 422,
    zh: '{service}：缺少{entity}的标识字段 {fields}',
    en: '{service}: the key field(s) {fields} of the {entity} are missing',
  },
  HT_CDR_REFERENCE_UNKNOWN: {
    status: 422,
    zh: '{service}：引用的{entity} {key} 不存在',
    en: '{service}: the referenced {entity} {key} does not exist',
  },
  HT_CDR_REFERENCE_CLOSED: {
    status: 422,
    zh: '{service}：引用的{entity} {key} {state}，不能再引用',
    en: '{service}: the referenced {entity} {key} is {state} and can no longer be referred to',
  },
  HT_CDR_STATE_ILLEGAL: {
    status: 422,
    zh: '{entity} {key} 当前状态为「{from}」，不能变为「{to}」；允许的下一状态：{allowed}',
    en: '{entity} {key} is in state "{from}" and cannot move to "{to}"; allowed next: {allowedEn}',
  },
  HT_CDR_STATE_UNKNOWN: {
    status: 422,
    zh: '状态值 {value} 不是{entity}的状态；可用：{states}',
    en: 'State value {value} is not a state of {entity}; states: {states}',
  },
  HT_CDR_REFUND_NOT_ALLOWED: {
    status: 422,
    zh: '检查申请 {key} 已{state}，不能退费（仅未开始的检查可退费）',
    en: 'Examination {key} is already at "{state}": only an examination not yet started can be refunded',
  },
  HT_CDR_TRANSFUSION_CANCEL_NOT_ALLOWED: {
    status: 422,
    zh: '输血申请 {key} 已发血（血袋 {bagNo}），不能取消',
    en: 'Transfusion request {key} already has blood issued (bag {bagNo}) and cannot be cancelled',
  },
  HT_CDR_ENTITY_NOT_FOUND: { status: 404, zh: '业务实体不存在：{entity}', en: 'Repository entity not found: {entity}' },
  HT_CDR_RECORD_NOT_FOUND: { status: 404, zh: '记录不存在：{id}', en: 'Repository record not found: {id}' },
  HT_CDR_STATE_MACHINE_INVALID: {
    status: 400,
    zh: '状态机配置有误：{problems}',
    en: 'Invalid state machine: {problems}',
  },

  // configuration
  HT_CONFIG_INVALID: { status: 500, zh: '配置有误：{problems}', en: 'Invalid configuration: {problems}' },
});

export type ErrorCode = keyof typeof messages;
