// One request opened: its fields, history, and the forms that change it. A change is
// conditional on the ETag it was read with: on a 412 it is read again.

import { el } from './dom.js';
import { STATUSES } from './staff-api.js';
import { articleCite, clinicTime, fullName, label, phoneLink, preferredTimes, received, statusBadge } from './staff-view.js';

const $ = (id) => document.getElementById(id);

/** A link that opens another request here, by the reference staff search and quote. */
function requestLink(reference, open) {
  if (!reference) return null;
  const link = el('a', { href: `#${reference}`, class: 'reference-code' }, reference);
  link.addEventListener('click', (event) => { event.preventDefault(); open(reference); });
  return link;
}

/** [term, value] pairs of what the request says, empty ones left out. */
function fields(request, timeZone, open) {
  const email = request.email ? el('a', { href: `mailto:${request.email}` }, request.email) : null;
  const consent = request.consentAt
    ? `Given ${clinicTime(request.consentAt, timeZone)} (text version ${request.consentVersion ?? '?'})`
    : null;
  return [
    ['Reference', el('span', { class: 'reference-code' }, request.reference)],
    ['Status', statusBadge(request.status)],
    ['Received', received(request.createdAt, timeZone)],
    ['Patient', label('patientStatus', request.patientStatus)],
    ['Phone', phoneLink(request)],
    ['E-mail', email],
    ['Preferred contact', label('preferredContact', request.preferredContact)],
    ['OK to text', request.okToText ? 'Yes' : 'No'],
    ['OK to leave a voicemail', request.okToLeaveVoicemail ? 'Yes' : 'No'],
    ['Preferred days and times', preferredTimes(request)],
    ['Service', request.serviceLabel || request.service],
    ['Provider asked for', request.providerName || request.provider],
    ['Visit', request.visitFormat ? label('visitFormat', request.visitFormat) : null],
    ['Payment', request.payment ? label('payment', request.payment) : null],
    ['Insurance carrier', request.insuranceCarrier],
    ['Message', request.message ? el('span', { class: 'message-text' }, request.message) : null],
    ['From the article', request.sourceArticle ? articleCite(request.sourceArticle) : null],
    ['Assigned to', request.assignee || 'Nobody'],
    ['Consent', consent],
    ['Possible duplicate of', requestLink(request.duplicateOf, open)],
  ].filter(([, value]) => value !== null && value !== undefined && value !== '');
}

/** One history entry in words: who, when, what changed, the note. */
function historyItem(entry, timeZone) {
  const changes = [];
  if (entry.to) {
    changes.push(entry.from ? `Status ${label('status', entry.from)} → ${label('status', entry.to)}` : `Status ${label('status', entry.to)}`);
  }
  if (Object.hasOwn(entry, 'assignee')) changes.push(entry.assignee ? `Assigned to ${entry.assignee}` : 'Unassigned');
  // The web form's own entry ("received"): its note says what happened, no one wrote it.
  const event = entry.by === 'web-form';
  if (event && entry.note) changes.unshift(entry.note[0].toUpperCase() + entry.note.slice(1));
  return el('li', {},
    el('p', { class: 'history-when' },
      el('time', { datetime: entry.at }, clinicTime(entry.at, timeZone)),
      entry.by ? ` · ${entry.by}` : ''),
    changes.length ? el('p', {}, changes.join(' · ')) : null,
    entry.note && !event ? el('blockquote', { class: 'history-note' }, entry.note) : null);
}

export class RequestDetail {
  /** `events`: announce(text), notice(text: shown), problem(error, context), changed(request), closed(reference), open(reference). */
  constructor(api, events) {
    this.api = api;
    this.events = events;
    this.request = null;
    this.etag = null;
    this.timeZone = 'UTC';
    this.busy = false;
    this.loads = 0; // opens begun: only the latest answer is shown
    $('status-select').replaceChildren(...STATUSES.map((status) => el('option', { value: status }, label('status', status))));
    $('change-form').addEventListener('submit', (event) => { event.preventDefault(); this.saveChange(); });
    $('assign-form').addEventListener('submit', (event) => { event.preventDefault(); this.assign($('assignee').value.trim()); });
    $('unassign').addEventListener('click', () => this.assign(null));
    $('assign-me').addEventListener('click', () => this.assign(this.events.me()));
    $('back').addEventListener('click', () => this.close());
  }

  get reference() {
    return this.request?.reference ?? null;
  }

  async open(reference, timeZone) {
    const load = ++this.loads;
    this.timeZone = timeZone || this.timeZone;
    this.request = null; // no saves until it has loaded
    this.etag = null;
    this.editable(false);
    $('detail-fields').replaceChildren();
    $('history').replaceChildren();
    $('detail').hidden = false;
    $('detail').setAttribute('aria-busy', 'true');
    $('detail-title').textContent = 'Opening the request…';
    $('detail-title').focus();
    try {
      const { request, etag } = await this.api.get(reference);
      if (load !== this.loads) return; // superseded
      this.show(request, etag);
      $('change-note').value = '';
      this.editable(true);
      $('detail-title').focus();
    } catch (error) {
      if (load === this.loads) this.events.problem(error, 'open');
    } finally {
      if (load === this.loads) $('detail').removeAttribute('aria-busy');
    }
  }

  editable(on) {
    $('change-form').hidden = !on;
    $('assign-form').hidden = !on;
  }

  show(request, etag) {
    this.request = request;
    this.etag = etag;
    $('detail-title').textContent = fullName(request);
    $('detail-fields').replaceChildren(...fields(request, this.timeZone, this.events.open).flatMap(([term, value]) => [
      el('dt', {}, term), el('dd', {}, value),
    ]));
    const history = request.history ?? [];
    $('history').replaceChildren(...history.map((entry) => historyItem(entry, this.timeZone)));
    $('history-empty').hidden = history.length > 0;
    $('status-select').value = request.status;
    $('assignee').value = request.assignee ?? '';
    $('unassign').disabled = !request.assignee;
  }

  close() {
    const reference = this.reference;
    this.clear();
    this.events.closed(reference);
  }

  /** Drops what was shown (sign-out keeps nothing on the page). */
  clear() {
    this.loads += 1;
    this.request = null;
    this.etag = null;
    $('detail').hidden = true;
    $('detail-title').textContent = '';
    $('detail-fields').replaceChildren();
    $('history').replaceChildren();
    $('change-note').value = '';
    $('assignee').value = '';
  }

  async saveChange() {
    if (!this.request) return;
    const changes = {};
    const status = $('status-select').value;
    const note = $('change-note').value.trim();
    if (status !== this.request.status) changes.status = status;
    if (note) changes.note = note;
    if (!Object.keys(changes).length) {
      this.events.notice('Nothing to save: choose another status or write a note.');
      return;
    }
    const saved = await this.change(changes, 'change-save');
    if (!saved) return;
    $('change-note').value = '';
    const parts = changes.status ? [`Marked ${label('status', changes.status).toLowerCase()}`] : [];
    if (changes.note) parts.push(parts.length ? 'note added' : 'Note added');
    this.events.announce(`${parts.join(', ')}.`);
  }

  async assign(assignee) {
    if (assignee === '') {
      this.events.notice('Write a name to assign the request to, or choose Unassign.');
      $('assignee').focus();
      return;
    }
    if (await this.change({ assignee }, 'assign-save')) {
      this.events.announce(assignee ? `Assigned to ${assignee}.` : 'Unassigned.');
    }
  }

  /** PATCH with If-Match; true when saved. A 412 reads the request again and says so. */
  async change(changes, buttonId) {
    if (this.busy || !this.request) return false;
    this.busy = true;
    const button = $(buttonId);
    button.setAttribute('aria-disabled', 'true');
    try {
      const { request, etag } = await this.api.change(this.request.reference, this.etag, changes);
      this.show(request, etag);
      this.events.changed(request);
      this.events.notice(''); // what a failed try said is over
      return true;
    } catch (error) {
      if (error?.status === 412) await this.reloadAfterConflict();
      else this.events.problem(error, 'change');
      return false;
    } finally {
      this.busy = false;
      button.removeAttribute('aria-disabled');
    }
  }

  async reloadAfterConflict() {
    const typed = $('assignee').value; // kept, as the note is
    try {
      const { request, etag } = await this.api.get(this.request.reference);
      this.show(request, etag);
      $('assignee').value = typed;
      this.events.changed(request);
      this.events.problem({ status: 412 }, 'change');
    } catch (error) {
      this.events.problem(error, 'open');
    }
  }
}
