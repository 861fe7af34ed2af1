// The public API's GETs (its base URL from config.js), and /site and /tags once per page view.
// GETs send no custom header, so the browser needs no CORS preflight for them.

import { ApiError, apiUrl, drain } from './config.js';

let settings;
let tags;

export async function getJson(path, params = {}, { signal } = {}) {
  const response = await fetch(await apiUrl(path, params), {
    signal,
    credentials: 'omit',
    headers: { Accept: 'application/json' },
  });
  if (!response.ok) {
    await drain(response);
    throw new ApiError(response.status, path);
  }
  return response.json();
}

/** GET /site once per page view: name, contact, services, consent text, search prompt, cta. */
export function site() {
  settings ??= getJson('/site');
  return settings;
}

/** GET /tags once per page view: [{tag, label, count}], most used first. */
export function topics() {
  tags ??= getJson('/tags').then((answer) => (Array.isArray(answer.items) ? answer.items : []));
  return tags;
}

/** tag → its label from /tags (an empty map when /tags failed). */
export async function topicLabels() {
  try {
    return new Map((await topics()).map((item) => [item.tag, String(item.label || item.tag)]));
  } catch {
    return new Map();
  }
}
