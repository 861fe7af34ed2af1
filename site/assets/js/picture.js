// A published picture (the API's `Image`: url, width, height, alt, sources) as <picture>.
// width and height reserve its space before it loads: no layout shift.

import { el, safeHref } from './dom.js';

export function picture(image, { sizes = '100vw', width, eager = false } = {}) {
  if (!image || !safeHref(image.url, '') || !(image.width > 0) || !(image.height > 0)) return null;
  const shown = width ?? image.width;
  const sources = (Array.isArray(image.sources) ? image.sources : [])
    .filter((source) => typeof source?.srcset === 'string' && typeof source?.type === 'string')
    .map((source) => el('source', { type: source.type, srcset: source.srcset, sizes }));
  const img = el('img', {
    src: safeHref(image.url, ''),
    alt: typeof image.alt === 'string' ? image.alt : '',
    width: shown,
    height: Math.round((shown * image.height) / image.width),
    loading: eager ? 'eager' : 'lazy',
    decoding: 'async',
  });
  return el('picture', {}, ...sources, img);
}
