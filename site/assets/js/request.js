// The request form: without JavaScript a urlencoded post (303 to a page); with it, JSON with
// one Idempotency-Key per page view, retried, errors at their fields, the reference on success.
// What the person types goes only into the POST body: never a URL, storage, log or analytics.

import { apiUrl, drain } from './config.js';
import { el, isSlug, telHref } from './dom.js';
import { describe, rateLimited } from './form-errors.js';
import { pageTitle, startPage } from './layout.js';

const MAX_TRIES = 3;
const MAX_WAIT_SECONDS = 10;
const RETRYABLE = new Set([409, 502, 503, 504]);
const TEXT_FIELDS = [
  'patientStatus', 'firstName', 'lastName', 'preferredContact', 'phone', 'email', 'service',
  'provider', 'visitFormat', 'payment', 'insuranceCarrier', 'message', 'sourceArticle', 'website',
];
const CHECKBOXES = ['okToText', 'okToLeaveVoicemail', 'consent'];
const LISTS = ['preferredDays', 'preferredTimes'];

const $ = (id) => document.getElementById(id);
const form = $('request-form');
const alertBox = $('form-alert');
const status = $('form-status');
const submit = $('submit');
const settings = startPage().catch(() => null);

let idempotencyKey = newKey(); // one per page view: a retry is the same request
let sending = false;

const query = new URLSearchParams(location.search);
const article = query.get('article');
if (isSlug(article)) $('sourceArticle').value = article;
// ?service= (an article's call to action) and ?provider= (a provider's page), when listed.
for (const name of ['service', 'provider']) {
  const value = query.get(name);
  if (!isSlug(value)) continue;
  const select = $(name);
  choose(select, value);
  // Again once /site has refreshed the list, unless the person has chosen meanwhile.
  settings.then(() => { if (!select.value) choose(select, value); });
}

function choose(select, value) {
  if ([...select.options].some((option) => option.value === value)) select.value = value;
}

form.noValidate = true; // our messages replace the browser's, in the same place as the API's
for (const node of form.querySelectorAll('[aria-describedby]')) {
  node.dataset.describedby = node.getAttribute('aria-describedby');
}
startCounter($('message'), $('message-counter'));

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (sending) return;
  clearErrors();
  const problems = check();
  if (problems.length) {
    showErrors(problems);
    return;
  }
  sending = true;
  submit.setAttribute('aria-disabled', 'true');
  status.textContent = 'Sending your request…';
  try {
    await send(values());
  } finally {
    sending = false;
    submit.removeAttribute('aria-disabled');
  }
});

function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The form as the API's JSON: booleans for checkboxes, lists for days and times. */
function values() {
  const data = new FormData(form);
  const body = {};
  for (const name of TEXT_FIELDS) {
    const value = String(data.get(name) ?? '').trim();
    if (value) body[name] = value;
  }
  for (const name of CHECKBOXES) body[name] = data.has(name);
  for (const name of LISTS) {
    const chosen = data.getAll(name).map(String);
    if (chosen.length) body[name] = chosen;
  }
  return body;
}

// A name as the API takes one (each refused post uses up one of the sender's few).
const NAME = /^[\p{L}\p{M} '’.,-]*\p{L}[\p{L}\p{M} '’.,-]*$/u;

/** What the browser can tell before sending; the API checks everything again. */
function check() {
  const data = new FormData(form);
  const empty = (name) => !String(data.get(name) ?? '').trim();
  const problems = [];
  for (const name of ['patientStatus', 'firstName', 'lastName', 'preferredContact']) {
    if (empty(name)) problems.push({ field: name, code: 'required' });
    else if (name.endsWith('Name') && !NAME.test(String(data.get(name)).trim())) {
      problems.push({ field: name, code: 'invalid_name' });
    }
  }
  const channel = data.get('preferredContact');
  if ((channel === 'phone' || channel === 'text') && empty('phone')) {
    problems.push({ field: 'phone', code: 'required' });
  } else if (!empty('phone') && !plausiblePhone(String(data.get('phone')))) {
    problems.push({ field: 'phone', code: 'invalid_phone' });
  }
  if (channel === 'text' && !data.has('okToText')) {
    problems.push({ field: 'okToText', code: 'must_be_true' });
  }
  if (channel === 'email' && empty('email')) problems.push({ field: 'email', code: 'required' });
  else if (!empty('email') && $('email').validity.typeMismatch) {
    problems.push({ field: 'email', code: 'invalid_email' });
  }
  if (empty('service')) problems.push({ field: 'service', code: 'required' });
  if (!data.has('consent')) problems.push({ field: 'consent', code: 'must_be_true' });
  return problems;
}

/** Refuses only what no number anywhere is: under 7 digits and no letters (1-800-FLOWERS);
 * whether a number exists is the API's to say (it knows the clinic's country). */
function plausiblePhone(text) {
  return (text.match(/\d/g) ?? []).length >= 7 || /\p{L}/u.test(text);
}

async function send(body) {
  let url;
  try {
    url = await apiUrl('/appointments');
  } catch {
    fail('Your request could not be sent just now.');
    return;
  }
  let renewedKey = false;
  for (let attempt = 1; ; attempt += 1) {
    let response = null;
    try {
      response = await fetch(url, {
        method: 'POST',
        credentials: 'omit',
        cache: 'no-store',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
          'Idempotency-Key': idempotencyKey,
        },
        body: JSON.stringify(body),
      });
    } catch {
      response = null; // offline, or the API could not be reached
    }
    if (response?.status === 201) {
      confirm(await response.json().catch(() => ({})));
      return;
    }
    if (response?.status === 422) {
      const errors = await fieldErrors(response);
      // The key went with other answers before (changed after a failed try): a new request.
      if (!renewedKey && errors.some((error) => error.field === 'Idempotency-Key')) {
        renewedKey = true;
        idempotencyKey = newKey();
        attempt -= 1;
        continue;
      }
      status.textContent = '';
      showErrors(errors);
      return;
    }
    if (response) await drain(response);
    if (response?.status === 429) {
      fail(rateLimited(retryAfter(response)));
      return;
    }
    if ((response && !RETRYABLE.has(response.status)) || attempt >= MAX_TRIES) {
      fail('Your request could not be sent just now. Nothing you entered has been lost: please try again in a few minutes.');
      return;
    }
    const seconds = waitSeconds(response, attempt);
    status.textContent = `Still trying to send your request (try ${attempt + 1} of ${MAX_TRIES})…`;
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  }
}

/** Retry-After in seconds (a number or an HTTP date), or null without one. */
function retryAfter(response) {
  const header = response?.headers.get('Retry-After')?.trim();
  if (header && /^\d+$/.test(header)) return Number(header);
  if (header && !Number.isNaN(Date.parse(header))) return (Date.parse(header) - Date.now()) / 1000;
  return null;
}

/** How long before the next try: Retry-After, bounded; else 1 s, then 2 s. */
function waitSeconds(response, attempt) {
  return Math.min(MAX_WAIT_SECONDS, Math.max(0, retryAfter(response) ?? attempt));
}

async function fieldErrors(response) {
  try {
    const problem = await response.json();
    return Array.isArray(problem.errors) ? problem.errors.filter((error) => error && error.field) : [];
  } catch {
    return [];
  }
}

/** Success: the form (and what was typed in it) is replaced by the reference. */
function confirm(receipt) {
  const reference = typeof receipt.reference === 'string' ? receipt.reference : '';
  $('confirmation-reference').textContent = reference;
  $('form-area').remove();
  $('form-title').textContent = 'Request received';
  document.title = pageTitle('Request received');
  const confirmation = $('confirmation');
  confirmation.hidden = false;
  confirmation.focus();
}

/** A problem that is not any one field's: said plainly, with the clinic's phone number. */
async function fail(message) {
  status.textContent = '';
  const site = (await settings) ?? {};
  const phone = site.contact?.phone || phoneFromPage();
  alertBox.replaceChildren(
    el('p', {}, message),
    phone ? el('p', {}, 'You can also call us at ', el('a', { href: telHref(phone) }, phone), '.') : null,
  );
  alertBox.setAttribute('tabindex', '-1');
  alertBox.focus();
}

function phoneFromPage() {
  return document.querySelector('[data-site="phone"]')?.textContent ?? '';
}

function controlsOf(field) {
  const found = form.elements.namedItem(field);
  if (!found || found.type === 'hidden' || field === 'website') return [];
  return found instanceof RadioNodeList ? [...found] : [found];
}

function showErrors(errors) {
  const general = [];
  const invalid = [];
  const seen = new Set();
  for (const { field, code } of errors) {
    if (seen.has(field)) continue;
    seen.add(field);
    const controls = controlsOf(field);
    if (!controls.length) {
      general.push(describe(field, code));
      continue;
    }
    const group = $(`${field}-group`);
    const container = group ?? controls[0].closest('.field, fieldset');
    const message = el('p', { class: 'error-message', id: `${field}-error`, 'data-error': '' }, describe(field, code));
    const before = [...container.children].filter((child) => child.matches('legend, label, .help')).pop();
    if (before) before.after(message);
    else container.prepend(message);
    for (const node of group ? [group, ...controls] : controls) {
      if (node !== group) node.setAttribute('aria-invalid', 'true');
      node.setAttribute('aria-describedby', [message.id, node.dataset.describedby].filter(Boolean).join(' '));
    }
    invalid.push(controls.find((control) => control.checked) ?? controls[0]);
  }
  const count = invalid.length;
  alertBox.replaceChildren(
    ...(count ? [el('p', {}, count === 1 ? 'Please correct the answer marked below.' : `Please correct the ${count} answers marked below.`)] : []),
    ...general.map((text) => el('p', {}, text)),
  );
  const first = invalid.sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1))[0];
  if (first) first.focus();
  else if (general.length) {
    alertBox.setAttribute('tabindex', '-1');
    alertBox.focus();
  }
}

function clearErrors() {
  alertBox.replaceChildren();
  for (const message of form.querySelectorAll('[data-error]')) message.remove();
  for (const node of form.querySelectorAll('[aria-invalid]')) node.removeAttribute('aria-invalid');
  for (const node of form.querySelectorAll('[aria-describedby]')) {
    if (node.dataset.describedby) node.setAttribute('aria-describedby', node.dataset.describedby);
    else node.removeAttribute('aria-describedby');
  }
}

function startCounter(field, counter) {
  if (!field || !counter) return;
  const limit = field.maxLength;
  const update = () => {
    const left = limit - field.value.length;
    counter.textContent = `${left} ${left === 1 ? 'character' : 'characters'} left`;
    counter.hidden = field.value.length === 0;
  };
  field.addEventListener('input', update);
  update();
}
