// XSD validation with libxml2 (WebAssembly): used by the HL7 V3 and CDA validators.
//
// Every instance goes through the same safety gate as the other entry points first, then libxml2 parses it with
// network and external entities disabled. The decoded text is handed over with the encoding forced to UTF-8, so a
// declaration like encoding="GBK" (already honoured when the bytes were decoded) cannot make libxml2 decode twice.
// libxml2 objects live in WebAssembly memory: instance documents are disposed after each call, compiled schemas
// when the caller disposes them.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ParseOption, XmlDocument as LibXmlDocument, XmlLibError, XsdValidator } from 'libxml2-wasm';
import type { ErrorDetail } from 'libxml2-wasm';
import { XmlParseError } from './errors.js';
import { checkXmlSafety } from './scan.js';
import type { XmlLimits } from './scan.js';

const PARSE_OPTIONS = ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE;

export interface XsdValidationIssue {
  message: string;
  line: number | undefined;
  column: number | undefined;
}

export interface XsdValidationResult {
  valid: boolean;
  errors: XsdValidationIssue[];
}

export interface CompiledXsd {
  /** Validates one instance document. Unsafe or malformed input is reported as invalid, not thrown. */
  validate(xml: string | Uint8Array, limits?: XmlLimits): XsdValidationResult;
  /** Frees the compiled schema (WebAssembly memory). */
  dispose(): void;
}

function issuesOf(details: readonly ErrorDetail[], fallback: string): XsdValidationIssue[] {
  const out = details
    .filter((d) => d.level >= 2)
    .map((d) => ({ message: d.message.trim(), line: d.line || undefined, column: d.col || undefined }));
  return out.length > 0 ? out : [{ message: fallback, line: undefined, column: undefined }];
}

/** Compiles an XSD given as text or bytes. Throws XmlParseError if the schema itself is unusable. */
export function compileXsd(xsd: string | Uint8Array, options: { name?: string } = {}): CompiledXsd {
  const name = options.name ?? 'schema';
  let schemaDoc: LibXmlDocument;
  try {
    const { text } = checkXmlSafety(xsd, { maxBytes: 64 * 1024 * 1024 });
    schemaDoc = LibXmlDocument.fromString(text, { option: PARSE_OPTIONS, encoding: 'utf-8' });
  } catch (err) {
    if (err instanceof XmlParseError) throw err;
    throw new XmlParseError('XML_MALFORMED', `${name}: cannot read XSD: ${String(err)}`, undefined, { cause: err });
  }
  let validator: XsdValidator;
  try {
    validator = XsdValidator.fromDoc(schemaDoc);
  } catch (err) {
    schemaDoc.dispose();
    const details = err instanceof XmlLibError ? err.details.map((d) => d.message.trim()).join('; ') : String(err);
    throw new XmlParseError('XML_MALFORMED', `${name}: not a usable XSD: ${details}`, undefined, { cause: err });
  }
  let disposed = false;

  return {
    validate(xml: string | Uint8Array, limits?: XmlLimits): XsdValidationResult {
      if (disposed) throw new Error(`${name}: validator used after dispose()`);
      let text: string;
      try {
        text = checkXmlSafety(xml, limits).text;
      } catch (err) {
        if (!(err instanceof XmlParseError)) throw err;
        return {
          valid: false,
          errors: [{ message: `${err.code}: ${err.message}`, line: err.line, column: err.column }],
        };
      }
      let doc: LibXmlDocument;
      try {
        doc = LibXmlDocument.fromString(text, { option: PARSE_OPTIONS, encoding: 'utf-8' });
      } catch (err) {
        if (err instanceof XmlLibError) return { valid: false, errors: issuesOf(err.details, err.message) };
        throw err;
      }
      try {
        validator.validate(doc);
        return { valid: true, errors: [] };
      } catch (err) {
        if (err instanceof XmlLibError) return { valid: false, errors: issuesOf(err.details, err.message) };
        throw err;
      } finally {
        doc.dispose();
      }
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      validator.dispose();
      schemaDoc.dispose();
    },
  };
}

/** Reads and compiles an XSD file. The one place in src/formats/xml that touches the file system, on purpose. */
export function loadXsdFile(path: string | URL): CompiledXsd {
  const p = path instanceof URL ? fileURLToPath(path) : path;
  return compileXsd(readFileSync(p), { name: p });
}
