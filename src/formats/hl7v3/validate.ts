// Strict validation of HL7 V3 messages against the per-service XSDs (corpus: <xsdDir>/<ActionCode>.xsd).
// Each XSD is compiled once, on first use, and cached for the life of the validator (≈5–20 ms per schema; a
// validation is then ~0.1 ms for a 2 KB message). The action may be given as action code or S-code.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileXsd, loadXsdFile } from '../xml/index.js';
import type { CompiledXsd, XmlLimits, XsdValidationIssue } from '../xml/index.js';
import { MCCI_IN000002UV01_XSD } from './mcci-schema.js';
import { V3Error } from './parse.js';
import { findV3Service } from './services.js';

/** Schemas the platform ships itself, keyed like the corpus files. */
export const V3_BUILTIN_SCHEMAS: Readonly<Record<string, string>> = Object.freeze({
  MCCI_IN000002UV01: MCCI_IN000002UV01_XSD,
});

export interface V3ValidationResult {
  valid: boolean;
  errors: XsdValidationIssue[];
  /** Schema key actually used (action code, or a key of `schemas`). */
  schema: string;
}

export interface V3Validator {
  /** Validates `xml` against the XSD of `actionCode` (action code, S-code or schema key). Throws V3_NO_SCHEMA. */
  validate(actionCode: string, xml: string | Uint8Array): V3ValidationResult;
  /** Whether a schema exists for this action. */
  has(actionCode: string): boolean;
  /** Frees all compiled schemas. */
  dispose(): void;
}

export interface V3ValidatorOptions {
  /** Extra or overriding schemas as XSD text, keyed by action code (or any key, e.g. a private service). */
  schemas?: Readonly<Record<string, string | Uint8Array>>;
  /** Include V3_BUILTIN_SCHEMAS (MCCI ack). Default true. */
  builtIn?: boolean;
  /** Safety limits for the instance documents. */
  limits?: XmlLimits;
}

/**
 * Creates a validator over a directory of `<ActionCode>.xsd` files (may be undefined when only `schemas` are used).
 * Reads XSD files from that directory lazily, on first use of each action.
 */
export function createV3Validator(xsdDir?: string | URL, options: V3ValidatorOptions = {}): V3Validator {
  const dir = xsdDir instanceof URL ? fileURLToPath(xsdDir) : xsdDir;
  const inline: Record<string, string | Uint8Array> = {
    ...(options.builtIn === false ? {} : V3_BUILTIN_SCHEMAS),
    ...options.schemas,
  };
  const compiled = new Map<string, CompiledXsd>();

  const resolve = (actionCode: string): { key: string; source: string | Uint8Array | { path: string } } | undefined => {
    const code = actionCode.trim();
    const candidates = [code, findV3Service(code)?.action].filter((c): c is string => c !== undefined);
    for (const key of candidates) {
      const src = inline[key];
      if (src !== undefined) return { key, source: src };
    }
    if (dir !== undefined) {
      for (const key of candidates) {
        // Action codes are plain identifiers; refuse anything that could walk out of the directory.
        if (!/^[A-Za-z0-9_]+$/.test(key)) continue;
        const path = join(dir, `${key}.xsd`);
        if (existsSync(path)) return { key, source: { path } };
      }
    }
    return undefined;
  };

  /** Lookup key (action code, S-code, schema key) → schema key, so repeat lookups are one Map hit. */
  const aliases = new Map<string, string>();

  const schemaFor = (actionCode: string): { key: string; xsd: CompiledXsd } => {
    const known = aliases.get(actionCode);
    const cached = known === undefined ? undefined : compiled.get(known);
    if (known !== undefined && cached) return { key: known, xsd: cached };
    const r = resolve(actionCode);
    if (!r) throw new V3Error('V3_NO_SCHEMA', `no XSD for action "${actionCode}"`);
    let xsd = compiled.get(r.key);
    if (!xsd) {
      xsd =
        typeof r.source === 'object' && 'path' in r.source
          ? loadXsdFile(r.source.path)
          : compileXsd(r.source, { name: r.key });
      compiled.set(r.key, xsd);
    }
    aliases.set(actionCode, r.key);
    return { key: r.key, xsd };
  };

  return {
    validate(actionCode, xml) {
      const { key, xsd } = schemaFor(actionCode);
      const { valid, errors } = xsd.validate(xml, options.limits);
      return { valid, errors, schema: key };
    },
    has(actionCode) {
      return aliases.has(actionCode) || resolve(actionCode) !== undefined;
    },
    dispose() {
      for (const x of compiled.values()) x.dispose();
      compiled.clear();
      aliases.clear();
    },
  };
}
