// One of the clinic's pages: /pages/{slug} → GET /pages/{slug}. The page's `html` is the one
// string inserted as HTML (the API sanitised it); everything else goes in as text.

import { getJson } from './api.js';
import { ApiError } from './config.js';
import { el, isSlug } from './dom.js';
import { describeNotFound, describePage, showNotFound, slugFromPath } from './head.js';
import { startPage } from './layout.js';
import { picture } from './picture.js';

const $ = (id) => document.getElementById(id);
const settings = startPage().catch(() => null);
const slug = slugFromPath('pages', location.pathname, isSlug);

if (slug) load(slug);
else notFound();

async function load(slug) {
  let page;
  try {
    page = await getJson(`/pages/${slug}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) notFound();
    else $('page-status').textContent = 'This page could not be loaded. Please try again later.';
    return;
  }
  show(page);
  const site = (await settings) ?? {};
  describePage(site, {
    title: page.title,
    description: page.description,
    path: page.url || `/pages/${page.slug}`,
    jsonLd: page.jsonLd,
    image: page.image,
  });
}

function show(page) {
  $('page-title').textContent = page.title;
  $('page-description').textContent = page.description ?? '';
  const image = picture(page.image, { sizes: '(min-width: 48rem) 42rem, 100vw', eager: true });
  if (image) $('page-description').after(image);
  const toc = (page.toc ?? [])
    .filter((node) => node?.id && node.title)
    .map((node) => el('li', {}, el('a', { href: `#${encodeURIComponent(node.id)}` }, String(node.title))));
  $('toc-list').replaceChildren(...toc);
  $('toc').hidden = toc.length < 2; // one section needs no map
  $('page-body').innerHTML = page.html; // sanitised by the API (nh3 allow-list)
  $('page-status').hidden = true;
  $('page').hidden = false;
}

async function notFound() {
  showNotFound($('page-status'), $('page'));
  describeNotFound((await settings) ?? {});
}
