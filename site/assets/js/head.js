// The <head> of a page loaded from the API: title, description, canonical link, Open Graph,
// JSON-LD. Values go in as attributes and text, never as HTML.

import { el, safeHref } from './dom.js';
import { pageTitle } from './layout.js';

/** `path` on the site's own address (site.yaml's baseUrl), else on this origin. */
export function canonicalUrl(site, path) {
  const base = safeHref(site.baseUrl, '').replace(/\/+$/, '') || location.origin;
  return base + safeHref(path, '/');
}

/** Title (pageTitle), description, canonical link, og:*, and the JSON-LD. */
export function describePage(site, { title, description, path, type = 'website', jsonLd, image }) {
  document.title = pageTitle(title, site.name);
  const canonical = canonicalUrl(site, path);
  meta('name', 'description', description);
  link('canonical', canonical);
  meta('property', 'og:type', type);
  meta('property', 'og:title', title);
  meta('property', 'og:description', description);
  meta('property', 'og:url', canonical);
  meta('property', 'og:site_name', site.name);
  if (image?.url) meta('property', 'og:image', canonicalUrl(site, image.url));
  addJsonLd(jsonLd);
}

/** The page's structured data as a <script type="application/ld+json">, when it has any. */
export function addJsonLd(jsonLd) {
  if (!jsonLd) return;
  const script = el('script', { type: 'application/ld+json' });
  script.textContent = JSON.stringify(jsonLd);
  document.head.append(script);
}

/** A page the API does not have: say so to people and to crawlers. */
export function describeNotFound(site) {
  document.head.append(el('meta', { name: 'robots', content: 'noindex' }));
  document.title = pageTitle('Page not found', site.name);
}

/** Sets <meta {kind}="{name}" content>, adding the tag once; no content, no tag. */
export function meta(kind, name, content) {
  if (!content) return;
  let node = document.head.querySelector(`meta[${kind}="${name}"]`);
  if (!node) {
    node = el('meta', { [kind]: name });
    document.head.append(node);
  }
  node.setAttribute('content', String(content));
}

function link(rel, href) {
  let node = document.head.querySelector(`link[rel="${rel}"]`);
  if (!node) {
    node = el('link', { rel });
    document.head.append(node);
  }
  node.setAttribute('href', href);
}

/** The slug of /{prefix}/{slug} (a trailing slash allowed), or null. */
export function slugFromPath(prefix, path, isSlug) {
  const match = new RegExp(`^/${prefix}/([^/]+)/?$`).exec(path);
  if (!match) return null;
  try {
    const slug = decodeURIComponent(match[1]);
    return isSlug(slug) ? slug : null;
  } catch {
    return null;
  }
}

/** Swaps the loading line and the content for the <template id="not-found">. */
export function showNotFound(status, content) {
  status.hidden = true;
  content.remove();
  status.after(document.getElementById('not-found').content.cloneNode(true)); // inert till now
}
