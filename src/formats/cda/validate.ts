// Strict validation of CDA documents against the WS/T 500 XSDs (corpus: <xsdDir>/C0001.xsd … C0053.xsd).
// Each XSD is compiled once, on first use; the document type can be given or read from the header.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadXsdFile } from '../xml/index.js';
import type { CompiledXsd, XmlLimits, XsdValidationIssue } from '../xml/index.js';
import { CdaError, normaliseCdaTypeCode, readCdaHeader } from './header.js';

export interface CdaValidationResult {
  valid: boolean;
  errors: XsdValidationIssue[];
  /** Document type whose XSD was used. */
  typeCode: string;
}

export interface CdaValidator {
  /** Validates against the XSD of `typeCode` (`C0007`, `c7`, `7`). Throws CDA_NO_SCHEMA for unknown types. */
  validate(typeCode: string, xml: string | Uint8Array): CdaValidationResult;
  /** Reads the document type from the header (templateId/code), then validates. Throws CdaError if it cannot. */
  validateAuto(xml: string | Uint8Array): CdaValidationResult;
  has(typeCode: string): boolean;
  dispose(): void;
}

/** Reads `<xsdDir>/Cnnnn.xsd` lazily; the directory is the only file-system input. */
export function createCdaValidator(xsdDir: string | URL, options: { limits?: XmlLimits } = {}): CdaValidator {
  const dir = xsdDir instanceof URL ? fileURLToPath(xsdDir) : xsdDir;
  const compiled = new Map<string, CompiledXsd>();

  const pathFor = (typeCode: string): { code: string; path: string } | undefined => {
    const code = normaliseCdaTypeCode(typeCode);
    if (!code) return undefined;
    const path = join(dir, `${code}.xsd`);
    return existsSync(path) ? { code, path } : undefined;
  };

  const validate = (typeCode: string, xml: string | Uint8Array): CdaValidationResult => {
    const target = pathFor(typeCode);
    if (!target) throw new CdaError('CDA_NO_SCHEMA', `no XSD for CDA document type "${typeCode}"`);
    let xsd = compiled.get(target.code);
    if (!xsd) {
      xsd = loadXsdFile(target.path);
      compiled.set(target.code, xsd);
    }
    const { valid, errors } = xsd.validate(xml, options.limits);
    return { valid, errors, typeCode: target.code };
  };

  return {
    validate,
    validateAuto(xml) {
      const header = readCdaHeader(xml, options);
      if (!header.typeCode) throw new CdaError('CDA_NO_SCHEMA', 'document type not found in templateId or code');
      return validate(header.typeCode, xml);
    },
    has(typeCode) {
      return pathFor(typeCode) !== undefined;
    },
    dispose() {
      for (const x of compiled.values()) x.dispose();
      compiled.clear();
    },
  };
}
