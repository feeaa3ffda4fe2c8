/**
 * Shared Intl formatters. Constructing an Intl.DateTimeFormat costs ~150 µs and its ICU objects
 * live outside the JavaScript heap until a garbage collection finalizes them: a desk queue page
 * built ~150 of them (a relative time, an exact time on hover and an SLA due time per row), which
 * took ~20 ms of CPU per page and, under load, hundreds of MB of native memory (server RSS; see
 * docs/performance.md, mixed load). Formatting with a shared formatter costs ~10 µs.
 *
 * Keyed by locale and options; bounded (the options are literals in the code and the time zones
 * are validated IANA names, so the working set is small). An invalid time zone throws, as the
 * constructor does, and is not cached.
 */
const MAX = 500;
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();
const relativeTimeFormats = new Map<string, Intl.RelativeTimeFormat>();

function cached<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let f = cache.get(key);
  if (f === undefined) {
    f = make();
    if (cache.size >= MAX) cache.delete(cache.keys().next().value!);
    cache.set(key, f);
  }
  return f;
}

export function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return cached(dateTimeFormats, `${locale}\u0000${JSON.stringify(options)}`, () => new Intl.DateTimeFormat(locale, options));
}

export function relativeTimeFormat(locale: string, options: Intl.RelativeTimeFormatOptions): Intl.RelativeTimeFormat {
  return cached(relativeTimeFormats, `${locale}\u0000${JSON.stringify(options)}`, () => new Intl.RelativeTimeFormat(locale, options));
}

/** For tests: how many formatters are kept. */
export function cachedFormatterCount(): number {
  return dateTimeFormats.size + relativeTimeFormats.size;
}
