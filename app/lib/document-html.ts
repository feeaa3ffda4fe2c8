// Server-built markup that a page's document carries once, not twice (docs/performance.md,
// "The ticket page's thread as one string").
//
// A loader's data is rendered into the document AND serialized into it for hydration, so a long
// server-built string (a 100-message thread: ~55 KB, ~90 KB once escaped into the hydration script)
// was in the page twice and escaped twice per request. For a document render the loader keeps such
// strings out of the serialized data (`null`) and hands them to the server render under a symbol
// key, which the serializer skips (turbo-stream encodes an object's Object.keys); in the browser
// the hydrating component takes the same markup from the element the server rendered it into.
// A `.data` request (client navigation, revalidation after an action) has no such element, so
// there the strings travel in the data as usual — which is also the default when the context does
// not say that this is a document render.
import { useState } from "react";

const serverOnly = Symbol("document html");

type WithHtml<T, K extends string> = Omit<T, K> & { [P in K]: string | null };

/**
 * Loader side: `data` plus `html`'s strings, which are left out of the serialized data (`null`)
 * when this response is a document render (`context.documentRender`), and kept for its server render.
 */
export function withDocumentHtml<T extends object, K extends string>(
  context: { documentRender?: boolean } | undefined,
  data: T,
  html: Record<K, string>,
): WithHtml<T, K> {
  if (!context?.documentRender) return { ...data, ...html };
  const nulls = Object.fromEntries(Object.keys(html).map((k) => [k, null])) as Record<K, null>;
  return Object.assign({ ...data, ...nulls }, { [serverOnly]: html });
}

/**
 * Component side: the markup of `key`, rendered into the element with id `elementId`. On the
 * server it comes from the loader's server-only part; in a hydrating browser, when the loader data
 * left it out, from that element as the server rendered it (read once, before React touches it).
 */
export function useDocumentHtml<K extends string>(loaderData: { [P in K]: string | null }, key: K, elementId: string): string {
  const sent = loaderData[key];
  const [fromDocument] = useState(() => {
    if (sent !== null) return "";
    if (typeof document === "undefined") return (loaderData as unknown as Record<symbol, Record<string, string> | undefined>)[serverOnly]?.[key] ?? "";
    return document.getElementById(elementId)?.innerHTML ?? "";
  });
  return sent ?? fromDocument;
}
