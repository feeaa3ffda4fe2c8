import { data, Form, Link, redirect } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/reset-password";
import { Field, FormError, SubmitButton } from "~/components/form";
import { formFailure, parseForm, readForm } from "~/lib/forms";
import { AccountError, inspectToken, resetPassword, type TokenState } from "~/modules/auth/account.server";
import { confirmPasswordField, MIN_PASSWORD_LENGTH, newPasswordField, withConfirmation } from "~/modules/auth/password-rules";
import { homePathFor } from "~/modules/auth/permissions";
import { sessionCookie } from "~/modules/auth/session.server";

export const meta: Route.MetaFunction = () => [
  { title: "Choose a new password · Support Portal" },
  // Deliberately no <meta name="referrer" content="no-referrer">: browsers then send "Origin: null"
  // on the form's POST and the CSRF check refuses it. The site-wide Referrer-Policy
  // (strict-origin-when-cross-origin) already keeps the path and its token out of other sites' logs.
];

export const headers: Route.HeadersFunction = () => ({ "Cache-Control": "no-store" });

export const resetPasswordSchema = withConfirmation(
  z.object({ password: newPasswordField, confirmPassword: confirmPasswordField }),
);

const unusable: Record<Exclude<TokenState, "usable">, { status: number; message: string }> = {
  invalid: { status: 400, message: "This reset link is not valid. Check that you copied the whole link, or ask for a new one." },
  used: { status: 410, message: "This reset link has already been used. Ask for a new one if you still need it." },
  expired: { status: 410, message: "This reset link has expired (links work for 60 minutes). Ask for a new one." },
};

export async function loader({ params }: Route.LoaderArgs) {
  const { state } = await inspectToken(params.token, "password_reset");
  if (state !== "usable") {
    const { status, message } = unusable[state];
    return data({ usable: false as const, message }, { status });
  }
  return { usable: true as const, message: null };
}

export async function action({ request, params, context }: Route.ActionArgs) {
  const form = await readForm(request);
  const parsed = parseForm(form, resetPasswordSchema);
  if (!parsed.success) return parsed.response;
  try {
    const result = await resetPassword(params.token, parsed.data.password, {
      ip: context.ip,
      userAgent: request.headers.get("user-agent"),
    });
    return redirect(homePathFor(result.role), {
      headers: { "Set-Cookie": sessionCookie(result.token, result.session.expiresAt) },
    });
  } catch (error) {
    if (error instanceof AccountError) return formFailure(form, {}, error.message, 410);
    throw error;
  }
}

export default function ResetPassword({ loaderData, actionData }: Route.ComponentProps) {
  const failure = actionData && !actionData.ok ? actionData : undefined;
  // The link stopped working between opening the page and submitting it.
  const linkGone = !loaderData.usable || (failure && Object.keys(failure.fieldErrors).length === 0 && !!failure.formError);
  return (
    <div className="main-narrow">
      <div className="card auth-card">
        <h1>Choose a new password</h1>
        {!loaderData.usable ? (
          <div className="alert alert-error" role="alert">
            {loaderData.message}
          </div>
        ) : (
          <>
            <FormError failure={failure} />
            {linkGone ? null : (
              <Form method="post" className="form" noValidate>
                <p className="muted">Choosing a new password signs you out everywhere else.</p>
                <Field
                  label="New password"
                  name="password"
                  type="password"
                  autoComplete="new-password"
                  required
                  minLength={MIN_PASSWORD_LENGTH}
                  hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
                  error={failure?.fieldErrors.password}
                />
                <Field
                  label="Confirm new password"
                  name="confirmPassword"
                  type="password"
                  autoComplete="new-password"
                  required
                  error={failure?.fieldErrors.confirmPassword}
                />
                <SubmitButton className="btn btn-block" pendingText="Saving…">
                  Set new password
                </SubmitButton>
              </Form>
            )}
          </>
        )}
        <div className="auth-links">
          <Link to="/forgot-password">Ask for a new link</Link>
          <Link to="/login">Back to sign in</Link>
        </div>
      </div>
    </div>
  );
}
