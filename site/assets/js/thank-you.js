// /request-appointment/thank-you?reference=XXXXXXXX (the form's 303 without JavaScript).

import { startPage } from './layout.js';

startPage();

const reference = new URLSearchParams(location.search).get('reference') ?? '';
if (/^[0-9A-HJKMNP-TV-Z]{8}$/.test(reference)) {
  document.getElementById('reference').textContent = reference;
  document.getElementById('reference-line').hidden = false;
}
