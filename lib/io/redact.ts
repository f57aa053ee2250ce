/**
 * Short, single-line, and without anything shaped like a credential: server messages and auth-plugin errors are
 * shown to users and stored in reports.
 */
export function redact(text: string): string {
  const cleaned = text
    .replace(/(bearer|basic)\s+[^\s"',]+/gi, '$1 [redacted]')
    .replace(/((?:token|password|secret|key)s?["']?\s*[=:]\s*["']?)[^\s"',&]+/gi, '$1[redacted]')
    .replace(/\/\/[^/@\s]+@/g, '//[redacted]@')
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned.length > 300 ? `${cleaned.slice(0, 297)}...` : cleaned;
}
