// The site's configuration (/config.json, written at deploy, served by `clinic dev`) and
// the API's URLs: what every script that calls the API needs, the staff inbox included.

let configured;
let base;

export class ApiError extends Error {
  constructor(status, path) {
    super(`${path} answered ${status}`);
    this.name = 'ApiError';
    this.status = status;
  }
}

/** /config.json once per page view: {apiBase, staff?: {cognitoEndpoint, clientId, region}}. */
export function config() {
  configured ??= fetch('/config.json', { credentials: 'same-origin' }).then((response) => {
    if (!response.ok) throw new ApiError(response.status, '/config.json');
    return response.json();
  });
  return configured;
}

export function apiBase() {
  base ??= config().then((answer) => String(answer.apiBase ?? '').replace(/\/+$/, ''));
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

/** Reads an unused body to its end, so the request finishes (and frees its connection). */
export async function drain(response) {
  try {
    await response.arrayBuffer();
  } catch {
    // the body could not be read: nothing to free
  }
}
