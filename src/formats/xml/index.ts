// Public face of src/formats/xml: the one safe way XML enters the platform, the plain tree it produces,
// and the escaping/serialising helpers the other codecs build messages with.

export { XmlParseError } from './errors.js';
export type { XmlErrorCode } from './errors.js';
export { checkXmlSafety, DEFAULT_XML_LIMITS } from './scan.js';
export type { CheckedXml, XmlLimits } from './scan.js';
export { parseXmlSafe } from './parse.js';
export { parseXmlDom } from './dom.js';
export {
  childrenNamed,
  descend,
  elementChildren,
  firstChild,
  getAttr,
  isElement,
  textContent,
  walkElements,
  XML_NAMESPACE,
  XSI_NAMESPACE,
} from './tree.js';
export type { XmlCData, XmlDocument, XmlElement, XmlNode, XmlText } from './tree.js';
export { cdata, escapeXmlAttr, escapeXmlText, serializeXml } from './serialize.js';
export type { SerializeOptions } from './serialize.js';
export { compileXsd, loadXsdFile } from './xsd.js';
export type { CompiledXsd, XsdValidationIssue, XsdValidationResult } from './xsd.js';
