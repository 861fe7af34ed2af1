// Home: articles newest first, a topic filter from GET /tags, "More articles" by nextCursor.

import { getJson, topicLabels, topics } from './api.js';
import { el, formatDate, isSlug, tagLabel } from './dom.js';
import { startPage } from './layout.js';

const LIMIT = 10;
const list = document.getElementById('articles');
const status = document.getElementById('list-status');
const more = document.getElementById('more');
const filter = document.getElementById('topics');
const chips = document.getElementById('topic-chips');

let tag = new URLSearchParams(location.search).get('tag') ?? '';
if (!isSlug(tag)) tag = '';
let cursor = null;
let shown = 0;
let sequence = 0; // a newer filter's answer wins over an older one's

startPage();
const labelsReady = topicLabels();
loadTags();
loadArticles(true);

more.addEventListener('click', () => loadArticles(false));

async function loadTags() {
  let items;
  try {
    items = (await topics()).filter((item) => isSlug(item?.tag));
  } catch {
    return; // the list still works without the filter
  }
  if (!items.length) return;
  chips.replaceChildren(
    chip('', 'All topics'),
    ...items.map((item) => chip(item.tag, `${item.label || tagLabel(item.tag)} (${item.count})`)),
  );
  filter.hidden = false;
}

function chip(value, label) {
  const input = el('input', { type: 'radio', name: 'topic', value, id: `topic-${value || 'all'}` });
  input.checked = value === tag;
  input.addEventListener('change', () => {
    tag = value;
    const url = new URL(location.href);
    if (tag) url.searchParams.set('tag', tag);
    else url.searchParams.delete('tag');
    history.replaceState(null, '', url);
    loadArticles(true);
  });
  return el('label', { class: 'chip', for: input.id }, input, el('span', {}, label));
}

async function loadArticles(fresh) {
  const mine = ++sequence;
  if (fresh) cursor = null;
  more.setAttribute('aria-disabled', 'true');
  status.textContent = 'Loading articles…';
  let answer;
  try {
    answer = await getJson('/articles', { limit: LIMIT, tag, cursor });
  } catch {
    if (mine === sequence) status.textContent = 'The articles could not be loaded. Please try again later.';
    more.removeAttribute('aria-disabled');
    return;
  }
  const labels = await labelsReady;
  if (mine !== sequence) return;
  const items = (answer.items ?? []).filter((item) => isSlug(item?.slug));
  if (fresh) {
    list.replaceChildren();
    shown = 0;
  }
  const cards = items.map((item) => card(item, labels));
  list.append(...cards);
  shown += cards.length;
  cursor = answer.nextCursor ?? null;
  more.hidden = !cursor;
  more.removeAttribute('aria-disabled');
  const total = Number.isInteger(answer.total) ? answer.total : shown;
  status.textContent = shown
    ? `Showing ${shown} of ${total} ${total === 1 ? 'article' : 'articles'}${tag ? ` about ${currentTopic()}` : ''}.`
    : 'No articles yet on this topic.';
  // After "More articles", the first new article is where reading continues.
  if (!fresh && cards.length) cards[0].querySelector('a').focus();
}

function currentTopic() {
  const checked = chips.querySelector('input:checked');
  return checked ? checked.nextElementSibling.textContent.replace(/ \(\d+\)$/, '') : tagLabel(tag);
}

function card(article, labels) {
  const author = article.author?.name
    ? `By ${article.author.name}${article.author.credentials ? `, ${article.author.credentials}` : ''}`
    : '';
  const minutes = Number.isInteger(article.readingTimeMinutes) ? `${article.readingTimeMinutes} min read` : '';
  const tags = Array.isArray(article.tags) ? article.tags.filter(isSlug) : [];
  return el(
    'li',
    { class: 'card' },
    el('h3', {}, el('a', { href: `/articles/${article.slug}` }, String(article.title ?? article.slug))),
    el('p', { class: 'meta' }, [author, formatDate(article.publishedAt), minutes].filter(Boolean).join(' · ')),
    el('p', {}, String(article.description || article.excerpt || '')),
    tags.length ? el('ul', { class: 'tags', 'aria-label': 'Topics' }, ...tags.map((t) => el('li', {}, labels.get(t) ?? tagLabel(t)))) : null,
  );
}
