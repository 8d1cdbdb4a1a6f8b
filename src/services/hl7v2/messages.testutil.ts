// Realistic Chinese HL7 v2 messages (UTF-8, v2.4/2.5) of a hospital's HIS, LIS, PACS and scheduling systems, one per
// mapped event, for the mapping tests. Segments are written from sparse field maps so the field numbers are visible.

/** One segment from `{ field number: raw value }` (values may hold ^ & ~ as in the wire text). */
export function seg(name: string, fields: Record<number, string>): string {
  const last = Math.max(0, ...Object.keys(fields).map(Number));
  const parts = [name];
  for (let i = 1; i <= last; i++) parts.push(fields[i] ?? '');
  return parts.join('|');
}

export function msh(event: string, controlId: string, sender = 'HIS', time = '20240315093000'): string {
  // MSH-1 is the separator itself, so MSH fields are numbered from 2 here: field n of this map is MSH-n.
  const fields: Record<number, string> = {
    2: '^~\\&',
    3: sender,
    4: 'BJXH^1.2.156.112604.1^ISO',
    5: 'HUTONG',
    6: 'BJXH',
    7: time,
    9: event,
    10: controlId,
    11: 'P',
    12: '2.5',
    15: 'AL',
    16: 'NE',
    18: 'UNICODE UTF-8',
  };
  const last = 18;
  const parts = ['MSH'];
  for (let i = 2; i <= last; i++) parts.push(fields[i] ?? '');
  return parts.join('|');
}

export const join = (...segments: string[]): string => `${segments.join('\r')}\r`;

export const PID = seg('PID', {
  1: '1',
  3: 'P0000123^^^BJXH^PI~110101199001011234^^^CHN^NNCHN~K000123^^^BJXH&1.2.156.112604&ISO^HC',
  5: '张^三',
  7: '19900101',
  8: 'M',
  11: '王府井大街1号^^北京市^北京市^100006^CHN^H^^东城区',
  13: '^PRN^PH^^^010^65295000~13800138000',
  16: 'M',
  22: '01^汉族',
  28: 'CHN^中国',
});

const NK1 = seg('NK1', { 1: '1', 2: '李^梅', 3: 'SPO^配偶', 5: '13900139000' });
const EVN = (trigger: string, time = '20240315093000') => seg('EVN', { 1: trigger, 2: time, 5: 'N0088^赵^敏' });

export const PV1_OUTPATIENT = seg('PV1', {
  1: '1',
  2: 'O',
  3: 'NKMZ^^^BJXH^^^^^内科门诊',
  7: 'D0101^王^建国',
  10: 'NK^内科',
  19: 'V20240315001',
  20: '01^城镇职工基本医疗保险',
  44: '20240315093000',
  50: 'MZ20240315001',
});

export const PV1_INPATIENT = seg('PV1', {
  1: '1',
  2: 'I',
  3: 'XNKBQ^0301^12^BJXH',
  6: 'SJNKBQ^0502^08^BJXH',
  7: 'D0202^刘^洋',
  10: 'XNK^心内科',
  17: 'D0203^陈^静',
  19: 'V20240310007',
  20: '02',
  44: '20240310101500',
  50: 'ZY2024000321',
});

export const DG1 = seg('DG1', {
  1: '1',
  3: 'I10.x00^原发性高血压^ICD10',
  5: '20240310103000',
  6: 'A',
  16: 'D0202^刘^洋',
});

export const messages = {
  'ADT^A28': join(
    msh('ADT^A28^ADT_A05', 'HIS-A28-0001'),
    EVN('A28'),
    PID,
    NK1,
    seg('PD1', { 3: '北京协和医院^^^^^^^^^455777001' }),
  ),
  'ADT^A31': join(msh('ADT^A31^ADT_A05', 'HIS-A31-0001'), EVN('A31'), PID),
  'ADT^A40': join(msh('ADT^A40^ADT_A39', 'HIS-A40-0001'), EVN('A40'), PID, seg('MRG', { 1: 'P0000999^^^BJXH^PI' })),
  'ADT^A04': join(
    msh('ADT^A04^ADT_A01', 'HIS-A04-0001'),
    EVN('A04'),
    PID,
    PV1_OUTPATIENT,
    seg('PV2', { 3: '^发热三天' }),
  ),
  'ADT^A08': join(msh('ADT^A08^ADT_A01', 'HIS-A08-0001'), EVN('A08'), PID, PV1_INPATIENT, DG1),
  'ADT^A01': join(
    msh('ADT^A01^ADT_A01', 'HIS-A01-0001', 'HIS', '20240310101500'),
    EVN('A01', '20240310101500'),
    PID,
    NK1,
    PV1_INPATIENT,
    seg('PV2', { 3: '^胸闷气短一周' }),
    DG1,
  ),
  'ADT^A05': join(
    msh('ADT^A05^ADT_A05', 'HIS-A05-0001'),
    EVN('A05'),
    PID,
    seg('PV1', { 1: '1', 2: 'P', 3: 'XNKBQ^^^BJXH', 10: 'XNK^心内科', 19: 'V20240320002' }),
  ),
  'ADT^A11': join(msh('ADT^A11^ADT_A09', 'HIS-A11-0001'), EVN('A11'), PID, PV1_OUTPATIENT),
  'ADT^A02': join(
    msh('ADT^A02^ADT_A02', 'HIS-A02-0001'),
    seg('EVN', { 1: 'A02', 2: '20240312150000', 6: '20240312143000' }),
    PID,
    PV1_INPATIENT,
  ),
  'ADT^A03': join(
    msh('ADT^A03^ADT_A03', 'HIS-A03-0001', 'HIS', '20240318100000'),
    EVN('A03', '20240318100000'),
    PID,
    seg('PV1', {
      1: '1',
      2: 'I',
      3: 'XNKBQ^0301^12^BJXH',
      7: 'D0202^刘^洋',
      10: 'XNK^心内科',
      19: 'V20240310007',
      44: '20240310101500',
      45: '20240318093000',
      50: 'ZY2024000321',
    }),
    DG1,
  ),
  /** 检验申请 (LIS): OBR-24 HM, a specimen, two items of one application (ORC-4). */
  'ORM^O01 lab': join(
    msh('ORM^O01^ORM_O01', 'HIS-ORM-LAB-0001'),
    PID,
    PV1_OUTPATIENT,
    seg('ORC', {
      1: 'NW',
      2: 'O202403150001',
      4: 'SQ202403150001',
      7: '^^^20240315094000^^S',
      9: '20240315094000',
      11: 'D0105^周^审',
      12: 'D0101^王^建国',
      17: 'NK^内科',
    }),
    seg('OBR', {
      1: '1',
      2: 'O202403150001',
      4: 'BLD-CBC^血常规^L',
      7: '20240315095000',
      13: '发热待查',
      15: 'BLD&全血',
      24: 'HM',
    }),
    seg('NTE', { 1: '1', 3: '空腹采血' }),
    seg('ORC', { 1: 'NW', 2: 'O202403150002', 4: 'SQ202403150001', 9: '20240315094000', 12: 'D0101^王^建国' }),
    seg('OBR', { 1: '2', 2: 'O202403150002', 4: 'CRP^C反应蛋白^L', 24: 'HM' }),
    seg('DG1', { 1: '1', 3: 'R50.900^发热^ICD10', 6: 'W^初步诊断' }),
  ),
  /** 检查申请 (PACS): OBR-24 CT. */
  'ORM^O01 exam': join(
    msh('ORM^O01^ORM_O01', 'HIS-ORM-CT-0001'),
    PID,
    PV1_INPATIENT,
    seg('ORC', {
      1: 'NW',
      2: 'JC202403110001',
      9: '20240311090000',
      11: 'D0203^陈^静',
      12: 'D0202^刘^洋',
      17: 'XNK^心内科',
    }),
    seg('OBR', {
      1: '1',
      2: 'JC202403110001',
      4: 'CT-CHEST^胸部CT平扫^L',
      6: '20240311140000',
      13: '胸闷待查',
      15: '^^^CHEST&胸部',
      24: 'CT',
    }),
    DG1,
  ),
  /** 病理申请: OBR-24 SP with its specimen. */
  'ORM^O01 pathology': join(
    msh('ORM^O01^ORM_O01', 'HIS-ORM-BL-0001'),
    PID,
    PV1_INPATIENT,
    seg('ORC', { 1: 'NW', 2: 'BL202403120001', 9: '20240312100000', 12: 'D0202^刘^洋', 17: 'XNK^心内科' }),
    seg('OBR', {
      1: '1',
      2: 'BL202403120001',
      4: 'PATH-BX^活检组织病理检查^L',
      7: '20240312093000',
      10: 'D0301^孙^刚',
      13: '胃镜见胃窦溃疡',
      24: 'SP',
    }),
    seg('SPM', {
      1: '1',
      2: 'BB0001',
      4: 'TISSUE^胃窦黏膜组织',
      6: 'FORMALIN^10%中性甲醛',
      8: 'ANTRUM^胃窦',
      12: '3^块',
      17: '20240312093000',
    }),
  ),
  /** 取消检验申请 (ORC-1 CA). */
  'ORM^O01 cancel': join(
    msh('ORM^O01^ORM_O01', 'HIS-ORM-LAB-0002'),
    PID,
    PV1_OUTPATIENT,
    seg('ORC', { 1: 'CA', 2: 'O202403150001', 4: 'SQ202403150001', 9: '20240315110000', 12: 'D0101^王^建国' }),
    seg('OBR', { 1: '1', 2: 'O202403150001', 4: 'BLD-CBC^血常规^L', 24: 'HM' }),
  ),
  /** 药品医嘱 (ORM^O01 with RXO). */
  'ORM^O01 pharmacy': join(
    msh('ORM^O01^ORM_O01', 'HIS-ORM-RX-0001'),
    PID,
    PV1_INPATIENT,
    seg('ORC', {
      1: 'NW',
      2: 'YZ202403100001',
      7: '^^^20240310110000^20240317110000',
      9: '20240310105000',
      12: 'D0202^刘^洋',
    }),
    seg('RXO', { 1: 'X0001^硝苯地平控释片^HIS', 2: '30', 4: 'mg', 5: '05', 11: '7', 12: '片', 18: '30', 19: 'mg' }),
    seg('RXR', { 1: 'PO^口服' }),
  ),
  /** 药品医嘱 (RDE^O11), give strength and dispense amount. */
  'RDE^O11': join(
    msh('RDE^O11^RDE_O11', 'HIS-RDE-0001'),
    PID,
    PV1_INPATIENT,
    seg('ORC', { 1: 'NW', 2: 'YZ202403100002', 9: '20240310105000', 12: 'D0202^刘^洋' }),
    seg('RXE', {
      1: '^^^20240310120000^20240312120000',
      2: 'X0002^0.9%氯化钠注射液^HIS',
      3: '250',
      5: 'ml',
      6: '18',
      10: '3',
      11: '袋',
      15: 'CF2024031000021',
      25: '250',
      26: 'ml',
    }),
    seg('RXR', { 1: 'IV^静脉滴注' }),
  ),
  'OML^O21': join(
    msh('OML^O21^OML_O21', 'HIS-OML-0001'),
    PID,
    PV1_OUTPATIENT,
    seg('ORC', { 1: 'NW', 2: 'O202403150010', 9: '20240315100000', 12: 'D0101^王^建国', 17: 'NK^内科' }),
    seg('OBR', { 1: '1', 2: 'O202403150010', 4: 'GLU^空腹血糖^L' }),
    seg('SPM', { 1: '1', 2: 'TM20240315001', 4: 'SER^血清', 17: '20240315101000' }),
  ),
  /** 门诊预约 (a doctor's clinic, no equipment). */
  'SIU^S12': join(
    msh('SIU^S12^SIU_S12', 'HIS-SIU-0001', 'YYPT'),
    seg('SCH', {
      1: 'YY20240320001',
      7: 'FZ^复诊',
      9: '15',
      10: 'min',
      11: '^^^20240320090000^20240320091500',
      20: 'N0066^吴^芳',
      25: 'Booked',
    }),
    PID,
    PV1_OUTPATIENT,
    seg('RGS', { 1: '1' }),
    seg('AIP', { 1: '1', 3: 'D0101^王^建国', 4: 'DOC^医生' }),
    seg('AIL', { 1: '1', 3: 'NKMZ03^^^BJXH^^^^^内科门诊3诊室', 4: 'C^Clinic' }),
  ),
  /** 检查预约 (a CT scanner booked for an examination request). */
  'SIU^S12 exam': join(
    msh('SIU^S12^SIU_S12', 'PACS-SIU-0001', 'PACS'),
    seg('SCH', { 1: 'JCYY20240311001', 9: '30', 10: 'min', 20: 'N0077^郑^丽', 25: 'Booked', 26: 'JC202403110001' }),
    seg('TQ1', { 1: '1', 7: '20240311140000', 8: '20240311143000' }),
    PID,
    PV1_INPATIENT,
    seg('RGS', { 1: '1' }),
    seg('AIG', { 1: '1', 3: 'CT02^西门子64排CT', 4: 'EQP^设备' }),
    seg('AIL', { 1: '1', 3: 'CT2^^^BJXH^^^^^放射科CT2室' }),
  ),
  'SIU^S14': join(
    msh('SIU^S14^SIU_S14', 'HIS-SIU-0002', 'YYPT'),
    seg('SCH', { 1: 'YY20240320001', 9: '15', 10: 'min', 11: '^^^20240320100000^20240320101500', 25: 'Booked' }),
    PID,
    PV1_OUTPATIENT,
  ),
  'SIU^S15': join(
    msh('SIU^S15^SIU_S15', 'HIS-SIU-0003', 'YYPT'),
    seg('SCH', { 1: 'YY20240320001', 11: '^^^20240320100000^20240320101500', 25: 'Cancelled' }),
    PID,
    PV1_OUTPATIENT,
  ),
  /** 计入财务处理明细: two charges of one bill. */
  'DFT^P03': join(
    msh('DFT^P03^DFT_P03', 'HIS-DFT-0001'),
    EVN('P03', '20240315103000'),
    PID,
    PV1_OUTPATIENT,
    seg('FT1', {
      1: '1',
      2: 'JF2024031500001',
      3: 'SF2024031500001',
      4: '20240315102000',
      5: '20240315103000',
      6: 'CG',
      7: 'F0001^血常规^HIS',
      10: '1',
      11: '25.00&CNY',
      12: '25.00&CNY',
      13: 'JYK^检验科',
      23: 'O202403150001',
      24: 'S0009^钱^收费',
    }),
    seg('FT1', {
      1: '2',
      2: 'JF2024031500002',
      3: 'SF2024031500001',
      4: '20240315102000',
      6: 'CG',
      7: 'F0002^C反应蛋白^HIS',
      10: '2',
      12: '30&CNY',
      23: 'O202403150002',
    }),
  ),
  /** 挂号支付: FT1-6 REG. */
  'DFT^P03 registration': join(
    msh('DFT^P03^DFT_P03', 'HIS-DFT-0002', 'KIOSK'),
    EVN('P03', '20240315092500'),
    PID,
    PV1_OUTPATIENT,
    seg('FT1', {
      1: '1',
      2: 'GH2024031500088',
      4: '20240315092500',
      6: 'REG^挂号',
      7: 'GHF01^普通门诊挂号费^HIS',
      10: '1',
      11: '50.00&CNY',
      12: '50.00&CNY',
      24: 'ZZJ01^自助机',
    }),
  ),
} as const;

export type SampleName = keyof typeof messages;
