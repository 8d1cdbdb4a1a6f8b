// Writes docs/services.md (zh-CN) from the interaction-service catalogue: the interface specification a hospital
// hands its vendors. `npm run gen:services-doc`; scripts/gen-services-doc.test.ts fails when the file is stale.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICE_CATEGORIES, listServiceDefinitions } from '../src/services/index.js';
import type { ServiceDefinition, ServiceField } from '../src/services/index.js';

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
  out.push(`| 业务主键 | ${d.keys.map((k) => `\`${k}\``).join('、') || '—'} |`);
  if (d.states) out.push(`| 状态 | ${d.states.map((s) => s.name).join(' → ')} |`);
  out.push('');
  out.push('| 字段 | 名称 | 类型 | 必填 | V3 路径（相对 controlActProcess） | 说明 |', '|---|---|---|---|---|---|');
  fieldRows(d.fields, 0, out);
  out.push('', `示例 JSON${d.examples.v3Source === 'corpus' ? '（取自国家测评测试用例）' : ''}：`, '', '```json');
  out.push(JSON.stringify(d.examples.json, null, 2), '```', '');
  return out.join('\n');
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
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SERVICES_DOC, generateServicesDoc());
  console.log(`wrote ${SERVICES_DOC}`);
}
