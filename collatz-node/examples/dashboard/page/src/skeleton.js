// Skeleton screens: a panel being loaded carries aria-busy="true", and CSS shows its
// shimmering placeholder (.skeleton) in place of content until the data arrives.

/** Marks an element as loading (skeleton shown) or loaded. */
export function setBusy(el, busy) {
  el.setAttribute('aria-busy', busy ? 'true' : 'false');
}

