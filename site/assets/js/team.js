// The team page: /providers → GET /providers, one card per person, linked to their page.

import { getJson } from './api.js';
import { el, isSlug } from './dom.js';
import { startPage } from './layout.js';
import { picture } from './picture.js';

const $ = (id) => document.getElementById(id);
startPage().catch(() => null);
load();

async function load() {
  let people;
  try {
    people = (await getJson('/providers')).items ?? [];
  } catch {
    $('team-status').textContent = 'Our team could not be loaded. Please try again later.';
    return;
  }
  const cards = people.filter((person) => isSlug(person?.slug) && person.name).map(card);
  $('team').replaceChildren(...cards);
  $('team-status').textContent = cards.length ? '' : 'Our team will be introduced here soon.';
  $('team-status').hidden = Boolean(cards.length);
}

function card(person) {
  const photo = picture(person.photo, { sizes: '8rem', width: 128 });
  const specialties = (person.specialties ?? []).filter((item) => typeof item === 'string');
  return el(
    'li',
    {},
    el(
      'div',
      { class: 'card' },
      photo,
      el(
        'div',
        {},
        el('h2', {}, el('a', { href: `/providers/${person.slug}` }, person.name)),
        el('p', { class: 'meta' }, [person.credentials, person.role].filter(Boolean).join(' · ')),
        specialties.length ? el('p', {}, specialties.join(', ')) : null,
        person.seesPatients ? el('p', { class: 'meta' }, 'Sees patients') : null,
      ),
    ),
  );
}
