import { data } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/suggest";
import { recordSuggestionsShown } from "~/modules/kb/deflection.server";
import { readerOf, visitorFor } from "~/modules/kb/reader.server";
import { suggestArticles } from "~/modules/kb/search.server";

const querySchema = z.object({
  q: z.string().catch("").transform((v) => v.slice(0, 1000)),
  context: z.enum(["ticket", "search"]).catch("search"),
  limit: z.coerce.number().int().min(1).max(10).catch(5),
});

/** GET /help/suggest?q=…[&context=ticket] → { suggestions: [{ id, slug, title, summary, url }] } for the current reader. */
export async function loader({ request, url, context }: Route.LoaderArgs) {
  const reader = readerOf(context);
  const query = querySchema.parse(Object.fromEntries(url.searchParams));
  const suggestions = await suggestArticles(reader, query.q, query.limit);
  if (query.context === "ticket" && suggestions.length) {
    const visitor = visitorFor(request, context, { create: false });
    if (visitor.visitorKey) await recordSuggestionsShown({ visitorKey: visitor.visitorKey, userId: visitor.userId, articleIds: suggestions.map((s) => s.id), query: query.q });
  }
  return data({ suggestions }, { headers: { "Cache-Control": "private, no-store" } });
}
