// What every page shares: the header's search box and the clinic's settings from GET /site.
// The renderer already wrote the settings into the page; these refresh them (text only).

import { site } from './api.js';
import { startSearchBox } from './autocomplete.js';
import { el, isSlug, safeHref, telHref } from './dom.js';

/** Starts the shared parts; the promise of the site settings (rejects if /site failed). */
export function startPage() {
  startSearchBox(document.getElementById('site-search'));
  markCurrentPage();
  foldOnNarrowScreens(document.getElementById('toc-fold'));
  const settings = site();
  settings.then(applySite, () => {}); // without /site the rendered values stay
  return settings;
}

/** A table of contents: open beside the text on a wide screen, folded above it on a
 * phone, where it pushed the text a screen and more down. Open without scripts. */
function foldOnNarrowScreens(details) {
  if (!details) return;
  const wide = matchMedia('(min-width: 68rem)'); // content.css's two columns
  const fit = () => { details.open = wide.matches; };
  fit();
  wide.addEventListener('change', fit);
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
    each('select[data-site="services"]', (node) => setChoices(node, settings.services, 'id', serviceLabel));
  }
  if (Array.isArray(settings.providers)) {
    each('select[data-site="providers"]', (node) => setChoices(node, settings.providers, 'slug', providerLabel));
  }
  if (Array.isArray(settings.pages)) setNavigation(settings.pages);
}

/** The site's one title pattern, "Page: Clinic" (by default the name the header shows);
 * a title that already names the clinic ("About Clinic") is not followed by it again. */
export function pageTitle(title, name = document.querySelector('.brand')?.textContent.trim()) {
  return filled(name) && !title.includes(name) ? `${title}: ${name}` : title;
}

const serviceLabel = (service) => service.label;
/** "Nadia Brandt, MD, psychiatrist": as the renderer writes it. */
export const providerLabel = (provider) =>
  [provider.name, provider.credentials].filter(filled).join(', ');

/** The header's page links (`li[data-page]`, after Articles), from /site's `pages`. */
function setNavigation(pages) {
  const items = pages
    .filter((page) => isSlug(page?.slug) && filled(page?.title))
    .map((page) => el('li', { 'data-page': page.slug }, el('a', { href: `/pages/${page.slug}` }, page.title)));
  for (const list of document.querySelectorAll('.site-nav ul')) {
    for (const item of list.querySelectorAll('li[data-page]')) item.remove();
    list.firstElementChild?.after(...items.map((item) => item.cloneNode(true)));
  }
  markCurrentPage();
}

/** The link to the page shown (/pages/{slug}) says so: one rendered page serves them all. */
function markCurrentPage() {
  const path = location.pathname.replace(/\/+$/, '');
  for (const link of document.querySelectorAll('.site-nav li[data-page] > a')) {
    if (link.getAttribute('href') === path) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
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

/** The choices as <option>s after the empty one ("Choose a service"), keeping the choice made. */
function setChoices(select, items, key, label) {
  const chosen = select.value;
  const options = items
    .filter((item) => filled(item?.[key]) && filled(label(item)))
    .map((item) => el('option', { value: item[key] }, label(item)));
  if (!options.length && key === 'id') return; // a form needs its services; providers may be none
  const placeholder = select.querySelector('option[value=""]');
  select.replaceChildren(...(placeholder ? [placeholder] : []), ...options);
  select.value = options.some((option) => option.value === chosen) ? chosen : '';
}
