// Strict validation for the built-in HL7V3 and CDA models, against the national schema packages: the 互联互通 service
// XSDs (one per service, `<dir>/<ActionCode>.xsd`) and the WS/T 500 document XSDs (`<dir>/C0001.xsd` …). A hospital
// receives both with its 测评 materials; configured by validation.hl7v3XsdDir / validation.cdaXsdDir. A topic of one
// of these models with 「校验」 on then refuses (422, AE over the WebService and MLLP) a message its XSD rejects.
//  - HL7V3: the topic's code is the service's action code (that is how WebService actions become topics), so its XSD
//    is the topic's; without one (the console's 「校验示例」, a topic of the hospital's own) the XSDs of the services
//    whose request interaction is the message's root element, valid when one of them accepts it.
//  - CDA: the document type (C0001–C0053) is read from the header (templateId or code).
// Each XSD is compiled on first use and kept (5–20 ms each); a validation then costs about three times parsing the
// message (bench/README.md, "strict XSD validation"), so the engine runs it on the XML reader threads
// (adapters/inbound/soap/readers.ts), each of which keeps its own compiled schemas.
import { existsSync, statSync } from 'node:fs';
import { CdaError, createCdaValidator } from '../../formats/cda/index.js';
import { createV3Validator, V3_SERVICES } from '../../formats/hl7v3/index.js';
import { checkXmlSafety, XmlParseError } from '../../formats/xml/index.js';
import type { XsdValidationIssue } from '../../formats/xml/index.js';

const MAX_REPORTED = 20;

function describe(errors: XsdValidationIssue[]): string[] {
  return errors.slice(0, MAX_REPORTED).map((e) => {
    const where = e.line === undefined ? '' : `line ${e.line}${e.column === undefined ? '' : `, column ${e.column}`}: `;
    return `${where}${e.message}`;
  });
}

/** Throws at start-up when a configured schema directory is not a directory: better than refusing every message. */
export function checkSchemaDir(setting: string, dir: string): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${setting}: ${dir} is not a directory`);
}

/** The services whose request a V3 message is, by its root element (some share one: 个人信息查询 and 就诊卡信息查询). */
function servicesOfRoot(xml: string): string[] {
  let root: string;
  try {
    root = checkXmlSafety(xml).rootName.replace(/^[^:]*:/, '');
  } catch {
    return [];
  }
  return V3_SERVICES.filter((s) => s.request === root || s.requestAlternatives?.includes(root)).map((s) => s.action);
}

export type StandardModel = 'HL7V3' | 'CDA';

type Check = (body: string, topicCode: string | undefined) => string[] | null;

/** Compiled validators by model and directory, kept for the life of the process (or thread). */
const checks = new Map<string, Check>();

/** Problems of `body` against the national XSD of `model` in `dir` (HL7V3: the topic's service), or null. */
export function validateStandard(
  model: StandardModel,
  dir: string,
  body: string,
  topicCode: string | undefined,
): string[] | null {
  const key = `${model}\u0000${dir}`;
  let check = checks.get(key);
  if (!check) {
    check = model === 'HL7V3' ? hl7v3Check(dir) : cdaCheck(dir);
    checks.set(key, check);
  }
  return check(body, topicCode);
}

function hl7v3Check(dir: string): Check {
  const validator = createV3Validator(dir);
  return (body, topicCode) => {
    if (topicCode !== undefined && validator.has(topicCode)) {
      const result = validator.validate(topicCode, body);
      return result.valid ? null : describe(result.errors);
    }
    // No topic (a sample checked in the console), or a topic of the hospital's own without an XSD: the services whose
    // request this is; valid when one of their XSDs accepts it.
    const candidates = servicesOfRoot(body).filter((action) => validator.has(action));
    if (candidates.length === 0) {
      return [
        topicCode === undefined
          ? '找不到与根元素对应的服务 XSD (no service XSD for this root element)'
          : `服务 ${topicCode} 没有 XSD (no XSD for service ${topicCode})`,
      ];
    }
    let first: string[] | undefined;
    for (const action of candidates) {
      const result = validator.validate(action, body);
      if (result.valid) return null;
      first ??= describe(result.errors).map((p) => `${action}.xsd: ${p}`);
    }
    return first ?? null;
  };
}

function cdaCheck(dir: string): Check {
  const validator = createCdaValidator(dir);
  return (body) => {
    try {
      const result = validator.validateAuto(body);
      return result.valid ? null : describe(result.errors);
    } catch (error) {
      // Not CDA enough to pick an XSD (no document type, a type without XSD, not XML at all).
      if (error instanceof CdaError || error instanceof XmlParseError) return [`${error.code}: ${error.message}`];
      throw error;
    }
  };
}
