// Reading WS/T 500 CDA documents (C0001–C0053): the header fields the platform indexes and shows, read leniently
// (oddities become warnings), plus a cheap well-formedness check. Strict checking is createCdaValidator's job.

import {
  checkXmlSafety,
  childrenNamed,
  descend,
  elementChildren,
  firstChild,
  getAttr,
  parseXmlSafe,
  textContent,
  walkElements,
  XmlParseError,
} from '../xml/index.js';
import type { XmlDocument, XmlElement, XmlErrorCode, XmlLimits } from '../xml/index.js';

export const CDA_NAMESPACE = 'urn:hl7-org:v3';
/** Code system of the WS/T 500 document type codes (C0001 …). */
export const CDA_DOCUMENT_CODE_SYSTEM = '2.16.156.10011.2.4';
/** templateId of C00nn is this prefix + (20 + n). */
export const CDA_TEMPLATE_PREFIX = '2.16.156.10011.2.1.1.';
const TYPE_ID_ROOT = '2.16.840.1.113883.1.3';

export type CdaErrorCode = 'CDA_MALFORMED' | 'CDA_EMPTY' | 'CDA_NOT_CLINICAL_DOCUMENT' | 'CDA_NO_SCHEMA';

export class CdaError extends Error {
  override readonly name = 'CdaError';
  readonly code: CdaErrorCode;
  constructor(code: CdaErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export interface CdaId {
  root: string | undefined;
  extension: string | undefined;
}

export interface CdaCoded {
  code: string | undefined;
  displayName: string | undefined;
}

export interface CdaSection {
  code: string | undefined;
  codeSystem: string | undefined;
  /** section/title, or the section code's displayName (the WS/T 500 XSDs give sections no title element). */
  title: string | undefined;
}

export interface CdaHeader {
  documentId: string | undefined;
  documentIdRoot: string | undefined;
  /** C0001 … C0053, from templateId 2.16.156.10011.2.1.1.(20+n), else from code in 2.16.156.10011.2.4. */
  typeCode: string | undefined;
  templateIds: string[];
  title: string | undefined;
  effectiveTime: string | undefined;
  setId: string | undefined;
  versionNumber: string | undefined;
  patient: {
    /** patientRole/id (门诊号, 住院号, 健康卡号 …) then patient/id (身份证号). */
    ids: CdaId[];
    name: string | undefined;
    gender: CdaCoded | undefined;
    birthTime: string | undefined;
    age: { value: string | undefined; unit: string | undefined } | undefined;
  };
  author:
    | { time: string | undefined; id: CdaId | undefined; name: string | undefined; organization: string | undefined }
    | undefined;
  custodian: { id: CdaId | undefined; name: string | undefined } | undefined;
  encounter:
    | {
        effectiveTime: string | undefined;
        ids: CdaId[];
        /** Organisations of the location chain (床 → 病房 → 科室 → 病区 → 医院), outermost last. */
        locations: Array<{ id: CdaId | undefined; name: string | undefined }>;
      }
    | undefined;
  sections: CdaSection[];
  warnings: string[];
}

function text(el: XmlElement | undefined): string | undefined {
  if (!el) return undefined;
  const t = textContent(el).trim();
  return t === '' ? undefined : t;
}

function attrOrText(el: XmlElement | undefined, attr: string): string | undefined {
  if (!el) return undefined;
  return getAttr(el, attr) || text(el);
}

function idOf(el: XmlElement | undefined): CdaId | undefined {
  return el ? { root: getAttr(el, 'root'), extension: getAttr(el, 'extension') } : undefined;
}

/** TS values come as @value, as text (some WS/T 500 XSDs type them xs:string), or as low/@value. */
function timeOf(el: XmlElement | undefined): string | undefined {
  if (!el) return undefined;
  return getAttr(el, 'value') ?? getAttr(firstChild(el, 'low') ?? el, 'value') ?? text(el);
}

function nameOf(el: XmlElement | undefined): string | undefined {
  if (!el) return undefined;
  const parts = elementChildren(el);
  if (parts.length === 0) return text(el);
  const values: string[] = [];
  walkElements(el, (e) => {
    const v = getAttr(e, 'value') ?? (elementChildren(e).length === 0 ? text(e) : undefined);
    if (v) values.push(v.trim());
  });
  return values.length > 0 ? values.join('') : undefined;
}

/** Normalises `C0001`, `c1`, `1` to `C0001`; undefined when out of range. */
export function normaliseCdaTypeCode(code: string): string | undefined {
  const m = /^C?0*(\d{1,2})$/i.exec(code.trim());
  const n = m ? Number(m[1]) : NaN;
  return n >= 1 && n <= 53 ? `C${String(n).padStart(4, '0')}` : undefined;
}

function toRoot(input: string | Uint8Array | XmlDocument | XmlElement, limits: XmlLimits | undefined): XmlElement {
  if (typeof input === 'string' || input instanceof Uint8Array) {
    try {
      return parseXmlSafe(input, limits).root;
    } catch (err) {
      if (err instanceof XmlParseError) {
        throw new CdaError(err.code === 'XML_EMPTY' ? 'CDA_EMPTY' : 'CDA_MALFORMED', `${err.code}: ${err.message}`, {
          cause: err,
        });
      }
      throw err;
    }
  }
  return 'root' in input ? input.root : input;
}

/**
 * Reads the header and section list of a CDA document. Accepts text/bytes or an already parsed tree (e.g. a
 * ClinicalDocument element found inside another message). Throws CdaError only when there is no ClinicalDocument.
 */
export function readCdaHeader(
  input: string | Uint8Array | XmlDocument | XmlElement,
  options: { limits?: XmlLimits } = {},
): CdaHeader {
  const doc = toRoot(input, options.limits);
  if (doc.localName !== 'ClinicalDocument') {
    throw new CdaError('CDA_NOT_CLINICAL_DOCUMENT', `root element is <${doc.name}>, not ClinicalDocument`);
  }
  const warnings: string[] = [];
  if (doc.namespaceURI !== CDA_NAMESPACE) {
    warnings.push(`ClinicalDocument is in namespace "${doc.namespaceURI ?? ''}", expected ${CDA_NAMESPACE}`);
  }

  const typeId = firstChild(doc, 'typeId');
  if (!typeId) warnings.push('typeId missing');
  else if (getAttr(typeId, 'extension') !== 'POCD_MT000040' || getAttr(typeId, 'root') !== TYPE_ID_ROOT) {
    warnings.push(
      `typeId is ${getAttr(typeId, 'root') ?? ''}/${getAttr(typeId, 'extension') ?? ''}, expected ${TYPE_ID_ROOT}/POCD_MT000040`,
    );
  }

  const templateIds = childrenNamed(doc, 'templateId')
    .map((t) => getAttr(t, 'root'))
    .filter((r): r is string => r !== undefined);
  let fromTemplate: string | undefined;
  for (const r of templateIds) {
    if (r.startsWith(CDA_TEMPLATE_PREFIX)) {
      const n = Number(r.slice(CDA_TEMPLATE_PREFIX.length)) - 20;
      if (Number.isInteger(n)) fromTemplate = normaliseCdaTypeCode(String(n));
      if (fromTemplate) break;
    }
  }
  const codeEl = firstChild(doc, 'code');
  const rawCode = codeEl ? getAttr(codeEl, 'code') : undefined;
  const codeSystem = codeEl ? getAttr(codeEl, 'codeSystem') : undefined;
  const fromCode = rawCode && /^C\d{4}$/.test(rawCode) ? normaliseCdaTypeCode(rawCode) : undefined;
  if (fromCode && codeSystem !== CDA_DOCUMENT_CODE_SYSTEM) {
    warnings.push(
      `document code ${rawCode ?? ''} has codeSystem "${codeSystem ?? ''}", expected ${CDA_DOCUMENT_CODE_SYSTEM}`,
    );
  }
  if (fromTemplate && fromCode && fromTemplate !== fromCode) {
    warnings.push(`templateId says ${fromTemplate} but code says ${fromCode}; using the templateId`);
  }
  const typeCode = fromTemplate ?? fromCode;
  if (!typeCode) warnings.push('document type (C0001–C0053) not found in templateId or code');

  const id = idOf(firstChild(doc, 'id'));
  if (!id?.extension) warnings.push('document id missing');
  const title = text(firstChild(doc, 'title'));
  if (!title) warnings.push('title missing');
  const effectiveTime = timeOf(firstChild(doc, 'effectiveTime'));
  if (!effectiveTime) warnings.push('effectiveTime missing');

  const patientRole = descend(doc, 'recordTarget', 'patientRole');
  const patientEl = patientRole ? firstChild(patientRole, 'patient') : undefined;
  if (!patientRole) warnings.push('recordTarget/patientRole missing');
  const ids = [
    ...(patientRole ? childrenNamed(patientRole, 'id') : []),
    ...(patientEl ? childrenNamed(patientEl, 'id') : []),
  ].map((e) => idOf(e) as CdaId);
  if (patientRole && ids.every((i) => !i.extension)) warnings.push('no patient identifiers');
  const genderEl = patientEl ? firstChild(patientEl, 'administrativeGenderCode') : undefined;
  const ageEl = patientEl ? firstChild(patientEl, 'age') : undefined;

  const authorEl = firstChild(doc, 'author');
  const assignedAuthor = authorEl ? firstChild(authorEl, 'assignedAuthor') : undefined;
  if (!authorEl) warnings.push('author missing');
  const custodianOrg = descend(doc, 'custodian', 'assignedCustodian', 'representedCustodianOrganization');
  if (!custodianOrg) warnings.push('custodian missing');

  const encounterEl = descend(doc, 'componentOf', 'encompassingEncounter');
  let encounter: CdaHeader['encounter'];
  if (encounterEl) {
    const locations: Array<{ id: CdaId | undefined; name: string | undefined }> = [];
    const location = firstChild(encounterEl, 'location');
    if (location) {
      walkElements(location, (e) => {
        if (e.localName === 'wholeOrganization' || e.localName === 'serviceProviderOrganization') {
          const orgId = idOf(firstChild(e, 'id'));
          const orgName = text(firstChild(e, 'name'));
          if (orgId || orgName) locations.push({ id: orgId, name: orgName });
        }
      });
    }
    encounter = {
      effectiveTime: timeOf(firstChild(encounterEl, 'effectiveTime')),
      ids: childrenNamed(encounterEl, 'id').map((e) => idOf(e) as CdaId),
      locations,
    };
  }

  const sections: CdaSection[] = [];
  const body = descend(doc, 'component', 'structuredBody');
  if (body) {
    walkElements(body, (e) => {
      if (e.localName !== 'section') return;
      const c = firstChild(e, 'code');
      sections.push({
        code: c ? getAttr(c, 'code') : undefined,
        codeSystem: c ? getAttr(c, 'codeSystem') : undefined,
        title: text(firstChild(e, 'title')) ?? (c ? getAttr(c, 'displayName') : undefined),
      });
    });
  } else if (descend(doc, 'component', 'nonXMLBody')) {
    warnings.push('nonXMLBody: no structured sections');
  } else {
    warnings.push('document body missing');
  }

  return {
    documentId: id?.extension,
    documentIdRoot: id?.root,
    typeCode,
    templateIds,
    title,
    effectiveTime,
    setId: attrOrText(firstChild(doc, 'setId'), 'extension'),
    versionNumber: attrOrText(firstChild(doc, 'versionNumber'), 'value'),
    patient: {
      ids,
      name: nameOf(patientEl ? firstChild(patientEl, 'name') : undefined),
      gender: genderEl ? { code: getAttr(genderEl, 'code'), displayName: getAttr(genderEl, 'displayName') } : undefined,
      birthTime: timeOf(patientEl ? firstChild(patientEl, 'birthTime') : undefined),
      age: ageEl ? { value: getAttr(ageEl, 'value'), unit: getAttr(ageEl, 'unit') } : undefined,
    },
    author: authorEl
      ? {
          time: timeOf(firstChild(authorEl, 'time')),
          id: idOf(assignedAuthor ? firstChild(assignedAuthor, 'id') : undefined),
          name: nameOf(descend(assignedAuthor, 'assignedPerson', 'name')),
          organization: text(descend(assignedAuthor, 'representedOrganization', 'name')),
        }
      : undefined,
    custodian: custodianOrg
      ? { id: idOf(firstChild(custodianOrg, 'id')), name: text(firstChild(custodianOrg, 'name')) }
      : undefined,
    encounter,
    sections,
    warnings,
  };
}

export type CdaWellFormedResult =
  | { ok: true; rootName: string }
  | {
      ok: false;
      code: XmlErrorCode | 'CDA_NOT_CLINICAL_DOCUMENT';
      message: string;
      line: number | undefined;
      column: number | undefined;
    };

/** Safety gate + well-formedness + "is it a ClinicalDocument", without building a tree. */
export function checkCdaWellFormed(xml: string | Uint8Array, limits?: XmlLimits): CdaWellFormedResult {
  try {
    const { rootName } = checkXmlSafety(xml, limits);
    const local = rootName.slice(rootName.indexOf(':') + 1);
    if (local !== 'ClinicalDocument') {
      return {
        ok: false,
        code: 'CDA_NOT_CLINICAL_DOCUMENT',
        message: `root element is <${rootName}>, not ClinicalDocument`,
        line: undefined,
        column: undefined,
      };
    }
    return { ok: true, rootName };
  } catch (err) {
    if (err instanceof XmlParseError) {
      return { ok: false, code: err.code, message: err.message, line: err.line, column: err.column };
    }
    throw err;
  }
}
