import type { Route } from "./+types/kb-article";
import { articleParams, operationById } from "~/modules/api/operations";
import { handleApi, json, methodNotAllowed, parseRequest } from "~/modules/api/http.server";
import { kbArticleAsJson } from "~/modules/api/resources.server";

const op = operationById("getArticle");

// GET /api/v1/kb/articles/:slug (visibility by the token owner's role)
export async function loader({ request, url, params }: Route.LoaderArgs) {
  return handleApi({ request, url }, op.scope, async ({ principal }) => {
    const { params: p } = parseRequest({ params: articleParams }, url, params);
    return json(await kbArticleAsJson(principal.actor, p.slug));
  });
}

export function action() {
  return methodNotAllowed(["GET"]);
}
