// Writes docs/services.md (zh-CN) from the interaction-service catalogue: the interface specification a hospital
// hands its vendors. `npm run gen:services-doc`; scripts/gen-services-doc.test.ts fails when the file is stale.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICE_CATEGORIES, listServiceDefinitions } from '../src/services/index.js';
import type { ServiceDefinition, ServiceField } from '../src/services/index.js';
import { EVENT_ROUTES, SERVICE_RULES, mappingRows } from '../src/services/hl7v2/index.js';
import { bindingOf, cdrEntity, queryResultService } from '../src/services/cdr/index.js';

export const SERVICES_DOC = join(dirname(fileURLToPath(import.meta.url)), '../docs/services.md');

const OPERATION: Record<string, string> = {
  add: '新增',
  update: '更新',
  query: '查询',
  cancel: '取消',
  delete: '删除',
  publish: '发布',
};
const TYPE: Record<string, string> = {
  string: '字符串',
  date: '日期',
  datetime: '日期时间',
  code: '代码',
  number: '数值',
  boolean: '布尔',
  object: '对象',
  array: '数组',
};

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function fieldRows(fields: readonly ServiceField[], depth: number, out: string[]): void {
  for (const f of fields) {
    const options = f.options?.length
      ? f.options
          .slice(0, 8)
          .map((o) => (o.display ? `${o.code}=${o.display}` : o.code))
          .join('，') + (f.options.length > 8 ? ` 等 ${f.options.length} 项` : '')
      : '';
    const note = [f.codeSystem ? `OID ${f.codeSystem}` : '', options].filter(Boolean).join('；');
    out.push(
      `| ${'　'.repeat(depth)}${cell(f.key)} | ${cell(f.label)} | ${TYPE[f.type] ?? f.type} | ${f.required ? '是' : '否'} | \`${cell(f.v3Path)}\` | ${cell(note)} |`,
    );
    if (f.fields) fieldRows(f.fields, depth + 1, out);
  }
}

function serviceSection(d: ServiceDefinition): string {
  const out: string[] = [];
  out.push(`### ${d.name}（${d.action}）`, '');
  out.push(d.description, '');
  out.push('| 项目 | 内容 |', '|---|---|');
  out.push(`| action | \`${d.action}\` |`);
  out.push(`| S 编码 | ${d.sCode ?? '—（平台定义）'} |`);
  out.push(`| 标准 | ${d.standard ? '是（WS/T 846）' : '否，平台定义并发布'} |`);
  out.push(`| 操作 | ${OPERATION[d.operation] ?? d.operation} |`);
  out.push(
    `| 请求交互 | \`${d.request}\`${d.requestAlternatives?.length ? `（亦接受 ${d.requestAlternatives.map((r) => `\`${r}\``).join('、')}）` : ''} |`,
  );
  out.push(`| 应答交互 | ${d.response ? `\`${d.response}\`` : '—'} |`);
  const binding = bindingOf(d.action);
  const keys = binding ? binding.keyFields : d.keys;
  out.push(
    `| 业务主键 | ${keys.map((k) => `\`${k}\``).join('、') || '—'}${binding?.splitBy ? `（\`${binding.splitBy}\` 每项一条）` : ''} |`,
  );
  if (d.states) out.push(`| 状态 | ${d.states.map((s) => s.name).join(' → ')} |`);
  out.push(`| 临床数据中心 | ${cell(cdrRule(d))} |`);
  out.push('');
  out.push('| 字段 | 名称 | 类型 | 必填 | V3 路径（相对 controlActProcess） | 说明 |', '|---|---|---|---|---|---|');
  fieldRows(d.fields, 0, out);
  out.push('', `示例 JSON${d.examples.v3Source === 'corpus' ? '（取自国家测评测试用例）' : ''}：`, '', '```json');
  out.push(JSON.stringify(d.examples.json, null, 2), '```', '');
  return out.join('\n');
}

const CDR_OPERATION: Record<string, string> = {
  add: '新增（已存在则合并）',
  update: '更新（须已存在）',
  status: '状态变更（须已存在，按状态机）',
  cancel: '撤销（须已存在）',
  delete: '删除（须已存在）',
  publish: '发布（新增或合并）',
  merge: '合并（被合并者须已存在）',
};
const END_STATE: Record<string, string> = {
  cancelled: '已取消',
  refunded: '已退费',
  deleted: '已删除',
  merged: '已合并',
};
const GUARD: Record<string, string> = {
  checkNotStarted: '仅检查开始前可退费',
  bloodNotIssued: '仅发血（血液出库）前可取消',
};

/** What the clinical data repository does with a message of `d` (see docs/manual/cdr.md). */
function cdrRule(d: ServiceDefinition): string {
  if (d.operation === 'query') {
    const result = queryResultService(d);
    if (!result) return '不保存；无订阅关系时应答为空';
    return `查询：主题无订阅关系时由临床数据中心应答，结果为「${result.def.name}」的 subject${result.fromStatus ? '（各申请最近一条状态消息）' : ''}；配置订阅关系则同步转发给该系统`;
  }
  const b = bindingOf(d.action);
  if (!b) return '不保存';
  const parts = [`${cdrEntity(b.entity)?.name ?? b.entity}：${CDR_OPERATION[b.operation] ?? b.operation}`];
  for (const ref of b.references) {
    const names = ref.anyOf.map((o) => `${cdrEntity(o.entity)?.name ?? o.entity}（${o.field}）`).join(' 或 ');
    parts.push(`须引用已存在的${names}${ref.notInStates?.length ? '，且未取消' : ''}`);
  }
  if (b.stateFrom.length > 0) parts.push(`状态取自 ${b.stateFrom.join(' / ')}`);
  if (b.endState) parts.push(`之后为「${END_STATE[b.endState] ?? b.endState}」`);
  if (b.guard) parts.push(GUARD[b.guard] ?? b.guard);
  return parts.join('；');
}

/** The section "HL7 v2 映射": which v2 event becomes which service, and where each field of it comes from. */
function hl7v2Section(defs: readonly ServiceDefinition[]): string[] {
  const out: string[] = [
    '## HL7 v2 映射',
    '',
    '下列 HL7 v2 事件可直接调用对应的交互服务：经 MLLP 发到默认域（未在接入端点的 MSH-9 映射中列出的事件按下表选主题），',
    '或把 HL7 v2 文本发到该服务的主题。平台按下表把消息转为服务的规范 JSON，校验后写成标准 V3 请求入库、路由',
    '（消息头 `x-hutong-source-format: hl7v2`）。时间保持 v2 TS 的写法（与 V3 相同：yyyyMMddHHmmss[±zzzz]），日期取前 8 位。',
    '',
    'v2 消息没有对应字段而标准要求必填时：文本、标识与允许 `-` 的代码写 `-`（目录的“无值”）；有“未知/未说明/其他”代码的',
    '值域写该代码；标识体系写 WS/T 846 的 OID；只有当事件本身就是该时刻（挂号、入院、开单）时才取事件时间；状态由事件决定。',
    '患者 ID、姓名、就诊流水号、申请单号、项目编码、剂量、金额、临床时间等缺失，以及民族、国籍这类没有中性代码的值缺失时，',
    '消息被拒收（MLLP 回 AE，ERR 指明字段；未映射的事件回 AR 201）。',
    '',
    '| v2 事件 | 规则 | 交互服务 |',
    '|---|---|---|',
  ];
  for (const r of EVENT_ROUTES) {
    out.push(`| ${cell(r.event)} | ${cell(r.rule)} | ${r.services.map((a) => `\`${a}\``).join('、')} |`);
  }
  out.push('');
  for (const d of defs) {
    if (!SERVICE_RULES[d.action]) continue;
    out.push(`### ${d.name}（${d.action}）的 v2 字段来源`, '');
    out.push('| 字段 | 名称 | 必填 | 来源（v2 字段，或无来源时的取值） |', '|---|---|---|---|');
    for (const row of mappingRows(d.action, d.fields)) {
      out.push(`| ${cell(row.key)} | ${cell(row.label)} | ${row.required ? '是' : '否'} | ${cell(row.from)} |`);
    }
    out.push('');
  }
  return out;
}

export function generateServicesDoc(): string {
  const defs = listServiceDefinitions();
  const out: string[] = [
    '# 交互服务接口规范',
    '',
    '<!-- 由 scripts/gen-services-doc.ts 根据交互服务目录生成，请勿手工修改：npm run gen:services-doc -->',
    '',
    '本文是医院集成平台（互通）对接厂商的接口规范：每个交互服务的 action、S 编码、交互标识、字段与示例。',
    '标准服务遵循 WS/T 846《医院信息平台交互规范》，字段由国家测评 XSD 生成；平台定义的服务（非标准）采用与标准服务相同的',
    '传输包装（HL7 V3 消息头、MCCI_IN000002UV01 确认、WebService HIPMessageServer），交互标识为 `HUTONG_IN<6 位数字>`，',
    '业务部分为 `controlActProcess/subject/<实体>/<字段>/@value`（查询为 `queryByParameter`），数组为 `<字段><item>…</item></字段>`。',
    '',
    'JSON 为规范形式：键为英文驼峰，日期时间保持 V3 格式（yyyyMMdd / yyyyMMddHHmmss），数值与布尔为 JSON 类型。',
    '每个服务都可用 JSON 经 REST 调用（`POST /api/hip/<域>/<action>`，`Content-Type: application/json`），平台校验后转为标准 V3；',
    '各服务的 JSON Schema 由 `GET /api/services/<action>/schema` 提供。',
    '',
    `共 ${defs.length} 个服务（标准 ${defs.filter((d) => d.standard).length} 个，平台定义 ${defs.filter((d) => !d.standard).length} 个）。`,
    '',
    '## 目录',
    '',
  ];
  for (const c of SERVICE_CATEGORIES) {
    const list = defs.filter((d) => d.category === c);
    if (list.length === 0) continue;
    out.push(`- ${c}：${list.map((d) => `${d.name}（${d.sCode ?? d.action}）`).join('、')}`);
  }
  out.push('');
  for (const c of SERVICE_CATEGORIES) {
    const list = defs.filter((d) => d.category === c);
    if (list.length === 0) continue;
    out.push(`## ${c}`, '');
    for (const d of list) out.push(serviceSection(d));
  }
  out.push(...hl7v2Section(defs));
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SERVICES_DOC, generateServicesDoc());
  console.log(`wrote ${SERVICES_DOC}`);
}
