import type { Html, HtmlValue } from './escape.ts';
import { html } from './escape.ts';
import { TIME_UNKNOWN, actorVerb } from '../format.ts';
import type { ActorName } from '../format.ts';

/** Building blocks shared by the report page and the export page. */

/** `2026-11-20 10:02 UTC`, with the exact instant in `datetime` and the tooltip. */
export function timeTag(iso: string | undefined): Html {
  if (!iso) return html`<span class="muted">–</span>`;
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return html`<span>${iso}</span>`;
  const exact = new Date(time).toISOString();
  return html`<time datetime="${exact}" title="${exact}">${exact.slice(0, 10)} ${exact.slice(11, 16)} UTC</time>`;
}

/** A coloured pill; `kind` picks the palette (a status, a severity, a state) and the text says it in words. */
export function badge(kind: string, text: string): Html {
  return html`<span class="badge k-${cssToken(kind)}">${text}</span>`;
}

/** Only our own vocabulary reaches a class name; anything else falls back to the neutral palette. */
function cssToken(kind: string): string {
  return /^[a-z-]+$/.test(kind) ? kind : 'info';
}

export function card(label: string, value: number | string, kind: string, sub?: HtmlValue): Html {
  const zero = value === 0 ? ' zero' : '';
  return html`<div class="card k-${cssToken(kind)}${zero}"><div class="n">${value}</div><div class="l">${label}</div>${sub ? html`<div class="sub">${sub}</div>` : ''}</div>`;
}

/** `new`, or `since …` for something an earlier run already reported. */
export function seenMark(item: { history?: string; firstSeen?: string }): Html {
  if (item.history === 'new') return html`<span class="mark new" title="first seen in this run">new</span>`;
  if (item.history === 'persisting' && item.firstSeen)
    return html`<span class="mark" title="reported by earlier runs">since ${timeTag(item.firstSeen)}</span>`;
  return html``;
}

const VALUE_LIMIT = 4000;

/** A declared or live value: strings as they are, structures as indented JSON, long ones cut with a note. */
export function valueBlock(value: unknown, present: boolean): Html {
  if (!present || value === undefined) return html`<pre><span class="absent">(not set)</span></pre>`;
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  if (text.length <= VALUE_LIMIT) return html`<pre>${text}</pre>`;
  return html`<pre>${text.slice(0, VALUE_LIMIT)}<span class="absent">… ${text.length - VALUE_LIMIT} more characters (see the JSON report)</span></pre>`;
}

export function sideBySide(
  declared: { value: unknown; present: boolean },
  live: { value: unknown; present: boolean },
): Html {
  return html`<div class="sides"><div class="side declared"><div class="lbl">Declared (Git)</div>${valueBlock(declared.value, declared.present)}</div><div class="side live"><div class="lbl">Live (cluster)</div>${valueBlock(live.value, live.present)}</div></div>`;
}

/** `kubectl-edit (scale) at 2026-11-20 10:02 UTC`. */
export function writerLine(
  manager: string | undefined,
  time: string | undefined,
  subresource?: string,
  actor?: ActorName,
): Html {
  const person = actor ? html` by <b>${actor.username}</b>` : html``;
  if (!manager) {
    if (!actor) return html``;
    const at = actor.time ?? time;
    return html`<div class="who">${capitalized(actorVerb(actor.verb))}${person}${at ? html` at ${timeTag(at)}` : ''}</div>`;
  }
  return html`<div class="who">Changed by <b>${manager}</b>${subresource ? html` (${subresource})` : ''}${person}${time ? html` at ${timeTag(time)}` : html`, ${TIME_UNKNOWN}`}</div>`;
}

function capitalized(word: string): string {
  return `${word.charAt(0).toUpperCase()}${word.slice(1)}`;
}

/** The sticky filter bar; the inline script finds it by these ids. */
export function toolbar(placeholder: string, total: number): Html {
  return html`<div class="toolbar" role="search"><input id="filter" type="search" placeholder="${placeholder}" aria-label="Filter" autocomplete="off"><button id="expand-all" type="button">Expand all</button><button id="collapse-all" type="button">Collapse all</button><span class="shown" id="shown">${total} items</span></div>`;
}

/** A collapsible section (a namespace, a severity) whose children with `data-item` the filter counts. */
export function group(options: {
  title: Html;
  label: string;
  total: number;
  badges?: Html[];
  open: boolean;
  body: Html;
}): Html {
  return html`<details class="group" data-total="${options.total}"${options.open ? html` open` : ''}><summary>${options.title} <span class="count" data-label="${options.label}">${options.label}</span><span class="badges">${options.badges ?? []}</span></summary>${options.body}</details>`;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
