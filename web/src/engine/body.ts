/**
 * Message bodies made readable: JSON indented, XML indented, HL7 v2 one segment per line. The text is only
 * re-laid out for display; what was received is kept byte for byte by the server.
 */

export type BodyKind = 'json' | 'xml' | 'hl7v2' | 'text';

export function bodyKind(body: string, contentType: string | null | undefined): BodyKind {
  const ct = (contentType ?? '').toLowerCase();
  const start = body.trimStart();
  if (ct.includes('hl7-v2') || ct.includes('x-hl7') || /^MSH\|/.test(start)) return 'hl7v2';
  if (ct.includes('json') || /^[[{]/.test(start)) return 'json';
  if (ct.includes('xml') || start.startsWith('<')) return 'xml';
  return 'text';
}

export function prettyBody(body: string, contentType?: string | null): { kind: BodyKind; text: string } {
  const kind = bodyKind(body, contentType);
  try {
    if (kind === 'json') return { kind, text: JSON.stringify(JSON.parse(body), null, 2) };
    if (kind === 'xml') return { kind, text: indentXml(body) };
    if (kind === 'hl7v2') return { kind, text: hl7Segments(body) };
  } catch {
    // not well-formed after all: show it as it came
  }
  return { kind, text: body };
}

/** HL7 v2 separates segments with CR; show one per line whatever the sender used. */
export function hl7Segments(body: string): string {
  return body
    .split(/\r\n|\r|\n/)
    .filter((s) => s.length > 0)
    .join('\n');
}

/**
 * Indents XML by element depth. Text-only elements stay on one line; comments, CDATA, processing instructions
 * and doctype are kept as single tokens.
 */
export function indentXml(xml: string): string {
  const tokens = xml
    .replace(/>\s+</g, '><')
    .trim()
    .match(/<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|<[^>]+>|[^<]+/g);
  if (!tokens) return xml;
  const lines: string[] = [];
  let depth = 0;
  const pad = () => '  '.repeat(Math.max(depth, 0));
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (tok.startsWith('</')) {
      depth--;
      lines.push(pad() + tok);
    } else if (tok.startsWith('<?') || tok.startsWith('<!') || tok.endsWith('/>')) {
      lines.push(pad() + tok);
    } else if (tok.startsWith('<')) {
      const text = tokens[i + 1];
      const close = tokens[i + 2];
      // <a>text</a> on one line
      if (text !== undefined && !text.startsWith('<') && close?.startsWith('</')) {
        lines.push(pad() + tok + text.trim() + close);
        i += 2;
      } else {
        lines.push(pad() + tok);
        depth++;
      }
    } else if (tok.trim()) {
      lines.push(pad() + tok.trim());
    }
  }
  return lines.join('\n');
}
