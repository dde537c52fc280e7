// The dashboard's languages: the message catalogs (i18n.en.js, i18n.ko.js),
// which one this page uses, t() to read a message, and numbers and dates
// formatted by Intl in that language.
//
// The language is chosen once, when the page loads: `?lang=ko` or `?lang=en`
// in the page's query string wins; otherwise the first of the browser's
// languages that is Korean or English; otherwise English. Switching reloads
// the page with another `?lang=` (languageHref).

import en from './i18n.en.js';
import ko from './i18n.ko.js';

/** @typedef {'en' | 'ko'} Lang */
/** @typedef {keyof typeof en} MessageKey */
/**
 * A message: text with `{name}` placeholders, or, where a count decides the
 * wording, one text per plural category of Intl.PluralRules (`other` always).
 * @typedef {string | { zero?: string, one?: string, two?: string, few?: string, many?: string, other: string }} Message
 */
/** Every language has every key (tsc checks the Korean catalog against this type). @typedef {Record<MessageKey, Message>} Catalog */
/** @typedef {Record<string, string | number>} Params */

/** @type {readonly Lang[]} */
export const LANGS = ['en', 'ko'];
/** Each language's name, in that language (the switch shows them as they are). */
export const LANG_NAMES = /** @type {const} */ ({ en: 'English', ko: '한국어' });
/** @type {Record<Lang, Catalog>} */
export const CATALOGS = { en, ko };

/**
 * The language of a tag (`ko-KR` → `ko`), when it is one of ours.
 * @param {string} tag
 * @returns {Lang | null}
 */
function langOf(tag) {
  const lower = tag.trim().toLowerCase();
  return LANGS.find((l) => lower === l || lower.startsWith(`${l}-`)) ?? null;
}

/**
 * The page's language: `?lang=` in its query string, else the first of the browser's languages we have, else English.
 * @param {string} search location.search
 * @param {readonly string[]} languages navigator.languages
 * @returns {Lang}
 */
export function pickLang(search, languages) {
  const asked = new URLSearchParams(search).get('lang');
  const chosen = asked === null ? null : langOf(asked);
  if (chosen) return chosen;
  for (const tag of languages) {
    const l = langOf(tag);
    if (l) return l;
  }
  return 'en';
}

const browserLanguages = navigator.languages?.length ? navigator.languages : [navigator.language ?? 'en'];
/** This page's language. */
export const lang = pickLang(location.search, browserLanguages);
/** The tag Intl formats with: the browser's own variant of the language (en-GB), else the language itself. */
const locale = browserLanguages.find((tag) => langOf(tag) === lang) ?? lang;
const catalog = CATALOGS[lang];
const plurals = new Intl.PluralRules(locale);

/**
 * The message in this page's language (English if it were missing), with its placeholders filled.
 * Numbers are formatted for the language; pass ids and codes as strings.
 * @param {MessageKey} key
 * @param {Params} [params]
 * @returns {string}
 */
export function t(key, params = {}) {
  return tParts(key, params)
    .map((part) => (typeof part === 'string' ? part : (part.textContent ?? '')))
    .join('');
}

/**
 * Like t(), but a placeholder may be filled with a Node (a link, a badge): the pieces, in order, for h().
 * @param {MessageKey} key
 * @param {Record<string, string | number | Node>} [params]
 * @returns {(string | Node)[]}
 */
export function tParts(key, params = {}) {
  const text = pick(catalog[key] ?? en[key], params.count);
  /** @type {(string | Node)[]} */
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(/\{(\w+)\}/g)) {
    const value = params[/** @type {string} */ (match[1])];
    if (value === undefined) continue;
    parts.push(text.slice(last, match.index));
    parts.push(typeof value === 'number' ? formatNumber(value) : value);
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return parts.filter((part) => part !== '');
}

/**
 * The message if the catalog has this key (built from a code: `code.${status}`), else null.
 * @param {string} key
 * @param {Params} [params]
 * @returns {string | null}
 */
export function tIf(key, params) {
  return key in en ? t(/** @type {MessageKey} */ (key), params) : null;
}

/**
 * @param {Message} message
 * @param {string | number | Node | undefined} count
 */
function pick(message, count) {
  if (typeof message === 'string') return message;
  const category = typeof count === 'number' ? plurals.select(count) : 'other';
  return message[category] ?? message.other;
}

/** @type {Map<string, Intl.NumberFormat>} */
const numberFormats = new Map();

/**
 * A number as this language writes it (grouping, decimals).
 * @param {number} n
 * @param {Intl.NumberFormatOptions} [options]
 */
export function formatNumber(n, options = { maximumFractionDigits: 3 }) {
  const id = JSON.stringify(options);
  let format = numberFormats.get(id);
  if (!format) {
    format = new Intl.NumberFormat(locale, options);
    numberFormats.set(id, format);
  }
  return format.format(n);
}

/** @param {number} rate from 0 to 1 */
export function formatPercent(rate) {
  const digits = rate === 1 || rate === 0 ? 0 : 1;
  return formatNumber(rate, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits });
}

// The service's times are its local date-times without a zone (`2026-02-05T10:00:05`):
// read as they are (as UTC, formatted in UTC), never moved to the browser's zone.
const dateTimeFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium', hourCycle: 'h23', timeZone: 'UTC' });
const clockFormat = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC' });

/** @param {string} value */
function parseLocal(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?/.exec(value);
  if (!m) return null;
  const [, y, mo, d, hh, mm, ss] = m.map(Number);
  return new Date(Date.UTC(y, mo - 1, d, hh, mm, ss || 0));
}

/**
 * A service local date-time, as this language writes dates (`Feb 5, 2026, 10:00:05`, `2026. 2. 5. 10:00:05`).
 * @param {string} value
 */
export function formatDateTime(value) {
  const date = parseLocal(value);
  return date ? dateTimeFormat.format(date) : value.replace('T', ' ');
}

/**
 * The hour and minute of a service local date-time (`10:05`).
 * @param {string} value
 */
export function formatClock(value) {
  const date = parseLocal(value);
  return date ? clockFormat.format(date) : value.slice(11, 16);
}

/**
 * This page again in another language: same query (but `lang`), same route.
 * @param {Lang} target
 */
export function languageHref(target) {
  const params = new URLSearchParams(location.search);
  params.set('lang', target);
  return `${location.pathname}?${params}${location.hash}`;
}

/**
 * Translates the page's own HTML: `<html lang>`, and the elements marked with
 * `data-i18n` (their text) or `data-i18n-label` (their aria-label).
 * @param {Document} doc
 */
export function localizeDocument(doc) {
  doc.documentElement.lang = lang;
  for (const el of doc.querySelectorAll('[data-i18n]')) {
    const key = el.getAttribute('data-i18n');
    if (key && key in en) el.textContent = t(/** @type {MessageKey} */ (key));
  }
  for (const el of doc.querySelectorAll('[data-i18n-label]')) {
    const key = el.getAttribute('data-i18n-label');
    if (key && key in en) el.setAttribute('aria-label', t(/** @type {MessageKey} */ (key)));
  }
}
