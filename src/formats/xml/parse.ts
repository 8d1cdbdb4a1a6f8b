// parseXmlSafe: the hot-path XML reader. The safety gate in scan.ts builds the plain tree of tree.ts in the same
// single pass that proves the document safe and well-formed: no DOCTYPE or entities (so nothing to expand or fetch),
// bounded size, depth and attribute count. Entity and character references are decoded once (no double decoding of
// `&amp;lt;`); namespaces are resolved, so callers match on (namespaceURI, localName) instead of prefixes.
// (Until 2026-11 a second parser, fast-xml-parser, read the document again after the gate; building the tree in the
// gate made parsing several times faster — bench/protocols hip-soap.)

import { XmlParseError } from './errors.js';
import { scanXml } from './scan.js';
import type { XmlLimits } from './scan.js';
import type { XmlDocument } from './tree.js';

/**
 * Parses untrusted XML into the plain tree described in tree.ts. Rejects DOCTYPE/ENTITY, oversize, over-deep,
 * attribute-heavy and malformed input with {@link XmlParseError}; never fetches anything.
 */
export function parseXmlSafe(input: string | Uint8Array, limits?: XmlLimits): XmlDocument {
  const { checked, root } = scanXml(input, limits, true);
  if (!root) throw new XmlParseError('XML_EMPTY', 'no root element');
  return { root, encoding: checked.encoding };
}
