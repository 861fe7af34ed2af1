// One article: /articles/{slug} → GET /articles/{slug}. The article's `html` is the one
// string inserted as HTML (the API sanitised it); everything else goes in as text.

import { getJson, topicLabels } from './api.js';
import { ApiError } from './config.js';
import { el, isSlug, safeHref, tagLabel, timeElement } from './dom.js';
import { addJsonLd, canonicalUrl, describeNotFound, describePage, meta, showNotFound, slugFromPath } from './head.js';
import { startPage } from './layout.js';
import { picture } from './picture.js';

const $ = (id) => document.getElementById(id);
const settings = startPage().catch(() => null);
const slug = slugFromPath('articles', location.pathname, isSlug);

if (slug) load(slug);
else notFound();

async function load(slug) {
  let article;
  try {
    article = await getJson(`/articles/${slug}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) notFound();
    else $('article-status').textContent = 'This article could not be loaded. Please try again later.';
    return;
  }
  const site = (await settings) ?? {};
  show(article, site, await topicLabels());
  describe(article, site);
  goToHash();
  addEventListener('hashchange', goToHash);
}

function show(article, site, labels) {
  $('article-title').textContent = article.title;
  $('article-description').textContent = article.description ?? '';
  const tags = (article.tags ?? []).filter(isSlug);
  $('article-tags').replaceChildren(
    ...tags.map((tag) => el('li', {}, el('a', { href: `/?tag=${tag}` }, labels.get(tag) ?? tagLabel(tag)))),
  );
  $('article-tags').hidden = !tags.length;
  $('byline').replaceChildren(
    ...[
      byline('Written by', article.author),
      byline('Medically reviewed by', article.reviewedBy),
    ].filter(Boolean),
  );
  $('article-dates').replaceChildren(...dates(article));
  const toc = tocList(article.toc ?? []);
  $('toc-list').replaceChildren(...toc);
  $('toc').hidden = !toc.length;
  const image = picture(article.image, { sizes: SIZES, eager: true }); // at the top
  $('article-image').replaceChildren(...(image ? [image] : []));
  $('article-image').hidden = !image;
  $('article-body').innerHTML = article.html; // sanitised by the API (nh3 allow-list)
  $('people').replaceChildren(...people(article));
  const cta = $('article-cta');
  cta.textContent = article.cta?.label || site.cta?.label || cta.textContent;
  cta.href = ctaHref(article.cta?.href || site.cta?.href, article.slug);
  const related = (article.related ?? []).filter((item) => isSlug(item?.slug));
  $('related-list').replaceChildren(
    ...related.map((item) => el('li', {}, el('a', { href: `/articles/${item.slug}` }, String(item.title)))),
  );
  $('related').hidden = !related.length;
  $('article-status').replaceChildren();
  $('article-status').hidden = true;
  $('article').hidden = false;
}

// As the API's inline pictures: the column is at most 70ch, about 48rem (757 px at 1280).
const SIZES = '(min-width: 52rem) 48rem, 100vw';

function byline(role, person) {
  if (!person?.name) return null;
  const credentials = person.credentials ? `, ${person.credentials}` : '';
  return el('li', {}, el('span', { class: 'role' }, `${role} `), el('strong', {}, personName(person)), credentials);
}

/** Their name, linked to their provider page (/providers/{slug}). */
function personName(person) {
  return isSlug(person.slug) ? el('a', { href: `/providers/${person.slug}` }, person.name) : person.name;
}

function dates(article) {
  const items = [el('li', {}, 'Published ', timeElement(article.publishedAt))];
  if (article.lastReviewed) items.push(el('li', {}, 'Medically reviewed ', timeElement(article.lastReviewed)));
  if (article.updatedAt && article.updatedAt.slice(0, 10) !== String(article.publishedAt).slice(0, 10)) {
    items.push(el('li', {}, 'Updated ', timeElement(article.updatedAt)));
  }
  if (Number.isInteger(article.readingTimeMinutes)) {
    items.push(el('li', {}, `${article.readingTimeMinutes} min read`));
  }
  return items;
}

function tocList(nodes) {
  return nodes
    .filter((node) => node?.id && node.title)
    .map((node) => {
      const children = tocList(node.children ?? []);
      return el(
        'li',
        {},
        el('a', { href: `#${encodeURIComponent(node.id)}` }, String(node.title)),
        children.length ? el('ol', {}, ...children) : null,
      );
    });
}

function people(article) {
  const seen = new Set();
  const cards = [];
  for (const [role, person] of [['Author', article.author], ['Medical reviewer', article.reviewedBy]]) {
    if (!person?.name) continue;
    if (seen.has(person.slug)) continue;
    seen.add(person.slug);
    cards.push(
      el(
        'div',
        { class: 'card' },
        el('h3', {}, personName(person)),
        el('p', { class: 'credentials' }, [role, person.credentials].filter(Boolean).join(' · ')),
        person.bio ? el('p', {}, String(person.bio)) : null,
      ),
    );
  }
  return cards;
}

/** The call to action carries the article's slug: /request-appointment?article={slug}. */
function ctaHref(href, slug) {
  const url = new URL(safeHref(href, '/request-appointment'), location.origin);
  url.searchParams.set('article', slug);
  return url.origin === location.origin ? url.pathname + url.search + url.hash : url.href;
}

/** Title, description, canonical link and Open Graph as every page (head.js), then the
 * article's own: its image's size and alt, its dates and tags, and the JSON-LD last. */
function describe(article, site) {
  describePage(site, {
    title: article.title,
    description: article.description,
    path: safeHref(article.url, `/articles/${article.slug}`),
    type: 'article',
  });
  const image = article.image && safeHref(article.image.url, '');
  if (image) {
    meta('property', 'og:image', image.startsWith('/') ? canonicalUrl(site, image) : image); // absolute, as og: wants
    meta('property', 'og:image:width', article.image.width);
    meta('property', 'og:image:height', article.image.height);
    meta('property', 'og:image:alt', article.image.alt);
  }
  meta('property', 'article:published_time', article.publishedAt);
  meta('property', 'article:modified_time', article.updatedAt);
  for (const tag of article.tags ?? []) {
    document.head.append(el('meta', { property: 'article:tag', content: tag }));
  }
  addJsonLd(article.jsonLd);
}

/** The content arrived after the browser looked for #id: scroll to it (and focus it) now. */
function goToHash() {
  let id;
  try {
    id = decodeURIComponent(location.hash.slice(1));
  } catch {
    return;
  }
  const target = id && document.getElementById(id);
  if (!target || !$('article-body').contains(target)) return;
  if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
  target.scrollIntoView();
  target.focus({ preventScroll: true });
}

async function notFound() {
  showNotFound($('article-status'), $('article'));
  describeNotFound((await settings) ?? {});
}
