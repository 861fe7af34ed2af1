// The inbox API (GET/POST/PATCH /staff/requests...), called with the signed-in staff member's
// ID token. Answers are JSON; errors are problem+json, told apart by status only.

import { ApiError, apiUrl, drain } from './config.js';

export const STATUSES = ['new', 'contacted', 'scheduled', 'closed', 'spam'];
export const PAGE_SIZE = 25;

export class InboxApi {
  constructor(session) {
    this.session = session;
  }

  async call(path, { params, method = 'GET', body, etag } = {}) {
    const headers = {
      Accept: 'application/json',
      Authorization: `Bearer ${await this.session.idToken()}`,
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (etag) headers['If-Match'] = etag;
    const response = await fetch(await apiUrl(path, params), {
      method,
      headers,
      credentials: 'omit',
      cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      await drain(response);
      throw new ApiError(response.status, path);
    }
    return { document: await response.json(), etag: response.headers.get('ETag') };
  }

  /** {items, nextCursor, timeZone}: newest first. A search is a POST: what staff type
   * (a patient's name, phone digits) stays out of URLs. */
  async list({ status = 'new', q = '', cursor = '' } = {}) {
    const words = q.trim();
    if (!words) {
      const params = { status, cursor, limit: PAGE_SIZE };
      return (await this.call('/staff/requests', { params })).document;
    }
    const body = { q: words, status, limit: PAGE_SIZE, ...(cursor && { cursor }) };
    return (await this.call('/staff/requests/search', { method: 'POST', body })).document;
  }

  /** {request, etag}: one request in full, with its history. */
  async get(reference) {
    const { document, etag } = await this.call(requestPath(reference));
    return { request: document, etag };
  }

  /** Changes any of {status, note, assignee} if nobody changed the request since `etag`. */
  async change(reference, etag, changes) {
    const { document, etag: next } = await this.call(requestPath(reference), {
      method: 'PATCH',
      body: changes,
      etag,
    });
    return { request: document, etag: next };
  }
}

const titles = new Map();

/** An article's title from the public API, asked once per slug; the slug if it has none
 * (a 404's problem+json has a `title` too: "Not Found" is no article's). */
export function articleTitle(slug) {
  if (!titles.has(slug)) {
    titles.set(slug, apiUrl(`/articles/${encodeURIComponent(slug)}`)
      .then((url) => fetch(url, { credentials: 'omit' }))
      .then((response) => (response.ok ? response.json() : {}))
      .then((article) => article.title || slug, () => slug));
  }
  return titles.get(slug);
}

function requestPath(reference) {
  return `/staff/requests/${encodeURIComponent(reference)}`;
}
