import { data } from "react-router";
import type { z } from "zod";

export type FieldErrors = Record<string, string>;

/** What an action answers when input is refused: 400, the errors, and the input to refill the form. */
export interface FormFailure {
  ok: false;
  fieldErrors: FieldErrors;
  formError?: string;
  values: Record<string, string>;
}

/** Form values kept for re-display (never passwords). */
export function formValues(form: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of form.entries()) {
    if (typeof value === "string" && !/password|token/i.test(key)) values[key] = value;
  }
  return values;
}

export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "form";
    errors[key] ??= issue.message;
  }
  return errors;
}

/**
 * Parses a form with a zod schema. On failure returns `data(FormFailure, 400)`, which the
 * action returns as is; the form shows the messages beside its fields and keeps the input.
 */
export function parseForm<S extends z.ZodType>(
  form: FormData,
  schema: S,
): { success: true; data: z.infer<S> } | { success: false; response: ReturnType<typeof formFailure> } {
  const raw: Record<string, unknown> = {};
  for (const key of new Set(form.keys())) {
    const all = form.getAll(key);
    // A value repeated as is (a hidden "intent" plus a submit button of the same value) is one value.
    raw[key] = all.length > 1 && new Set(all).size > 1 ? all : all[0];
  }
  const result = schema.safeParse(raw);
  if (result.success) return { success: true, data: result.data };
  return { success: false, response: formFailure(form, fieldErrorsOf(result.error)) };
}

export function formFailure(
  form: FormData | null,
  fieldErrors: FieldErrors,
  formError?: string,
  status = 400,
  headers?: HeadersInit,
) {
  return data<FormFailure>({ ok: false, fieldErrors, formError, values: form ? formValues(form) : {} }, { status, headers });
}

/** Reads a request's form data; a body that is not a form answers 400 instead of throwing 500. */
export async function readForm(request: Request): Promise<FormData> {
  try {
    return await request.formData();
  } catch {
    throw data({ message: "The request body is not a valid form." }, { status: 400 });
  }
}

export function isFormFailure(value: unknown): value is FormFailure {
  return !!value && typeof value === "object" && (value as FormFailure).ok === false && "fieldErrors" in value;
}
