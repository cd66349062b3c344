/**
 * What XML 1.0 cannot carry: C0 controls but tab, LF and CR, U+FFFE, U+FFFF, and surrogates
 * (only a high one followed by a low one, a character beyond the BMP, is valid). DEL is allowed
 * but is dropped too.
 */
const FORBIDDEN = '\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F\\uD800-\\uDFFF\\uFFFE\\uFFFF';
const SURROGATE_PAIR = '[\\uD800-\\uDBFF][\\uDC00-\\uDFFF]';

const XML_ESCAPES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' };

/**
 * A cleaner for `specials` plus the forbidden characters. The first regex is one character class,
 * the cheap test every cell pays; only text that has such a character (or any surrogate, valid
 * pairs included) goes through the replace, which keeps the pairs.
 */
function xmlCleaner(specials: string, replacement: (char: string) => string): (text: string) => string {
  const any = new RegExp(`[${specials}${FORBIDDEN}]`);
  const each = new RegExp(`${SURROGATE_PAIR}|[${specials}${FORBIDDEN}]`, 'g');
  const replace = (match: string): string => (match.length === 2 ? match : replacement(match));
  return (text) => (any.test(text) ? text.replace(each, replace) : text);
}

/** Text escaped for an XML element, without the characters XML 1.0 forbids. */
export const xmlText = xmlCleaner(`<>&'"`, (char) => XML_ESCAPES[char] ?? '');

/** Text without the characters XML 1.0 forbids, for values escaped where they are written (sheet names). */
export const withoutXmlForbidden = xmlCleaner('', () => '');

/** 1 at each ASCII code `xmlText` changes: ASCII text with none of them is its own XML. */
export const XML_TEXT_STOPS = Uint8Array.from({ length: 128 }, (_, code) => {
  const char = String.fromCharCode(code);
  return xmlText(char) === char ? 0 : 1;
});
