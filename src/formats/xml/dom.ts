// parseXmlDom: an @xmldom/xmldom Document behind the same safety gate, for code that needs exact DOM/namespace
// semantics or XPath (the `xpath` package works on it). Slower than parseXmlSafe; keep it off the hot path.

import { DOMParser } from '@xmldom/xmldom';
import type { Document } from '@xmldom/xmldom';
import { XmlParseError } from './errors.js';
import { checkXmlSafety } from './scan.js';
import type { XmlLimits } from './scan.js';

export function parseXmlDom(input: string | Uint8Array, limits?: XmlLimits): Document {
  const { text } = checkXmlSafety(input, limits);
  const parser = new DOMParser({
    // xmldom reports recoverable problems as 'error' and keeps going; we want strict XML, so anything above a
    // warning aborts.
    onError: (level, msg) => {
      if (level !== 'warning') throw new XmlParseError('XML_MALFORMED', msg.trim());
    },
  });
  try {
    return parser.parseFromString(text, 'text/xml');
  } catch (err) {
    if (err instanceof XmlParseError) throw err;
    const cause = err instanceof Error ? err.cause : undefined;
    if (cause instanceof XmlParseError) throw cause;
    const message = err instanceof Error ? err.message : String(err);
    throw new XmlParseError('XML_MALFORMED', message, undefined, { cause: err });
  }
}
