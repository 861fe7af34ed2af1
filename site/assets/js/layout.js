// What every page shares: the header's search box and the clinic's settings from GET /site.
// The renderer already wrote the settings into the page; these refresh them (text only).

import { site } from './api.js';
import { startSearchBox } from './autocomplete.js';
import { el, safeHref, telHref } from './dom.js';

/** Starts the shared parts; the promise of the site settings (rejects if /site failed). */
export function startPage() {
  startSearchBox(document.getElementById('site-search'));
  const settings = site();
  settings.then(applySite, () => {}); // without /site the rendered values stay
  return settings;
}

function each(selector, update) {
  for (const node of document.querySelectorAll(selector)) update(node);
}

function filled(value) {
  return typeof value === 'string' && value.trim() !== '';
}

function applySite(settings) {
  if (filled(settings.name)) each('[data-site="name"]', (node) => { node.textContent = settings.name; });
  if (filled(settings.searchPrompt)) {
    each('[data-site="searchPrompt"]', (node) => { node.textContent = settings.searchPrompt; });
    each('input[type="search"]', (node) => { node.placeholder = settings.searchPrompt; });
  }
  if (filled(settings.cta?.label)) {
    each('[data-site="cta"]', (node) => {
      node.textContent = settings.cta.label;
      node.href = safeHref(settings.cta.href, node.getAttribute('href'));
    });
  }
  if (filled(settings.emergencyNotice)) {
    each('[data-site="emergencyNotice"]', (node) => { node.textContent = settings.emergencyNotice; });
  }
  if (filled(settings.consentText)) {
    each('[data-site="consentText"]', (node) => { node.textContent = settings.consentText; });
  }
  const contact = settings.contact ?? {};
  if (filled(contact.phone)) each('[data-site="phone"]', (node) => setPhone(node, contact.phone));
  if (filled(contact.phone) || filled(contact.email)) {
    each('[data-site="contact"]', (node) => node.replaceChildren(...contactLines(contact)));
  }
  if (Array.isArray(settings.services) && settings.services.length) {
    each('select[data-site="services"]', (node) => setServices(node, settings.services));
  }
}

export function setPhone(link, phone) {
  link.textContent = phone;
  link.href = telHref(phone);
}

export function contactLines(contact) {
  const lines = [];
  if (filled(contact.phone)) {
    lines.push(el('p', {}, 'Phone: ', el('a', { href: telHref(contact.phone) }, contact.phone)));
  }
  if (filled(contact.email)) {
    lines.push(el('p', {}, 'E-mail: ', el('a', { href: `mailto:${contact.email}` }, contact.email)));
  }
  if (filled(contact.address)) lines.push(el('p', {}, contact.address));
  if (filled(contact.hours)) lines.push(el('p', {}, 'Hours: ', contact.hours));
  return lines;
}

/** The services as <option>s after the "Choose a service" one, keeping the choice made. */
function setServices(select, services) {
  const chosen = select.value;
  const options = services
    .filter((service) => filled(service?.id) && filled(service?.label))
    .map((service) => el('option', { value: service.id }, service.label));
  if (!options.length) return;
  const placeholder = select.querySelector('option[value=""]');
  select.replaceChildren(...(placeholder ? [placeholder] : []), ...options);
  select.value = options.some((option) => option.value === chosen) ? chosen : '';
}
