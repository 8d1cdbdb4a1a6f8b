// docs/services.md is generated from the catalogue: regenerate with `npm run gen:services-doc` when this fails.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVICES_DOC, generateServicesDoc } from './gen-services-doc.js';

describe('docs/services.md', () => {
  it('is up to date (npm run gen:services-doc)', () => {
    expect(readFileSync(SERVICES_DOC, 'utf8') === generateServicesDoc()).toBe(true);
  });

  it('documents every category with its services', () => {
    const doc = generateServicesDoc();
    for (const s of [
      '### 门诊挂号信息新增服务（OutPatientInfoAdd）',
      '| S 编码 | S0023 |',
      '### 单点登录对接服务（SingleSignOn）',
      '## HL7 v2 映射',
      '| ADT^A04 | 门诊挂号 | `OutPatientInfoAdd` |',
      '### 门诊挂号信息新增服务（OutPatientInfoAdd）的 v2 字段来源',
      '| patientId | 项目（PatientID） | 是 | PID-3 中类型（CX.5）为 PI 的标识，无则第一项（CX.1） |',
    ]) {
      expect(doc).toContain(s);
    }
  });
});
