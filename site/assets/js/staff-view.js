// How a request reads in the inbox: plain-word labels, times in the clinic's time zone,
// and the list's rows. Every value from the API goes in as text (el(), textContent).

import { el, telHref } from './dom.js';
import { articleTitle } from './staff-api.js';

const LABELS = {
  status: { new: 'New', contacted: 'Contacted', scheduled: 'Scheduled', closed: 'Closed', spam: 'Spam' },
  preferredContact: { phone: 'Phone call', text: 'Text message', email: 'E-mail' },
  preferredDays: { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat' },
  preferredTimes: { morning: 'mornings', afternoon: 'afternoons', evening: 'evenings' },
  visitFormat: { 'in-person': 'In person', telehealth: 'Telehealth', 'no-preference': 'No preference' },
  payment: { 'self-pay': 'Self-pay', insurance: 'Insurance', unsure: 'Not sure yet' },
  patientStatus: { new: 'New patient', existing: 'Existing patient' },
};

/** A field's value in plain words ("text" → "Text message"); unknown values as they are. */
export function label(field, value) {
  return LABELS[field]?.[value] ?? String(value ?? '');
}

export function fullName(request) {
  return [request.firstName, request.lastName].filter(Boolean).join(' ') || String(request.reference);
}

/** "Mon, Wed · mornings" or "Any day, any time". */
export function preferredTimes(request) {
  const days = (request.preferredDays ?? []).map((day) => label('preferredDays', day)).join(', ');
  const times = (request.preferredTimes ?? []).map((time) => label('preferredTimes', time)).join(', ');
  return [days || 'any day', times || 'any time'].join(' · ');
}

/** "Nov 29, 9:05 AM" in the clinic's time zone (the list says which). */
export function clinicTime(iso, timeZone) {
  const moment = new Date(iso);
  if (Number.isNaN(moment.getTime())) return String(iso ?? '');
  try {
    return new Intl.DateTimeFormat('en-US', {
      timeZone: timeZone || 'UTC', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit',
      timeZoneName: 'short',
    }).format(moment);
  } catch {
    return moment.toISOString();
  }
}

const STEPS = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** "3 hours ago", "yesterday", "just now". */
export function age(iso, now = Date.now()) {
  const since = now - new Date(iso).getTime();
  if (Number.isNaN(since)) return '';
  const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  for (const [unit, size] of STEPS) {
    if (since >= size) return relative.format(-Math.floor(since / size), unit);
  }
  return 'just now';
}

/** <time> "3 hours ago (Nov 29, 9:05 AM)". */
export function received(iso, timeZone) {
  return el('time', { datetime: iso }, `${age(iso)} (${clinicTime(iso, timeZone)})`);
}

export function phoneLink(request) {
  if (!request.phone) return null;
  return el('a', { class: 'phone', href: telHref(request.phone) }, request.phoneDisplay || request.phone);
}

/** <cite> with the article's slug, then its title once the public API has said it. */
export function articleCite(slug) {
  const cite = el('cite', {}, slug);
  articleTitle(slug).then((title) => { cite.textContent = title; });
  return cite;
}

export function statusBadge(status) {
  const known = Object.hasOwn(LABELS.status, status);
  return el('span', { class: `badge badge-${known ? status : 'other'}` }, label('status', status));
}

/** One row of the list: the name opens the request (the whole card is its target). */
export function requestRow(request, timeZone, open) {
  const button = el('button', { type: 'button', class: 'request-open', 'data-reference': request.reference },
    fullName(request));
  button.addEventListener('click', () => open(request.reference, button));
  const contact = el('span', {}, `Prefers ${label('preferredContact', request.preferredContact).toLowerCase()}`);
  const details = [
    el('span', {}, request.serviceLabel || request.service),
    phoneLink(request),
    contact,
    el('span', {}, preferredTimes(request)),
  ].filter(Boolean);
  const source = request.sourceArticle ? el('span', {}, 'From the article ', articleCite(request.sourceArticle)) : null;
  const assignee = request.assignee ? el('span', {}, `Assigned to ${request.assignee}`) : null;
  return el('li', { class: 'request-card', 'data-status': request.status },
    el('div', { class: 'request-heading' },
      el('h3', { class: 'request-name' }, button),
      statusBadge(request.status)),
    el('p', { class: 'request-details' }, ...separated(details)),
    el('p', { class: 'request-meta muted' },
      ...separated([
        el('span', {}, 'Reference ', el('span', { class: 'reference-code' }, request.reference)),
        el('span', {}, 'Received ', received(request.createdAt, timeZone)), source, assignee,
      ].filter(Boolean))));
}

/** Nodes with " · " between them. */
export function separated(nodes) {
  return nodes.flatMap((node, index) => (index ? [' · ', node] : [node]));
}
