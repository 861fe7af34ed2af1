// /request-appointment/error?errors=field:code,... or ?error=word: what went wrong, in words.
// The query holds field names and codes only, never what the person typed.

import { el } from './dom.js';
import { describe, FIELDS, PROBLEMS } from './form-errors.js';
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
} else {
  summary.textContent =
    PROBLEMS[params.get('error')] ?? 'Something went wrong while sending your request. Please try again, or call us.';
}
