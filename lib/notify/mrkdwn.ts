/** Text for Slack's mrkdwn: escaping and cutting that never breaks an entity or a code span. */
import { sliceWhole } from './text.ts';

/** Slack reads `&`, `<` and `>` as control characters (links, mentions): they must be sent as entities. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A value in inline code: escaped, on one line, with backticks replaced so the span cannot end early. */
export function code(text: string): string {
  const oneLine = text.replace(/[\r\n\t]+/g, ' ').replace(/`/g, "'");
  return `\`${escapeMrkdwn(oneLine)}\``;
}

/** Bold label, escaped. */
export function bold(text: string): string {
  return `*${escapeMrkdwn(text.replace(/[*\r\n]+/g, ' '))}*`;
}

/**
 * Cuts already-escaped mrkdwn to at most `max` characters, ending with `…`, without leaving half an entity
 * (`&am`) behind. A code span cut open only loses its formatting, which Slack shows as a stray backtick.
 */
export function clampMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = sliceWhole(text, max - 1).replace(/&[a-z]*$/, '');
  return `${cut}…`;
}
