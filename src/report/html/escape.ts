// Everything the report shows comes from files a user (or an attacker who wrote the scenario)
// controls, so every string goes through one of these before it reaches the page.

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * JSON that is safe inside a <script> element: `<`, `>` and `&` become \u escapes, so neither
 * `</script>` nor `<!--` can appear, and U+2028/2029 are escaped for old JS parsers.
 * JSON.parse gives back exactly the same value.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * Third-party JavaScript inlined into a <script> element. `</script` would end the element early
 * and `<!--` switches the HTML parser into its escaped-script state; `<\/` and `<\!--` mean the
 * same to JavaScript wherever they can legally appear (strings, regexes, comments).
 */
export function scriptForInline(source: string): string {
  return source.replace(/<\/script/gi, '<\\/script').replace(/<!--/g, '<\\!--');
}
