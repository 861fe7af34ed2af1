// Search as you type: the header's <input type="search"> becomes an ARIA 1.2 combobox with a
// listbox of hits (WAI-ARIA Authoring Practices, "editable combobox with list autocomplete").
// Enter without a chosen option submits the form: /search?q= lists every hit.

import { getJson } from './api.js';
import { el, isSlug } from './dom.js';
import { highlighted } from './highlight.js';

const MIN_CODE_POINTS = 2;
const DELAY_MS = 150;
const LIMIT = 6;

/** An article's or (`kind: "page"`) a page's address, at the section hit. */
export function hitUrl(hit) {
  const path = `/${hit.kind === 'page' ? 'pages' : 'articles'}/${encodeURIComponent(hit.slug)}`;
  return hit.section?.id ? `${path}#${encodeURIComponent(hit.section.id)}` : path;
}

export function searchUrl(query) {
  return `/search?${new URLSearchParams({ q: query })}`;
}

export function startSearchBox(input) {
  if (!input) return;
  const id = input.id;
  // tabindex -1: a scrolling list is otherwise a Tab stop of its own; the arrows move in it.
  const listbox = el('ul', { role: 'listbox', id: `${id}-listbox`, 'aria-label': 'Suggestions', tabindex: -1 });
  const footer = el('div', { class: 'suggestions-footer' });
  const popup = el('div', { class: 'suggestions', id: `${id}-popup`, hidden: true }, listbox, footer);
  const status = el('p', { class: 'visually-hidden', role: 'status' });
  input.after(popup); // right after the box: Tab reaches its links before the button
  input.form.append(status);
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-expanded', 'false');
  input.setAttribute('aria-controls', listbox.id);

  let timer = 0;
  let sequence = 0; // answers to older keystrokes are dropped
  let controller = null;
  let urls = [];
  let active = -1;

  const isOpen = () => !popup.hidden;

  function open() {
    popup.hidden = false;
    input.setAttribute('aria-expanded', 'true');
  }

  function close() {
    popup.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    setActive(-1);
  }

  function setActive(index) {
    const options = listbox.children;
    if (active >= 0 && options[active]) options[active].setAttribute('aria-selected', 'false');
    active = index;
    if (index >= 0 && options[index]) {
      options[index].setAttribute('aria-selected', 'true');
      input.setAttribute('aria-activedescendant', options[index].id);
      options[index].scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  }

  function cancel() {
    sequence += 1;
    clearTimeout(timer);
    controller?.abort();
    controller = null;
  }

  async function lookUp() {
    const query = input.value.trim();
    cancel();
    const mine = sequence;
    if (Array.from(query).length < MIN_CODE_POINTS) {
      urls = [];
      close();
      status.textContent = '';
      return;
    }
    controller = new AbortController();
    try {
      const answer = await getJson(
        '/search',
        { q: query, limit: LIMIT, distinct: 'article' },
        { signal: controller.signal },
      );
      if (mine === sequence) show(query, answer);
    } catch (error) {
      if (mine !== sequence || error.name === 'AbortError') return;
      showMessage(query, 'Search is not available just now.', null);
    }
  }

  function show(query, answer) {
    const hits = Array.isArray(answer.items) ? answer.items.filter((hit) => isSlug(hit?.slug)) : [];
    urls = hits.map(hitUrl);
    listbox.replaceChildren(
      ...hits.map((hit, index) =>
        el(
          'li',
          { role: 'option', id: `${id}-option-${index}`, 'aria-selected': 'false' },
          // headingMatches mark the hit's own heading: its section's, or its article's title.
          el('span', { class: 'suggestion-title' }, hit.section?.title
            ? String(hit.title ?? '') : highlighted(hit.title, hit.headingMatches)),
          hit.section?.title
            ? el('span', { class: 'suggestion-section' }, highlighted(hit.section.title, hit.headingMatches))
            : null,
          el('span', { class: 'suggestion-text' }, highlighted(hit.text, hit.matches)),
        ),
      ),
    );
    active = -1;
    input.removeAttribute('aria-activedescendant');
    listbox.hidden = hits.length === 0;
    const count = hits.length === 1 ? '1 suggestion' : `${hits.length} suggestions`;
    showMessage(query, hits.length ? '' : `No articles match “${query}”.`, answer.didYouMean);
    const corrected = answer.didYouMean ? ` for ${answer.didYouMean}` : '';
    status.textContent = hits.length
      ? `${count}${corrected}. Use the up and down arrow keys to choose one.`
      : 'No suggestions.';
  }

  function showMessage(query, message, didYouMean) {
    const lines = [];
    if (message) lines.push(el('p', {}, message));
    if (typeof didYouMean === 'string' && didYouMean) {
      lines.push(el('p', {}, 'Suggestions for ', el('a', { href: searchUrl(didYouMean) }, didYouMean), '.'));
    }
    lines.push(el('p', {}, el('a', { href: searchUrl(query) }, `See all results for “${query}”`)));
    footer.replaceChildren(...lines);
    if (message) {
      urls = [];
      listbox.replaceChildren();
      listbox.hidden = true;
    }
    // An answer that arrives after the person has left the box stays closed.
    if (document.activeElement === input || popup.contains(document.activeElement)) open();
  }

  function go(index) {
    const url = urls[index];
    if (!url) return;
    close();
    location.assign(url);
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(lookUp, DELAY_MS);
  });

  input.addEventListener('keydown', (event) => {
    const count = urls.length;
    switch (event.key) {
      case 'ArrowDown':
        if (!count) return;
        event.preventDefault();
        if (!isOpen()) open();
        setActive(active + 1 >= count ? 0 : active + 1);
        break;
      case 'ArrowUp':
        if (!count) return;
        event.preventDefault();
        if (!isOpen()) open();
        setActive(active <= 0 ? count - 1 : active - 1);
        break;
      case 'Enter':
        if (isOpen() && active >= 0) {
          event.preventDefault();
          go(active);
        } else {
          cancel(); // the form goes to /search?q=
        }
        break;
      case 'Escape':
        if (isOpen()) {
          event.preventDefault();
          cancel();
          close();
        }
        break;
      default:
    }
  });

  // A pointer press on an option must not blur the input before the click lands.
  listbox.addEventListener('mousedown', (event) => event.preventDefault());
  listbox.addEventListener('click', (event) => {
    const option = event.target.closest('[role="option"]');
    if (option) go([...listbox.children].indexOf(option));
  });

  const leaving = (event) => {
    const next = event.relatedTarget;
    if (!next || (next !== input && !popup.contains(next))) close();
  };
  input.addEventListener('focusout', leaving);
  popup.addEventListener('focusout', leaving);
  popup.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    input.focus(); // (reopens the list on focus: close after)
    close();
  });
  input.addEventListener('focus', () => {
    if (urls.length && Array.from(input.value.trim()).length >= MIN_CODE_POINTS) open();
  });
}
