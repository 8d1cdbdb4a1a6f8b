// Generates the field definitions and V3 templates of the standard interaction services from the national XSDs
// (shared/corpus/hl7v3/xsd/<action>.xsd) into src/services/catalogue/generated/standard.json.
//
// Why generated and committed: the XSDs are the only machine-readable statement of each message's business part,
// but they are loose (no fixed OIDs, free-text annotations), so the walk is heuristic and its output is reviewed as
// data. `npx tsx scripts/gen-catalogue.ts` rewrites the file; src/services/catalogue/generated.test.ts fails when
// the committed file differs from what the generator produces (like scripts/api-types.test.ts for the API types).
//
// What the walk does, per XSD, below controlActProcess:
// - every attribute that carries business data becomes a field (structural ones — classCode, moodCode, typeCode,
//   determinerCode, codeSystem … — go into the template instead); text-only elements (`name`) become fields too;
// - an identifier (`id` or `id/item`) whose annotation names known identifier kinds (门急诊号, 就诊次数, 患者ID …) is
//   split into one field per kind with a `[@root='OID']` predicate, so the mapper can read and write it;
// - repeating elements (maxOccurs > 1) become array fields with paths relative to the repeating element;
// - labels come from the nearest annotation, else from a dictionary of HL7 element names;
// - keys are camelCase English from the element path, lengthened with ancestors until unique.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { elementChildren, escapeXmlAttr, getAttr, parseXmlSafe, textContent } from '../src/formats/xml/index.js';
import type { XmlElement } from '../src/formats/xml/index.js';
import { findV3Service, V3_SERVICES } from '../src/formats/hl7v3/services.js';
import type { CodeOption, FieldType, ServiceField } from '../src/services/catalogue/types.js';

const here = dirname(fileURLToPath(import.meta.url));
export const XSD_DIR = join(here, '../../shared/corpus/hl7v3/xsd');
export const TESTCASE_DIR = join(here, '../../shared/corpus/hl7v3/testcases');
export const GENERATED_FILE = join(here, '../src/services/catalogue/generated/standard.json');

export interface GeneratedService {
  action: string;
  v3Root: string;
  v3Template: string;
  fields: ServiceField[];
  /** The national test case of this service (corpus), kept verbatim as the example request. */
  corpusExample?: string;
  corpusFile?: string;
}

// ---- identifier kinds (shared/standards/interaction-services.md, "Common OIDs") -----------------------------------
const P = '2.16.156.10011.';
interface IdKind {
  terms: string[];
  oid: string;
  key: string;
  label: string;
}
const ID_KINDS: IdKind[] = [
  { terms: ['患者ID', 'PatientID', '患者标识', '患者id'], oid: `${P}2.5.1.4`, key: 'patientId', label: '患者ID' },
  { terms: ['域ID'], oid: `${P}2.5.1.5`, key: 'domainId', label: '域ID' },
  { terms: ['就诊卡号', '卡号'], oid: `${P}2.5.1.6`, key: 'cardNo', label: '就诊卡号' },
  { terms: ['就诊次数'], oid: `${P}2.5.1.8`, key: 'visitTimes', label: '就诊次数' },
  { terms: ['就诊流水号', '流水号'], oid: `${P}2.5.1.9`, key: 'visitNo', label: '就诊流水号' },
  { terms: ['身份证'], oid: `${P}1.3`, key: 'idCardNo', label: '身份证号' },
  { terms: ['工号', '职工号', '医务人员ID', '人员ID'], oid: `${P}1.4`, key: 'staffNo', label: '医务人员工号' },
  {
    terms: ['科室ID', '科室编码', '科室代码', '科室）ID', '科室)ID'],
    oid: `${P}1.26`,
    key: 'deptCode',
    label: '科室编码',
  },
  { terms: ['机构代码', '机构编码', '机构ID', '机构标识'], oid: `${P}1.5`, key: 'orgCode', label: '医疗卫生机构代码' },
  { terms: ['病区'], oid: `${P}1.27`, key: 'wardCode', label: '病区编码' },
  { terms: ['医嘱ID', '医嘱号'], oid: `${P}1.28`, key: 'orderId', label: '医嘱ID' },
  { terms: ['申请单编号', '申请单号', '电子申请单'], oid: `${P}1.24`, key: 'applicationNo', label: '电子申请单编号' },
  {
    terms: ['门急诊号', '门(急)诊号', '门（急）诊号', '门诊号'],
    oid: `${P}1.11`,
    key: 'outpatientNo',
    label: '门(急)诊号',
  },
  { terms: ['住院号'], oid: `${P}1.12`, key: 'inpatientNo', label: '住院号' },
];

function idKindsIn(text: string): IdKind[] {
  const hits: Array<{ at: number; kind: IdKind }> = [];
  for (const kind of ID_KINDS) {
    let best = -1;
    for (const t of kind.terms) {
      const at = text.indexOf(t);
      if (at >= 0 && (best < 0 || at < best)) best = at;
    }
    if (best >= 0 && !hits.some((h) => h.kind.oid === kind.oid)) hits.push({ at: best, kind });
  }
  // 科室ID inside 医疗卫生机构（科室）ID names the department, not the organisation.
  if (hits.some((h) => h.kind.key === 'deptCode') && /机构（科室）|机构\(科室\)/.test(text)) {
    return hits.filter((h) => h.kind.key !== 'orgCode').map((h) => h.kind);
  }
  return hits.sort((a, b) => a.at - b.at).map((h) => h.kind);
}

// ---- labels for elements the XSDs leave unannotated --------------------------------------------------------------
const ELEMENT_LABELS: Record<string, string> = {
  id: '标识',
  code: '代码',
  name: '名称',
  statusCode: '状态',
  item: '项目',
  idCategory: '标识类别',
  contactParty: '联系人',
  any: '内容',
  component: '组成部分',
  component2: '组成部分',
  effectiveTime: '有效时间',
  time: '时间',
  low: '开始时间',
  high: '结束时间',
  birthTime: '出生日期',
  administrativeGenderCode: '性别',
  maritalStatusCode: '婚姻状况',
  ethnicGroupCode: '民族',
  educationLevelCode: '学历',
  telecom: '联系电话',
  addr: '地址',
  text: '文本',
  title: '标题',
  value: '值',
  quantity: '数量',
  priorityCode: '优先级',
  confidentialityCode: '密级',
  reasonCode: '原因',
  methodCode: '方法',
  targetSiteCode: '部位',
  sequenceNumber: '序号',
  queryId: '查询标识',
  signatureText: '签名',
  signatureCode: '签名编码',
  originalText: '原始文本',
  unit: '单位',
  part: '组成部分',
  streetAddressLine: '街道地址',
  houseNumber: '门牌号',
  city: '城市',
  county: '区县',
  state: '省份',
  postalCode: '邮政编码',
  occupationCode: '职业',
  lengthOfStayQuantity: '住院天数',
  dischargeDispositionCode: '离院方式',
  admissionReferralSourceCode: '入院途径',
  activityTime: '活动时间',
  availabilityTime: '可用时间',
  repeatNumber: '重复次数',
  interpretationCode: '结果解释',
  desc: '描述',
  certificateText: '证书文本',
  positionCode: '职务',
  jobCode: '职称',
  genderStatusCode: '性别状态',
  languageCode: '语言',
  nationalityCode: '国籍',
  expectedUseTime: '预计使用时间',
  seperatableInd: '可分离标识',
  responseModalityCode: '响应方式',
  responsePriorityCode: '响应优先级',
  initialQuantity: '初始数量',
  semanticsText: '语义文本',
  patientId: '患者标识',
  careEventID: '就诊标识',
};

// 卫生信息数据元 (WS 363) identifiers some annotations use instead of a name.
const DATA_ELEMENTS: Record<string, string> = {
  'DE01.00.026.00': '病床号',
  'DE01.00.019.00': '病房号',
  'DE08.10.026.00': '科室名称',
  'DE08.10.054.00': '病区名称',
};

const ATTR_LABELS: Record<string, string> = {
  unit: '单位',
  validTimeLow: '开始时间',
  validTimeHigh: '结束时间',
  nullFlavor: '空值原因',
  use: '用途',
  negationInd: '否定标识',
  inversionInd: '反向标识',
};

// ---- structural attributes: HL7 V3 RIM codes, written into the template, never exposed as fields ----------------
const STRUCTURAL = new Set([
  'classCode',
  'moodCode',
  'typeCode',
  'determinerCode',
  'contextControlCode',
  'contextConductionInd',
  'codeSystem',
  'codeSystemName',
  'codeSystemVersion',
  'ITSVersion',
  'xsi:type',
  'type',
]);

const CLASS_MOOD: Record<string, [string, string?]> = {
  encounterEvent: ['ENC', 'EVN'],
  encounter: ['ENC', 'EVN'],
  placerGroup: ['GROUPER', 'RQO'],
  observationRequest: ['OBS', 'RQO'],
  substanceAdministrationRequest: ['SBADM', 'RQO'],
  procedureRequest: ['PROC', 'RQO'],
  supplyRequest: ['SPLY', 'RQO'],
  observation: ['OBS', 'EVN'],
  observationEvent: ['OBS', 'EVN'],
  registrationEvent: ['REG', 'EVN'],
  registrationRequest: ['REG', 'RQO'],
  annotation: ['ACT', 'EVN'],
  actAppointment: ['ACT', 'APT'],
  appointment: ['ACT', 'APT'],
  schedule: ['ACT', 'SLOT'],
  transfusion: ['PROC', 'EVN'],
  patient: ['PAT'],
  patientPerson: ['PSN'],
  assignedEntity: ['ASSIGNED'],
  assignedPerson: ['ASSIGNED'],
  assignedDevice: ['ASSIGNED'],
  healthCareProvider: ['PROV'],
  serviceDeliveryLocation: ['SDLOC'],
  location: ['PLC'],
  representedOrganization: ['ORG'],
  serviceProviderOrganization: ['ORG'],
  providerOrganization: ['ORG'],
  scopingOrganization: ['ORG'],
  organization: ['ORG'],
  manufacturedProduct: ['MANU'],
  policy: ['POLICY', 'EVN'],
  controlActProcess: ['CACT', 'EVN'],
};

const TYPE_CODES: Record<string, string> = {
  subject: 'SBJ',
  subject1: 'SBJ',
  subject2: 'SBJ',
  author: 'AUT',
  verifier: 'VRF',
  performer: 'PRF',
  admitter: 'ADM',
  attender: 'ATND',
  location: 'LOC',
  component: 'COMP',
  component1: 'COMP',
  component2: 'COMP',
  componentOf: 'COMP',
  componentOf1: 'COMP',
  pertinentInformation: 'PERT',
  pertinentInformation1: 'PERT',
  reason: 'RSON',
  custodian: 'CST',
  discharger: 'DIS',
  receiver: 'RCV',
  sender: 'SND',
  consumable: 'CSM',
  consumable2: 'CSM',
  occurrenceOf: 'OCCR',
  subjectOf: 'SUBJ',
  subjectOf3: 'SUBJ',
  subjectOf6: 'SUBJ',
};

const ENTITY_ELEMENTS = new Set([
  'patientPerson',
  'location',
  'representedOrganization',
  'serviceProviderOrganization',
  'providerOrganization',
  'scopingOrganization',
  'organization',
  'manufacturedProduct',
]);

function structuralValue(element: string, attr: string, parents: string[], queryMode: boolean): string {
  const parent = parents[parents.length - 1];
  if (attr === 'ITSVersion') return 'XML_1.0';
  if (attr === 'typeCode') {
    if (element === 'subject' && parent === 'controlActProcess') return 'SUBJ';
    return TYPE_CODES[element] ?? '';
  }
  if (attr === 'contextControlCode') return 'OP';
  if (attr === 'contextConductionInd') return 'true';
  if (attr === 'determinerCode') return 'INSTANCE';
  if (element === 'controlActProcess') return attr === 'classCode' ? (queryMode ? 'ACTN' : 'CACT') : 'EVN';
  // assignedPerson is the role under a participation and the person entity under a role.
  if (element === 'assignedPerson' && (parent === 'assignedPerson' || parent === 'assignedEntity')) {
    return attr === 'classCode' ? 'PSN' : '';
  }
  if (element === 'location' && parent === 'serviceDeliveryLocation') return attr === 'classCode' ? 'PLC' : '';
  const cm = CLASS_MOOD[element];
  if (!cm) return '';
  if (attr === 'classCode') return cm[0];
  if (attr === 'moodCode') return cm[1] ?? (ENTITY_ELEMENTS.has(element) ? '' : 'EVN');
  return '';
}

// ---- XSD reading -------------------------------------------------------------------------------------------------
interface XNode {
  name: string;
  min: number;
  max: number;
  doc: string;
  /** xs:string-like simple content (the element's text is a value). */
  text: boolean;
  textRestriction: Restriction;
  attrs: XAttr[];
  children: XNode[];
}
interface Restriction {
  base: string;
  enums: string[];
  pattern?: string;
  fixed?: string;
}
interface XAttr extends Restriction {
  name: string;
  required: boolean;
  doc: string;
}

function docOf(el: XmlElement): string {
  const ann = elementChildren(el).find((c) => c.localName === 'annotation');
  if (!ann) return '';
  return elementChildren(ann)
    .map((c) => textContent(c))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function restrictionOf(el: XmlElement, fallbackBase: string): Restriction {
  const out: Restriction = { base: fallbackBase, enums: [] };
  const visit = (e: XmlElement): void => {
    for (const c of elementChildren(e)) {
      if (c.localName === 'restriction') out.base = getAttr(c, 'base') ?? out.base;
      if (c.localName === 'enumeration') out.enums.push(getAttr(c, 'value') ?? '');
      if (c.localName === 'pattern') out.pattern = getAttr(c, 'value');
      visit(c);
    }
  };
  visit(el);
  return out;
}

class XsdReader {
  private readonly types = new Map<string, XmlElement>();
  constructor(root: XmlElement) {
    for (const c of elementChildren(root)) {
      const n = getAttr(c, 'name');
      if ((c.localName === 'complexType' || c.localName === 'simpleType') && n) this.types.set(n, c);
    }
  }

  private named(type: string | undefined): XmlElement | undefined {
    if (!type || type.startsWith('xs:')) return undefined;
    return this.types.get(type.includes(':') ? type.slice(type.indexOf(':') + 1) : type);
  }

  element(el: XmlElement, depth = 0): XNode {
    const name = getAttr(el, 'name') ?? getAttr(el, 'ref') ?? '?';
    const maxRaw = getAttr(el, 'maxOccurs') ?? '1';
    const node: XNode = {
      name: name.includes(':') ? name.slice(name.indexOf(':') + 1) : name,
      min: Number(getAttr(el, 'minOccurs') ?? '1'),
      max: maxRaw === 'unbounded' ? Infinity : Number(maxRaw),
      doc: docOf(el),
      text: false,
      textRestriction: { base: 'xs:string', enums: [] },
      attrs: [],
      children: [],
    };
    if (depth > 40) return node;
    const type = getAttr(el, 'type');
    const namedType = this.named(type);
    if (type?.startsWith('xs:')) {
      node.text = true;
      node.textRestriction.base = type;
    }
    const bodies: XmlElement[] = elementChildren(el).filter(
      (c) => c.localName === 'complexType' || c.localName === 'simpleType',
    );
    if (namedType) bodies.push(namedType);
    for (const body of bodies) this.content(body, node, depth);
    if (!type && bodies.length === 0) node.text = true; // <xs:element name="x"/> — anyType, carries text
    return node;
  }

  private content(body: XmlElement, node: XNode, depth: number): void {
    if (body.localName === 'simpleType') {
      node.text = true;
      node.textRestriction = restrictionOf(body, 'xs:string');
      return;
    }
    if (getAttr(body, 'mixed') === 'true') node.text = true;
    const walk = (e: XmlElement): void => {
      for (const c of elementChildren(e)) {
        switch (c.localName) {
          case 'element':
            node.children.push(this.element(c, depth + 1));
            break;
          case 'attribute':
            node.attrs.push(this.attribute(c));
            break;
          case 'simpleContent':
            node.text = true;
            walk(c);
            break;
          case 'extension':
          case 'restriction': {
            const base = getAttr(c, 'base') ?? 'xs:string';
            const named = this.named(base);
            if (named && named.localName === 'complexType') this.content(named, node, depth);
            if (base.startsWith('xs:')) node.textRestriction.base = base;
            walk(c);
            break;
          }
          case 'sequence':
          case 'all':
          case 'choice':
          case 'complexContent':
            walk(c);
            break;
          case 'enumeration':
            node.textRestriction.enums.push(getAttr(c, 'value') ?? '');
            break;
          default:
            break;
        }
      }
    };
    walk(body);
  }

  private attribute(el: XmlElement): XAttr {
    const type = getAttr(el, 'type');
    const named = this.named(type);
    const r = restrictionOf(named ?? el, type ?? 'xs:string');
    const fixed = getAttr(el, 'fixed');
    return {
      name: getAttr(el, 'name') ?? getAttr(el, 'ref') ?? '?',
      required: getAttr(el, 'use') === 'required',
      doc: docOf(el),
      ...r,
      ...(fixed !== undefined ? { fixed } : {}),
    };
  }
}

// ---- field derivation ----------------------------------------------------------------------------------------------
function cleanLabel(doc: string): string {
  let t = doc.trim();
  const de = /DE\d{2}\.\d{2}\.\d{3}\.\d{2}/.exec(t);
  if (de && DATA_ELEMENTS[de[0]] && !/[\u4e00-\u9fff]/.test(t.split(/\s+/)[0] ?? ''))
    return DATA_ELEMENTS[de[0]] as string;
  // "就诊类别代码 1.门诊 2.急诊", "医嘱类别（1 长期医嘱…", "PatientID": keep the first phrase.
  t = t.split(/[\s，,；;:：]+/)[0] ?? t;
  t = t.replace(/[（(].*$/, '').replace(/[-—]+$/, '');
  if (t.includes('-') && /^[A-Za-z]/.test(t)) t = t.slice(t.indexOf('-') + 1); // "interactionId-消息的服务标识"
  return t.trim();
}

function camel(parts: string[]): string {
  const words = parts.filter((p) => p.length > 0);
  return words
    .map((w, i) => {
      const clean = w.replace(/[^A-Za-z0-9]/g, '');
      return i === 0 ? clean.charAt(0).toLowerCase() + clean.slice(1) : clean.charAt(0).toUpperCase() + clean.slice(1);
    })
    .join('');
}

const DATE_PATTERN = /\\d\{3\}\[1-9\]|\[0-9\]\{3\}\[1-9\]|0\[13578\]/;
const TIME_ELEMENTS = new Set(['time', 'effectiveTime', 'low', 'high', 'birthTime', 'creationTime', 'activityTime']);

function typeOf(element: string, attr: string | undefined, r: Restriction): FieldType {
  if (attr === 'code') return 'code';
  if (r.base.endsWith('boolean') || attr === 'negationInd') return 'boolean';
  if (r.pattern && DATE_PATTERN.test(r.pattern)) return r.pattern.includes('[0-5]') ? 'datetime' : 'date';
  if (TIME_ELEMENTS.has(element) || attr === 'validTimeLow' || attr === 'validTimeHigh') return 'datetime';
  if (/^xs:(int|long|short|byte|float|decimal|double|positiveInteger|integer)$/.test(r.base) && r.enums.length === 0) {
    return 'number';
  }
  if (r.enums.length > 0) return 'code';
  return 'string';
}

interface Slot {
  /** Element names from the scope root to the element holding the value. */
  elements: string[];
  predicate?: string;
  attr?: string;
  label: string;
  description?: string;
  type: FieldType;
  required: boolean;
  options?: CodeOption[];
  codeSystem?: string;
  /** Key hint used instead of the element-derived key (identifier kinds). */
  keyHint?: string;
  array?: { node: XNode; slots: Slot[]; label: string; description?: string };
}

const GENERIC = new Set([
  'low',
  'high',
  'code',
  'time',
  'statusCode',
  'originalText',
  'name',
  'text',
  'effectiveTime',
  'id',
  'displayName',
  'value',
  'quantity',
]);
const NOISE = new Set(['item', 'value', 'subject', 'patient', 'controlActProcess']);

function keyCandidates(slot: Slot): string[][] {
  const names = slot.elements;
  const tail: string[] = [];
  if (slot.keyHint) tail.push(slot.keyHint);
  else if (slot.attr === 'code' && !/[Cc]ode$/.test(names[names.length - 1] ?? '')) tail.push('code');
  else if (slot.attr && !['value', 'extension', 'code'].includes(slot.attr)) tail.push(slot.attr);
  const meaningful = names.filter((n, i) => !NOISE.has(n) || i === names.length - 1);
  let base = meaningful;
  if (names[names.length - 1] === 'displayName') base = [...meaningful.slice(0, -1), 'name'];
  if (slot.attr === 'extension' && !slot.keyHint && base[base.length - 1] === 'item') base = base.slice(0, -1);
  if (slot.keyHint) base = base.filter((n) => n !== 'id' && n !== 'item');
  const out: string[][] = [];
  // A generic last word (low, code, time …) needs its parent to mean anything.
  const first = base.length >= 2 && GENERIC.has(base[base.length - 1] as string) && tail.length === 0 ? 2 : 1;
  for (let n = first; n <= base.length; n++) out.push([...base.slice(base.length - n), ...tail]);
  if (out.length === 0) out.push(tail.length > 0 ? tail : ['value']);
  if (slot.keyHint && base.length > 0) out.unshift(tail);
  return out;
}

function assignKeys(slots: Slot[]): string[] {
  const keys = new Array<string>(slots.length).fill('');
  const level = new Array<number>(slots.length).fill(0);
  const cands = slots.map(keyCandidates);
  for (let round = 0; round < 30; round++) {
    for (let i = 0; i < slots.length; i++) {
      const c = cands[i] as string[][];
      keys[i] = camel(c[Math.min(level[i] as number, c.length - 1)] as string[]);
    }
    const seen = new Map<string, number[]>();
    keys.forEach((k, i) => seen.set(k, [...(seen.get(k) ?? []), i]));
    let changed = false;
    for (const [, idx] of seen) {
      if (idx.length < 2) continue;
      for (const i of idx) {
        if ((level[i] as number) < (cands[i] as string[][]).length - 1) {
          level[i] = (level[i] as number) + 1;
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  // Whatever still collides (identical paths up to the root) gets a counter.
  const count = new Map<string, number>();
  return keys.map((k) => {
    const n = (count.get(k) ?? 0) + 1;
    count.set(k, n);
    return n === 1 ? k : `${k}${n}`;
  });
}

function labelFor(node: XNode, docs: string[], attr?: XAttr): { label: string; description?: string } {
  const own = attr?.doc || node.doc;
  const inherited = docs.length > 0 ? (docs[docs.length - 1] as string) : '';
  const doc = own || inherited;
  let label = doc ? cleanLabel(doc) : '';
  // An inherited annotation names the parent: "服务场所" + 名称 for its name, + 时间 for its time.
  const part = ELEMENT_LABELS[node.name];
  if (!own && label && part && !/^[A-Za-z]/.test(label) && !label.endsWith(part)) {
    label = `${label.replace(/信息$/, '')}${part}`;
  }
  if (!label || /^[A-Za-z0-9.]/.test(label)) {
    const fallback = attr && ATTR_LABELS[attr.name] ? ATTR_LABELS[attr.name] : ELEMENT_LABELS[node.name];
    if (label && /^[A-Za-z]/.test(label)) label = fallback ? `${fallback}（${label}）` : label;
    else label = fallback ?? node.name;
  }
  if (attr && ATTR_LABELS[attr.name] && !label.endsWith(ATTR_LABELS[attr.name] as string) && own === node.doc) {
    label = `${label}${ATTR_LABELS[attr.name]}`;
  }
  return doc && doc !== label ? { label, description: doc } : { label };
}

function optionsOf(node: XNode, r: Restriction): CodeOption[] | undefined {
  const codes = r.enums.filter((c) => c !== '');
  if (codes.length === 0) return undefined;
  const display = node.children.find((c) => c.name === 'displayName')?.attrs.find((a) => a.name === 'value')?.enums;
  const aligned =
    display && display.filter((d) => d !== '').length === codes.length ? display.filter((d) => d !== '') : [];
  return codes.map((code, i) => (aligned[i] ? { code, display: aligned[i] } : { code }));
}

/** Collects the value slots under `node` (its own path is `path`, relative to the scope). */
function collect(
  node: XNode,
  path: string[],
  docs: string[],
  required: boolean,
  out: Slot[],
  queryMode: boolean,
): void {
  const req = required && node.min > 0;
  const docsHere = node.doc ? [...docs, node.doc] : docs;

  // Identifiers: id with items (or @root/@extension) whose annotation names known kinds.
  const idLike = (n: XNode): boolean =>
    n.attrs.some((a) => a.name === 'root') && n.attrs.some((a) => a.name === 'extension');
  const itemChild = node.children.find((c) => c.name === 'item' && idLike(c));
  if (idLike(node) || (itemChild && node.children.length === 1 && node.attrs.every((a) => STRUCTURAL.has(a.name)))) {
    const item = idLike(node) ? undefined : itemChild;
    const holder = item ?? node;
    const hasExt = holder.attrs.some((a) => a.name === 'extension');
    if (hasExt && holder.attrs.some((a) => a.name === 'root')) {
      const own = `${node.doc} ${holder.doc}`.trim();
      const kinds = idKindsIn(own || (docs[docs.length - 1] ?? ''));
      const elements = item ? [...path, 'item'] : path;
      const label = labelFor(holder, docsHere);
      if (kinds.length > 0 && (kinds.length === 1 || holder.max > 1 || node.max > 1)) {
        for (const kind of kinds) {
          out.push({
            elements,
            predicate: `[@root='${kind.oid}']`,
            attr: 'extension',
            label: kinds.length === 1 && label.label && !/^[A-Za-z]/.test(label.label) ? label.label : kind.label,
            ...(label.description ? { description: label.description } : {}),
            type: 'string',
            required: req,
            codeSystem: kind.oid,
            keyHint: kind.key,
          });
        }
        return;
      }
      // Unknown kind: the identifier system travels as its own field.
      out.push({ elements, attr: 'extension', ...label, type: 'string', required: req });
      out.push({ elements, attr: 'root', label: `${label.label}标识体系(OID)`, type: 'string', required: req });
      for (const c of holder.children) collect(c, [...elements, c.name], docsHere, req, out, queryMode);
      return;
    }
  }

  for (const a of node.attrs) {
    if (STRUCTURAL.has(a.name) || a.fixed !== undefined || a.name.startsWith('xmlns')) continue;
    if (node.name === 'displayName' && a.name === 'value' && path.length >= 2) {
      // displayName/@value names the parent code.
      const parentDoc = docs[docs.length - 1] ?? '';
      const base = parentDoc ? cleanLabel(parentDoc) : (ELEMENT_LABELS[path[path.length - 2] as string] ?? '代码');
      const label = /名称$/.test(base) ? base : `${base.replace(/(代码|编码|编号)$/, '')}名称`;
      const names = a.enums.filter((e) => e !== '');
      out.push({
        elements: path,
        attr: 'value',
        label,
        type: names.length > 0 ? 'code' : 'string',
        required: req && a.required,
        ...(names.length > 0 ? { options: names.map((code) => ({ code })) } : {}),
      });
      continue;
    }
    const { label, description } = labelFor(node, docs, a);
    const type = typeOf(node.name, a.name, a);
    const options = type === 'code' ? optionsOf(node, a) : undefined;
    out.push({
      elements: path,
      attr: a.name,
      label,
      ...(description ? { description } : {}),
      type,
      required: req && a.required,
      ...(options ? { options } : {}),
    });
  }
  if (node.text && node.children.length === 0 && node.attrs.filter((a) => !STRUCTURAL.has(a.name)).length === 0) {
    const { label, description } = labelFor(node, docs);
    out.push({
      elements: path,
      label,
      ...(description ? { description } : {}),
      type: typeOf(node.name, undefined, node.textRestriction),
      required: req,
    });
  }
  for (const c of node.children) {
    if (c.max > 1 && c.name !== 'item') {
      const slots: Slot[] = [];
      collect({ ...c, max: 1 }, [], c.doc ? [...docsHere, c.doc] : docsHere, true, slots, queryMode);
      const { label, description } = labelFor(c, docsHere);
      out.push({
        elements: [...path, c.name],
        label,
        ...(description ? { description } : {}),
        type: 'array',
        required: req && c.min > 0,
        array: { node: c, slots, label },
      });
      continue;
    }
    collect(c, [...path, c.name], docsHere, req, out, queryMode);
  }
}

function pathOf(slot: Slot): string {
  const steps = [...slot.elements];
  if (slot.predicate && steps.length > 0) steps[steps.length - 1] = `${steps[steps.length - 1]}${slot.predicate}`;
  if (slot.attr) steps.push(`@${slot.attr}`);
  return steps.join('/');
}

function toFields(slots: Slot[]): ServiceField[] {
  const keys = assignKeys(slots);
  return slots.map((s, i) => {
    const f: ServiceField = {
      key: s.type === 'array' ? `${keys[i] as string}List` : (keys[i] as string),
      label: s.label,
      type: s.type,
      required: s.required,
      v3Path: s.type === 'array' ? s.elements.join('/') : pathOf(s),
    };
    if (s.description) f.description = s.description;
    if (s.codeSystem) f.codeSystem = s.codeSystem;
    if (s.options) f.options = s.options;
    if (s.array) f.fields = toFields(s.array.slots);
    return f;
  });
}

// ---- template ------------------------------------------------------------------------------------------------------
function template(node: XNode, parents: string[], queryMode: boolean, indent: string, out: string[]): void {
  const attrs: string[] = [];
  for (const a of node.attrs) {
    if (a.name.startsWith('xmlns') || a.name === 'xsi:type') continue;
    const v = a.fixed ?? (STRUCTURAL.has(a.name) ? structuralValue(node.name, a.name, parents, queryMode) : '');
    if (!a.required && v === '' && a.fixed === undefined) continue;
    attrs.push(` ${a.name}="${escapeXmlAttr(v)}"`);
  }
  const open = `${indent}<${node.name}${attrs.join('')}`;
  if (node.children.length === 0) {
    out.push(`${open}/>`);
    return;
  }
  out.push(`${open}>`);
  for (const c of node.children) template(c, [...parents, node.name], queryMode, `${indent}\t`, out);
  out.push(`${indent}</${node.name}>`);
}

// ---- per service -----------------------------------------------------------------------------------------------
export function generateService(action: string, xsdText: string | Uint8Array): GeneratedService {
  const doc = parseXmlSafe(xsdText, { maxBytes: 64 * 1024 * 1024 });
  const reader = new XsdReader(doc.root);
  const top = elementChildren(doc.root).find((c) => c.localName === 'element');
  if (!top) throw new Error(`${action}: no root element`);
  const message = reader.element(top);
  const cap = message.children.find((c) => c.name === 'controlActProcess');
  if (!cap) throw new Error(`${action}: no controlActProcess`);
  const queryMode = cap.children.some((c) => c.name === 'queryByParameter');
  const business = cap.children.filter(
    (c) => !['id', 'code', 'reasonCode', 'languageCode'].includes(c.name) || queryMode,
  );
  const v3Root = queryMode
    ? 'queryByParameter'
    : (business.find((c) => c.name.startsWith('subject'))?.name ?? 'subject');
  const slots: Slot[] = [];
  for (const c of cap.children) {
    if (c.max > 1 && c.name.startsWith('subject')) {
      // Several subjects (e.g. 术语 entries): one array of them.
      const inner: Slot[] = [];
      collect({ ...c, max: 1 }, [], c.doc ? [c.doc] : [], true, inner, queryMode);
      const { label, description } = labelFor(c, []);
      slots.push({
        elements: [c.name],
        label,
        ...(description ? { description } : {}),
        type: 'array',
        required: c.min > 0,
        array: { node: c, slots: inner, label },
      });
    } else collect(c, [c.name], [], true, slots, queryMode);
  }
  const lines: string[] = [];
  template(cap, [message.name], queryMode, '', lines);
  return { action, v3Root, v3Template: lines.join('\n'), fields: toFields(slots) };
}

export function generateCatalogueData(xsdDir: string = XSD_DIR, testcaseDir: string = TESTCASE_DIR): string {
  const files = new Set(readdirSync(xsdDir));
  // EMR-PL-22-门诊挂号信息查询服务-T01.xml → the service named 门诊挂号信息查询服务.
  const cases = new Map<string, string>();
  for (const f of readdirSync(testcaseDir).sort()) {
    const name = /^EMR-PL-\d+-(.+)-T\d+\.xml$/.exec(f)?.[1];
    const svc = name ? findV3Service(name) : undefined;
    if (svc && !cases.has(svc.action)) cases.set(svc.action, f);
  }
  const out: Record<string, GeneratedService> = {};
  for (const svc of V3_SERVICES) {
    const file = `${svc.action}.xsd`;
    if (!files.has(file)) continue;
    const g = generateService(svc.action, readFileSync(join(xsdDir, file)));
    const tc = cases.get(svc.action);
    if (tc) {
      g.corpusFile = tc;
      g.corpusExample = readFileSync(join(testcaseDir, tc), 'utf8').replace(/\r\n?/g, '\n');
    }
    out[svc.action] = g;
  }
  return `${JSON.stringify(out, null, 1)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(GENERATED_FILE, generateCatalogueData());
  console.log(`wrote ${GENERATED_FILE}`);
}
