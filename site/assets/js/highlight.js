// Search hits' marks: the search page's results and the search box's suggestions.

import { el } from './dom.js';

/**
 * `text` with its `matches` in <mark>. The API counts in code points; JavaScript strings
 * count UTF-16 units, so the text is split into code points first (an emoji is one).
 */
export function highlighted(text, matches) {
  const points = Array.from(String(text ?? ''));
  const ranges = (Array.isArray(matches) ? matches : [])
    .filter((pair) => Array.isArray(pair) && Number.isInteger(pair[0]) && Number.isInteger(pair[1]))
    .map(([start, end]) => [Math.max(0, start), Math.min(points.length, end)])
    .filter(([start, end]) => start < end)
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const fragment = document.createDocumentFragment();
  let at = 0;
  for (const [start, end] of ranges) {
    if (end <= at) continue; // inside the previous mark
    const from = Math.max(start, at);
    if (from > at) fragment.append(points.slice(at, from).join(''));
    fragment.append(el('mark', {}, points.slice(from, end).join('')));
    at = end;
  }
  if (at < points.length) fragment.append(points.slice(at).join(''));
  return fragment;
}
