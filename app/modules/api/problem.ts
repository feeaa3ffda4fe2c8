/**
 * RFC 9457 problem details for every /api/v1 error: {type, title, status, detail, code, errors?}
 * with a stable `code` clients can switch on. Never carries a stack trace.
 */
export const problemCodes = {
  bad_request: { status: 400, title: "Bad request" },
  invalid_json: { status: 400, title: "The body is not valid JSON" },
  token_in_query: { status: 400, title: "Tokens are not accepted in the URL" },
  idempotency_key_required: { status: 400, title: "An Idempotency-Key header is required" },
  missing_token: { status: 401, title: "Authentication required" },
  invalid_token: { status: 401, title: "The token is not valid" },
  token_expired: { status: 401, title: "The token has expired" },
  token_revoked: { status: 401, title: "The token was revoked" },
  insufficient_scope: { status: 403, title: "The token lacks a scope this operation needs" },
  forbidden: { status: 403, title: "Your role may not do this" },
  not_found: { status: 404, title: "Not found" },
  method_not_allowed: { status: 405, title: "Method not allowed" },
  version_conflict: { status: 409, title: "The resource changed since you read it" },
  unsupported_media_type: { status: 415, title: "Send the body as application/json" },
  validation_failed: { status: 422, title: "The request did not pass validation" },
  stage_gate_refused: { status: 422, title: "The deal does not meet the target stage's gate" },
  change_refused: { status: 422, title: "This change is not allowed" },
  last_admin: { status: 409, title: "At least one active administrator must remain" },
  precondition_required: { status: 428, title: "Send the version you read (If-Match or version)" },
  rate_limited: { status: 429, title: "Too many requests" },
  internal_error: { status: 500, title: "Something went wrong on our side" },
  service_unavailable: { status: 503, title: "The service is unavailable right now" },
} as const;

export type ProblemCode = keyof typeof problemCodes;

export interface FieldIssue {
  /** A JSON pointer-like dotted path ("body.subject", "query.status"). */
  path: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ProblemCode;
  errors?: FieldIssue[];
}

/** Thrown inside an API handler; turned into a problem+json response by the wrapper. */
export class ApiProblem extends Error {
  readonly status: number;
  constructor(
    readonly code: ProblemCode,
    detail?: string,
    readonly errors?: FieldIssue[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? problemCodes[code].title);
    this.status = problemCodes[code].status;
  }
}

export function problemBody(code: ProblemCode, detail?: string, errors?: FieldIssue[]): Problem {
  const { status, title } = problemCodes[code];
  return {
    type: `/docs/api#error-${code.replace(/_/g, "-")}`,
    title,
    status,
    detail: detail ?? title,
    code,
    ...(errors && errors.length ? { errors } : {}),
  };
}
