import { Form, Link, redirect, useSearchParams } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/forgot-password";
import { Field, FormError, SubmitButton } from "~/components/form";
import { formFailure, parseForm, readForm } from "~/lib/forms";
import { requestPasswordReset } from "~/modules/auth/account.server";
import { consumeToken, passwordResetLimits } from "~/modules/auth/rate-limit.server";

export const meta: Route.MetaFunction = () => [{ title: "Reset your password · Support Portal" }];

/** The honeypot: invisible to people, filled in by naive bots. */
export const HONEYPOT_FIELD = "website";

export const forgotPasswordSchema = z.object({
  email: z.string().trim().min(1, "Enter your email address.").max(320).email("Enter a valid email address."),
  [HONEYPOT_FIELD]: z.string().max(500).optional(),
});

/** The one answer, whether or not an account exists for the address. */
export const SENT_MESSAGE =
  "If an account exists for that address, we sent a link to choose a new password. It works once and expires in 60 minutes.";

export async function action({ request, context }: Route.ActionArgs) {
  // Every POST counts against the IP's bucket, valid or not.
  const limit = await consumeToken(`forgot:ip:${context.ip ?? "unknown"}`, passwordResetLimits.ip);
  const form = await readForm(request);
  if (!limit.allowed) {
    return formFailure(form, {}, `Too many requests. Try again in ${limit.retryAfterSeconds} seconds.`, 429, {
      "Retry-After": String(limit.retryAfterSeconds),
    });
  }
  const parsed = parseForm(form, forgotPasswordSchema);
  if (!parsed.success) return parsed.response;
  // A filled honeypot gets the same answer and no mail.
  if (!parsed.data[HONEYPOT_FIELD]) await requestPasswordReset(parsed.data.email, context.ip);
  return redirect("/forgot-password?sent=1");
}

export default function ForgotPassword({ actionData }: Route.ComponentProps) {
  const [params] = useSearchParams();
  const failure = actionData && !actionData.ok ? actionData : undefined;
  const sent = params.get("sent") === "1" && !failure;
  return (
    <div className="main-narrow">
      <div className="card auth-card">
        <h1>Reset your password</h1>
        {sent ? (
          <div className="alert alert-success" role="status">
            {SENT_MESSAGE}
          </div>
        ) : (
          <p className="muted">Enter the email address of your account and we will send you a link to choose a new password.</p>
        )}
        <FormError failure={failure} />
        <Form method="post" className="form" noValidate>
          <Field
            label="Email"
            name="email"
            type="email"
            autoComplete="email"
            required
            defaultValue={failure?.values.email}
            error={failure?.fieldErrors.email}
          />
          <div className="honeypot" aria-hidden="true">
            <label htmlFor="forgot-website">Leave this field empty</label>
            <input id="forgot-website" type="text" name={HONEYPOT_FIELD} tabIndex={-1} autoComplete="off" />
          </div>
          <SubmitButton className="btn btn-block" pendingText="Sending…">
            {sent ? "Send another link" : "Send reset link"}
          </SubmitButton>
        </Form>
        <div className="auth-links">
          <Link to="/login">Back to sign in</Link>
        </div>
      </div>
    </div>
  );
}
