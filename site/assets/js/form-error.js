// /request-appointment/error?errors=field:code,... or ?error=word (rate_limited with
// &retryAfter=seconds): what went wrong, in words. The query holds field names, codes and
// that number only, never what the person typed.

import { el } from './dom.js';
import { describe, FIELDS, PROBLEMS, rateLimited } from './form-errors.js';
import { startPage } from './layout.js';

startPage();

const params = new URLSearchParams(location.search);
const summary = document.getElementById('error-summary');
const list = document.getElementById('error-list');
const pairs = (params.get('errors') ?? '')
  .split(',')
  .map((pair) => pair.split(':'))
  .filter(([field, code]) => field && code)
  .slice(0, 20);

if (pairs.length) {
  summary.textContent =
    pairs.length === 1 ? 'One answer needs to be corrected:' : `${pairs.length} answers need to be corrected:`;
  list.replaceChildren(...pairs.map(([field, code]) => el('li', {}, describe(field in FIELDS ? field : '', code))));
} else if (params.get('error') === 'rate_limited') {
  summary.textContent = rateLimited(Number(params.get('retryAfter')));
} else {
  summary.textContent =
    PROBLEMS[params.get('error')] ?? 'Something went wrong while sending your request. Please try again, or call us.';
}
