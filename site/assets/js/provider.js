// One provider: /providers/{slug} → GET /providers/{slug}. The bio's `bioHtml` is the one
// string inserted as HTML (the API sanitised it); everything else goes in as text.

import { getJson } from './api.js';
import { ApiError } from './config.js';
import { el, isSlug, safeHref } from './dom.js';
import { describeNotFound, describePage, showNotFound, slugFromPath } from './head.js';
import { startPage } from './layout.js';
import { picture } from './picture.js';

const $ = (id) => document.getElementById(id);
const settings = startPage().catch(() => null);
const slug = slugFromPath('providers', location.pathname, isSlug);

if (slug) load(slug);
else notFound();

async function load(slug) {
  let provider;
  try {
    provider = await getJson(`/providers/${slug}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) notFound();
    else $('provider-status').textContent = 'This page could not be loaded. Please try again later.';
    return;
  }
  const site = (await settings) ?? {};
  show(provider, site);
  describePage(site, {
    title: provider.name,
    description: `${provider.name}, ${provider.credentials}${provider.role ? `: ${provider.role}` : ''}`,
    path: provider.url || `/providers/${provider.slug}`,
    type: 'profile',
    jsonLd: provider.jsonLd,
    image: provider.photo,
  });
}

function show(provider, site) {
  $('provider-name').textContent = provider.name;
  $('provider-credentials').textContent = provider.credentials ?? '';
  $('provider-role').textContent = provider.role ?? '';
  const photo = picture(provider.photo, { sizes: '12rem', width: 192, eager: true });
  if (photo) $('provider-photo').replaceChildren(photo);
  $('provider-photo').hidden = !photo;
  $('provider-bio').innerHTML = provider.bioHtml ?? ''; // sanitised by the API (nh3 allow-list)
  list('provider-specialties', (provider.specialties ?? []).map(String));
  list('provider-services', (provider.services ?? []).map((service) => String(service?.label ?? '')));
  const articles = (provider.articles ?? []).filter((item) => isSlug(item?.slug));
  $('provider-articles').replaceChildren(
    ...articles.map((item) => el('li', {}, el('a', { href: `/articles/${item.slug}` }, String(item.title)))),
  );
  $('provider-articles-section').hidden = !articles.length;
  if (provider.seesPatients) {
    $('cta-name').textContent = provider.name;
    const cta = $('provider-cta-link');
    const url = new URL(safeHref(site.cta?.href, cta.getAttribute('href')), location.origin);
    url.searchParams.set('provider', provider.slug);
    cta.href = url.origin === location.origin ? url.pathname + url.search : url.href;
    $('provider-cta').hidden = false;
  }
  $('provider-status').hidden = true;
  $('provider').hidden = false;
}

function list(id, items) {
  const shown = items.filter((item) => item.trim() !== '');
  $(id).replaceChildren(...shown.map((item) => el('li', {}, item)));
  $(`${id}-section`).hidden = !shown.length;
}

async function notFound() {
  showNotFound($('provider-status'), $('provider'));
  describeNotFound((await settings) ?? {});
}
