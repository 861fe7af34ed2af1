// /search?q=: every hit (sections too, not one per article), with paging, and the words the
// results are for when the API corrected the ones typed or left some out (it does only when
// they find nothing).

import { getJson } from './api.js';
import { hitUrl, searchUrl } from './autocomplete.js';
import { el, isSlug } from './dom.js';
import { highlighted } from './highlight.js';
import { pageTitle, startPage } from './layout.js';

const LIMIT = 10;
const $ = (id) => document.getElementById(id);
const query = (new URLSearchParams(location.search).get('q') ?? '').trim().slice(0, 200);
let cursor = null;
let shown = 0;

startPage();
$('site-search').value = query;
$('more').addEventListener('click', () => run(false));
if (query) {
  $('search-title').textContent = `Search results for “${query}”`;
  document.title = pageTitle(`Search results for “${query}”`);
  run(true);
} else {
  $('search-summary').textContent = 'Type what you are looking for in the search box above.';
}

async function run(first) {
  const summary = $('search-summary');
  const more = $('more');
  more.setAttribute('aria-disabled', 'true');
  if (first) summary.textContent = 'Searching…';
  let answer;
  try {
    answer = await getJson('/search', { q: query, limit: LIMIT, cursor });
  } catch {
    summary.textContent = 'Search is not available just now. Please try again later.';
    more.removeAttribute('aria-disabled');
    return;
  }
  const hits = (answer.items ?? []).filter((hit) => isSlug(hit?.slug));
  const items = hits.map(result);
  $('results').append(...items);
  shown += items.length;
  cursor = answer.nextCursor ?? null;
  more.hidden = !cursor;
  more.removeAttribute('aria-disabled');
  const total = Number.isInteger(answer.total) ? answer.total : shown;
  summary.textContent = total
    ? `${total} ${total === 1 ? 'result' : 'results'}${shown < total ? `, showing ${shown}` : ''}.`
    : `Nothing matches “${query}”.`;
  if (first && answer.didYouMean) {
    const link = $('did-you-mean-link');
    link.textContent = answer.didYouMean;
    link.href = searchUrl(answer.didYouMean);
    $('did-you-mean').hidden = false;
  }
  const leftOut = Array.isArray(answer.leftOut) ? answer.leftOut.map(String) : [];
  if (first && leftOut.length) {
    const quoted = leftOut.map((word) => `“${word}”`);
    $('left-out-words').textContent = quoted.length > 1
      ? `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}`
      : quoted[0];
    $('left-out').hidden = false;
  }
  if (!first && items.length) items[0].querySelector('a').focus();
}

function result(hit) {
  const section = hit.section?.title;
  const parent = hit.section?.parent;
  // Above the heading: where the section is (an H3's H2 too: two may share a heading), and
  // that a page is one of the clinic's pages.
  const within = section ? [hit.title, parent].filter(Boolean).map(String).join(' › ') : null;
  const where = [hit.kind === 'page' ? 'Page' : null, within].filter(Boolean);
  return el(
    'li',
    { class: 'card', 'data-kind': hit.kind === 'page' ? 'page' : 'article' },
    el(
      'h2',
      {},
      el(
        'a',
        { href: hitUrl(hit) },
        where.length ? el('span', { class: 'hit-article' }, where.join(': ')) : null,
        highlighted(section || hit.title, hit.headingMatches), // a hit its heading found
      ),
    ),
    el('p', {}, highlighted(hit.text, hit.matches)),
  );
}
