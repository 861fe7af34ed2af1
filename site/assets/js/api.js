// The API: its base URL comes from /config.json (written at deploy, served by `clinic dev`).
// GETs send no custom header, so the browser needs no CORS preflight for them.

let base;
let settings;
let tags;

export class ApiError extends Error {
  constructor(status, path) {
    super(`${path} answered ${status}`);
    this.name = 'ApiError';
    this.status = status;
  }
}

export function apiBase() {
  base ??= fetch('/config.json', { credentials: 'same-origin' })
    .then((response) => {
      if (!response.ok) throw new ApiError(response.status, '/config.json');
      return response.json();
    })
    .then((config) => String(config.apiBase ?? '').replace(/\/+$/, ''));
  return base;
}

/** The absolute URL of an API path, with the non-empty params as its query. */
export async function apiUrl(path, params = {}) {
  const url = new URL((await apiBase()) + path, location.origin);
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, String(value));
  }
  return url;
}

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

/** Reads an unused body to its end, so the request finishes (and frees its connection). */
export async function drain(response) {
  try {
    await response.arrayBuffer();
  } catch {
    // the body could not be read: nothing to free
  }
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
