import { problemResponse } from "~/modules/api/http.server";

// Any other /api/v1/… path: a problem, not the HTML 404 page.
export function loader() {
  return problemResponse("not_found", "No such API endpoint. See /api/v1/openapi.json.");
}

export function action() {
  return problemResponse("not_found", "No such API endpoint. See /api/v1/openapi.json.");
}
