import { useEffect, useState } from "react";
import { Form, Link, redirect, useSearchParams } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/login";
import { Field, FormError, SubmitButton } from "~/components/form";
import { formFailure, parseForm, readForm } from "~/lib/forms";
import { homePathFor } from "~/modules/auth/permissions";
import { safeRedirectPath } from "~/modules/auth/guard.server";
import { sessionCookie } from "~/modules/auth/session.server";
import { signIn } from "~/modules/auth/sign-in.server";

export const meta: Route.MetaFunction = () => [{ title: "Sign in · Support Portal" }];

export const signInSchema = z.object({
  email: z.string().trim().min(1, "Enter your email address.").max(320).email("Enter a valid email address."),
  password: z.string().min(1, "Enter your password.").max(1024, "That password is too long."),
  redirectTo: z.string().max(2048).optional(),
  timeZone: z.string().max(64).optional(),
});

export async function loader({ context, url }: Route.LoaderArgs) {
  if (context.user) {
    const to = safeRedirectPath(url.searchParams.get("redirectTo"), homePathFor(context.user.role));
    throw redirect(to);
  }
  return null;
}

export async function action({ request, context }: Route.ActionArgs) {
  const form = await readForm(request);
  const parsed = parseForm(form, signInSchema);
  if (!parsed.success) return parsed.response;
  const result = await signIn({
    email: parsed.data.email,
    password: parsed.data.password,
    ip: context.ip,
    userAgent: request.headers.get("user-agent"),
    timeZone: parsed.data.timeZone,
  });
  if (!result.ok && result.reason === "rate_limited") {
    return formFailure(form, {}, `Too many sign-in attempts. Try again in ${result.retryAfterSeconds} seconds.`, 429, {
      "Retry-After": String(result.retryAfterSeconds),
    });
  }
  if (!result.ok) return formFailure(form, {}, "That email and password do not match an account.", 401);
  const to = safeRedirectPath(parsed.data.redirectTo, homePathFor(result.user.role));
  return redirect(to, { headers: { "Set-Cookie": sessionCookie(result.token, result.session.expiresAt) } });
}

/** Sends the browser's time zone with the sign-in (filled in once JavaScript runs). */
function BrowserTimeZoneField() {
  const [zone, setZone] = useState("");
  useEffect(() => setZone(Intl.DateTimeFormat().resolvedOptions().timeZone ?? ""), []);
  return <input type="hidden" name="timeZone" value={zone} />;
}

export default function Login({ actionData }: Route.ComponentProps) {
  const [params] = useSearchParams();
  const failure = actionData && !actionData.ok ? actionData : undefined;
  const notice = params.get("notice");
  return (
    <div className="main-narrow">
      <div className="card auth-card">
        <h1>Sign in</h1>
        {notice === "signed-out" ? (
          <div className="alert alert-info" role="status">
            You are signed out.
          </div>
        ) : null}
        <FormError failure={failure} />
        <Form method="post" className="form" noValidate>
          <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
          <BrowserTimeZoneField />
          <Field
            label="Email"
            name="email"
            type="email"
            autoComplete="username"
            required
            defaultValue={failure?.values.email}
            error={failure?.fieldErrors.email}
          />
          <Field
            label="Password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            error={failure?.fieldErrors.password}
          />
          <SubmitButton className="btn btn-block" pendingText="Signing in…">
            Sign in
          </SubmitButton>
        </Form>
        <div className="auth-links">
          <Link to="/forgot-password">Forgot your password?</Link>
        </div>
      </div>
    </div>
  );
}
