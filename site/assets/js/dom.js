// Building DOM from API strings: always as text (createElement, textContent), never as HTML.

/** el('a', { href: '/x' }, 'text', child): strings become text nodes. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children.filter((child) => child !== undefined && child !== null && child !== false));
  return node;
}

const dates = new Intl.DateTimeFormat(document.documentElement.lang || 'en', {
  dateStyle: 'long',
  timeZone: 'UTC',
});

/** "2026-03-02" or "2026-03-02T09:00:00Z" → "March 2, 2026". */
export function formatDate(iso) {
  const value = String(iso ?? '');
  const moment = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  return Number.isNaN(moment.getTime()) ? value : dates.format(moment);
}

export function timeElement(iso) {
  return el('time', { datetime: iso }, formatDate(iso));
}

/** A link target from the API or settings: a local path or http(s) URL, else the fallback. */
export function safeHref(href, fallback = '/') {
  const value = String(href ?? '');
  if (value.startsWith('/') && !value.startsWith('//')) return value;
  return /^https?:\/\//i.test(value) ? value : fallback;
}

export function telHref(phone) {
  const parts = String(phone).split(';ext=').map((part) => part.replace(/[^\d+]/g, ''));
  return `tel:${parts.join(';ext=')}`;
}

/** "tms" → "Tms"; "side-effects" → "Side effects" (what /tags does without a label). */
export function tagLabel(tag) {
  const words = String(tag).replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function isSlug(value) {
  return typeof value === 'string' && value.length <= 120 && SLUG.test(value);
}
