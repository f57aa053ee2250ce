/**
 * Markup built by the `html` tag. Reports hold user-controlled text (object names, label values, images, messages),
 * so the renderer never concatenates strings into HTML: every `${value}` in an `html` template is escaped unless it
 * is itself an `Html` made by the tag. The only way to inject raw markup is `trustedHtml`, used for our own constants.
 */
export class Html {
  readonly markup: string;
  constructor(markup: string) {
    this.markup = markup;
  }
  toString(): string {
    return this.markup;
  }
}

export type HtmlValue = Html | string | number | boolean | undefined | null | readonly HtmlValue[];

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe in element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ENTITIES[character] ?? character);
}

function render(value: HtmlValue): string {
  if (value instanceof Html) return value.markup;
  if (Array.isArray(value)) return value.map((item: HtmlValue) => render(item)).join('');
  // `false`/`null`/`undefined` render nothing, so `${condition && html`…`}` works.
  if (value === undefined || value === null || value === false) return '';
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): Html {
  let markup = strings[0] ?? '';
  values.forEach((value, index) => {
    markup += render(value) + (strings[index + 1] ?? '');
  });
  return new Html(markup);
}

/** Our own constant markup (the stylesheet, the script): never pass report data. */
export function trustedHtml(markup: string): Html {
  return new Html(markup);
}
