// Small DOM helpers. Every piece of data goes in through textContent or
// setAttribute (never innerHTML), so nothing the API returns is parsed as HTML.

import { formatDateTime, formatNumber, tIf } from './i18n.js';

/** @typedef {string | number | boolean | null | undefined} AttrValue */
/** @typedef {Node | string | number | null | undefined | false} Child */

/**
 * Creates an element with attributes and children (strings become text nodes).
 * Attributes whose value is null, undefined or false are left out; true sets an empty one.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, AttrValue>} [attrs]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * Creates an SVG element.
 * @template {keyof SVGElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, AttrValue>} [attrs]
 * @param {...(Child | Child[])} children
 * @returns {SVGElementTagNameMap[K]}
 */
export function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/**
 * @param {Element} el
 * @param {Record<string, AttrValue>} attrs
 */
function setAttrs(el, attrs) {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
}

/**
 * @param {Element} el
 * @param {(Child | Child[])[]} children
 */
function append(el, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

/**
 * The element with this id, checked to be of the expected kind.
 * @template {Element} T
 * @param {string} id
 * @param {new (...args: any[]) => T} kind
 * @returns {T}
 */
export function byId(id, kind) {
  const el = document.getElementById(id);
  if (!(el instanceof kind)) throw new Error(`#${id} is missing or not a ${kind.name}`);
  return el;
}

/**
 * Calls fn once calls stop for `wait` ms — but at least every `maxWait` ms while they keep coming.
 * @param {() => void} fn
 * @param {number} wait
 * @param {number} [maxWait]
 * @returns {{ (): void, cancel(): void }}
 */
export function debounce(fn, wait, maxWait = wait * 4) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  /** @type {number | null} */
  let first = null;
  const run = () => {
    timer = undefined;
    first = null;
    fn();
  };
  const call = () => {
    const now = Date.now();
    first ??= now;
    clearTimeout(timer);
    timer = setTimeout(run, Math.max(0, Math.min(wait, first + maxWait - now)));
  };
  call.cancel = () => {
    clearTimeout(timer);
    timer = undefined;
    first = null;
  };
  return call;
}

/** @param {number} amount */
export function formatAmount(amount) {
  return formatNumber(amount, { maximumFractionDigits: 3 });
}

/**
 * A server local date-time (`2026-02-05T10:00:05`) as a <time> element, or a dash.
 * @param {string | null | undefined} value
 * @returns {Node}
 */
export function timeEl(value) {
  if (!value) return document.createTextNode('—');
  return h('time', { datetime: value }, formatTime(value));
}

/** @param {string} value a server local date-time, as the page's language writes it */
export function formatTime(value) {
  return formatDateTime(value);
}

/**
 * A status badge: coloured, and always with its text.
 * @param {string} status
 */
export function badge(status) {
  return h('span', { class: `badge badge-${status.toLowerCase()}`, title: tIf(`code.${status}`) || null }, status);
}

/**
 * A wire code with its gloss in the page's language beside it, when the language has one
 * (`DEAD`, `DEAD 실패`): the code stays as the API says it.
 * @param {string} code
 * @param {string} gloss
 */
export function codeWithGloss(code, gloss) {
  return gloss ? `${code} · ${gloss}` : code;
}

/** @param {string | null | undefined} value */
export function orDash(value) {
  return value === null || value === undefined || value === '' ? '—' : value;
}

/**
 * An id as text that may break only after its separators (`_`, `-`, `.`,
 * `/`), never inside a token: `ORD_LIMIT_42` can wrap as `ORD_` / `LIMIT_42`,
 * not `ORD_LI` / `MIT_42`. (`<wbr>` adds no character: copying gets the id.)
 * @param {string} id
 * @returns {(string | HTMLElement)[]}
 */
export function breakableId(id) {
  /** @type {(string | HTMLElement)[]} */
  const parts = [];
  for (const piece of id.split(/(?<=[_./-])/)) {
    if (parts.length > 0) parts.push(document.createElement('wbr'));
    parts.push(piece);
  }
  return parts;
}
