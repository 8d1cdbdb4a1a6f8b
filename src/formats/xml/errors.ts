// Error type for everything that can go wrong when XML enters the platform.
// One class with a machine-readable `code` so callers (SOAP server, MLLP/HTTP listeners) can map it to a
// protocol answer (SOAP Fault, MCCI AE/AR) without string matching.

export type XmlErrorCode =
  | 'XML_DOCTYPE_FORBIDDEN'
  | 'XML_ENTITY_FORBIDDEN'
  | 'XML_TOO_LARGE'
  | 'XML_TOO_DEEP'
  | 'XML_TOO_MANY_ATTRIBUTES'
  | 'XML_BAD_ENCODING'
  | 'XML_EMPTY'
  | 'XML_MALFORMED';

export class XmlParseError extends Error {
  override readonly name = 'XmlParseError';
  readonly code: XmlErrorCode;
  /** 1-based position of the problem in the decoded text, when known. */
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(
    code: XmlErrorCode,
    message: string,
    position?: { line: number; column: number },
    options?: { cause?: unknown },
  ) {
    super(position ? `${message} (line ${position.line}, column ${position.column})` : message, options);
    this.code = code;
    this.line = position?.line;
    this.column = position?.column;
  }
}

/** Turns a string offset into a 1-based line/column. Only called on the error path, so a linear count is fine. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}
