import { data, Form, Link, redirect } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/invite";
import { Field, FormError, SubmitButton } from "~/components/form";
import { formFailure, parseForm, readForm } from "~/lib/forms";
import { AccountError, acceptInvitation, describeInvitation, type TokenState } from "~/modules/auth/account.server";
import { confirmPasswordField, MIN_PASSWORD_LENGTH, newPasswordField, withConfirmation } from "~/modules/auth/password-rules";
import { homePathFor, roleLabels } from "~/modules/auth/permissions";
import { sessionCookie } from "~/modules/auth/session.server";

export const meta: Route.MetaFunction = () => [
  { title: "Accept your invitation · Support Portal" },
  // Deliberately no <meta name="referrer" content="no-referrer">: browsers then send "Origin: null"
  // on the form's POST and the CSRF check refuses it. The site-wide Referrer-Policy
  // (strict-origin-when-cross-origin) already keeps the path and its token out of other sites' logs.
];

export const headers: Route.HeadersFunction = () => ({ "Cache-Control": "no-store" });

export const acceptInvitationSchema = withConfirmation(
  z.object({
    name: z.string().trim().min(1, "Enter your name.").max(120, "Use at most 120 characters."),
    password: newPasswordField,
    confirmPassword: confirmPasswordField,
  }),
);

const unusable: Record<Exclude<TokenState, "usable">, { status: number; message: string }> = {
  invalid: { status: 400, message: "This invitation link is not valid. Check that you copied the whole link, or ask the person who invited you for a new one." },
  used: { status: 410, message: "This invitation has already been accepted. Sign in with the password you chose." },
  expired: { status: 410, message: "This invitation has expired (invitations work for 7 days). Ask the person who invited you to send a new one." },
};

export async function loader({ params }: Route.LoaderArgs) {
  const { state, invitation } = await describeInvitation(params.token);
  if (state !== "usable" || !invitation) {
    const { status, message } = unusable[state === "usable" ? "invalid" : state];
    return data({ invitation: null, message }, { status });
  }
  return {
    invitation: {
      email: invitation.email,
      // A placeholder name derived from the address is not worth pre-filling.
      name: invitation.name === invitation.email.split("@")[0] ? "" : invitation.name,
      role: roleLabels[invitation.role],
      inviterName: invitation.inviterName,
      organizationName: invitation.organizationName,
    },
    message: null,
  };
}

export async function action({ request, params, context }: Route.ActionArgs) {
  const form = await readForm(request);
  const parsed = parseForm(form, acceptInvitationSchema);
  if (!parsed.success) return parsed.response;
  try {
    const result = await acceptInvitation(
      params.token,
      { name: parsed.data.name, password: parsed.data.password },
      { ip: context.ip, userAgent: request.headers.get("user-agent") },
    );
    return redirect(homePathFor(result.role), {
      headers: { "Set-Cookie": sessionCookie(result.token, result.session.expiresAt) },
    });
  } catch (error) {
    if (error instanceof AccountError) return formFailure(form, {}, error.message, 410);
    throw error;
  }
}

export default function Invite({ loaderData, actionData }: Route.ComponentProps) {
  const failure = actionData && !actionData.ok ? actionData : undefined;
  const { invitation } = loaderData;
  const linkGone = failure && Object.keys(failure.fieldErrors).length === 0 && !!failure.formError;
  return (
    <div className="main-narrow">
      <div className="card auth-card">
        <h1>Accept your invitation</h1>
        {!invitation ? (
          <>
            <div className="alert alert-error" role="alert">
              {loaderData.message}
            </div>
            <div className="auth-links">
              <Link to="/login">Go to sign in</Link>
            </div>
          </>
        ) : (
          <>
            <p>
              {invitation.inviterName ? <strong>{invitation.inviterName}</strong> : "Someone"} invited you to join{" "}
              {invitation.organizationName ? <strong>{invitation.organizationName}</strong> : "the Support Portal"} as{" "}
              {invitation.role.toLowerCase()}.
            </p>
            <dl className="details" style={{ marginBottom: "var(--space-4)" }}>
              <dt>Email</dt>
              <dd>{invitation.email}</dd>
            </dl>
            <FormError failure={failure} />
            {linkGone ? (
              <div className="auth-links">
                <Link to="/login">Go to sign in</Link>
              </div>
            ) : (
              <Form method="post" className="form" noValidate>
                {/* Lets password managers store the new password under the right account. */}
                <input type="hidden" name="username" autoComplete="username" value={invitation.email} />
                <Field
                  label="Your name"
                  name="name"
                  autoComplete="name"
                  required
                  defaultValue={failure?.values.name ?? invitation.name}
                  error={failure?.fieldErrors.name}
                />
                <Field
                  label="Password"
                  name="password"
                  type="password"
                  autoComplete="new-password"
                  required
                  minLength={MIN_PASSWORD_LENGTH}
                  hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
                  error={failure?.fieldErrors.password}
                />
                <Field
                  label="Confirm password"
                  name="confirmPassword"
                  type="password"
                  autoComplete="new-password"
                  required
                  error={failure?.fieldErrors.confirmPassword}
                />
                <SubmitButton className="btn btn-block" pendingText="Creating your account…">
                  Create account
                </SubmitButton>
              </Form>
            )}
          </>
        )}
      </div>
    </div>
  );
}
