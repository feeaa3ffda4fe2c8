import { Form, Link, redirect, useSearchParams } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/account";
import { DataTable } from "~/components/data-table";
import { Field, FormError, SelectField, SubmitButton } from "~/components/form";
import {
  formFailure,
  parseForm,
  readForm,
  type FormFailure,
} from "~/lib/forms";
import {
  AccountError,
  changePassword,
  signOutOtherSessions,
  updateProfile,
} from "~/modules/auth/account.server";
import { requireUser, requireSession } from "~/modules/auth/guard.server";
import {
  confirmPasswordField,
  MIN_PASSWORD_LENGTH,
  newPasswordField,
  withConfirmation,
} from "~/modules/auth/password-rules";
import { roleLabels } from "~/modules/auth/permissions";
import {
  consumeToken,
  passwordChangeLimit,
} from "~/modules/auth/rate-limit.server";
import { listUserSessions } from "~/modules/auth/session.server";
import { describeUserAgent } from "~/modules/auth/user-agent";

export const meta: Route.MetaFunction = () => [
  { title: "Your account · Support Portal" },
];

/** Every IANA zone this runtime knows, plus UTC (which supportedValuesOf leaves out). */
function supportedTimeZones(): string[] {
  return [...new Set(["UTC", ...Intl.supportedValuesOf("timeZone")])];
}

export const profileSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, "Enter your name.")
    .max(120, "Use at most 120 characters."),
  timeZone: z
    .string()
    .trim()
    .max(64)
    .refine(
      (v) => v === "" || supportedTimeZones().includes(v),
      "Choose a time zone from the list.",
    )
    .transform((v) => v || null),
});

export const changePasswordSchema = withConfirmation(
  z.object({
    currentPassword: z
      .string()
      .min(1, "Enter your current password.")
      .max(1024, "That password is too long."),
    password: newPasswordField,
    confirmPassword: confirmPasswordField,
  }),
).refine((v) => v.password !== v.currentPassword, {
  message: "Choose a password different from the current one.",
  path: ["password"],
});

const intentSchema = z.enum(["profile", "password", "sign-out-others"]);

export async function loader({ url, context }: Route.LoaderArgs) {
  const user = requireUser(url, context);
  const session = requireSession(context);
  const timeZone = user.timeZone ?? "UTC";
  const format = new Intl.DateTimeFormat("en-GB", {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone,
  });
  const sessions = await listUserSessions(user.id, session.id);
  return {
    profile: {
      name: user.name,
      email: user.email,
      role: roleLabels[user.role],
      timeZone: user.timeZone ?? "",
    },
    timeZones: supportedTimeZones(),
    displayTimeZone: timeZone,
    sessions: sessions.map((s) => ({
      createdAt: format.format(s.createdAt),
      createdAtIso: s.createdAt.toISOString(),
      ip: s.ip,
      device: describeUserAgent(s.userAgent),
      userAgent: s.userAgent,
      current: s.current,
    })),
  };
}

export async function action({ request, url, context }: Route.ActionArgs) {
  const user = requireUser(url, context);
  const session = requireSession(context);
  const form = await readForm(request);
  const intent = intentSchema.safeParse(form.get("intent"));
  if (!intent.success)
    return formFailure(
      form,
      {},
      "That form could not be understood. Reload the page and try again.",
    );

  switch (intent.data) {
    case "profile": {
      const parsed = parseForm(form, profileSchema);
      if (!parsed.success) return parsed.response;
      await updateProfile(user.id, parsed.data, context.ip);
      return redirect("/account?saved=profile");
    }
    case "password": {
      const parsed = parseForm(form, changePasswordSchema);
      if (!parsed.success) return parsed.response;
      // Guessing the current password from a stolen session is slowed down like sign-in.
      const limit = await consumeToken(
        `password-change:user:${user.id}`,
        passwordChangeLimit,
      );
      if (!limit.allowed) {
        return formFailure(
          form,
          {},
          `Too many attempts. Try again in ${limit.retryAfterSeconds} seconds.`,
          429,
          {
            "Retry-After": String(limit.retryAfterSeconds),
          },
        );
      }
      try {
        await changePassword(
          user.id,
          session.id,
          {
            currentPassword: parsed.data.currentPassword,
            newPassword: parsed.data.password,
          },
          context.ip,
        );
      } catch (error) {
        if (error instanceof AccountError) {
          return formFailure(
            form,
            error.field ? { [error.field]: error.message } : {},
            error.field ? undefined : error.message,
          );
        }
        throw error;
      }
      return redirect("/account?saved=password");
    }
    case "sign-out-others": {
      await signOutOtherSessions(user.id, session.id, context.ip);
      return redirect("/account?saved=sessions");
    }
  }
}

const savedMessages: Record<string, string> = {
  profile: "Your profile is saved.",
  password: "Your password is changed. Your other sessions were signed out.",
  sessions: "Your other sessions are signed out.",
};

export default function Account({
  loaderData,
  actionData,
}: Route.ComponentProps) {
  const [params] = useSearchParams();
  const failure = actionData && !actionData.ok ? actionData : undefined;
  const failureOf = (intent: string): FormFailure | undefined =>
    failure &&
    (failure.values.intent === intent ||
      (!failure.values.intent && intent === "profile"))
      ? failure
      : undefined;
  const profileFailure = failureOf("profile");
  const passwordFailure = failureOf("password");
  const sessionsFailure = failureOf("sign-out-others");
  const saved = failure ? null : savedMessages[params.get("saved") ?? ""];
  const { profile, sessions } = loaderData;
  const others = sessions.filter((s) => !s.current).length;
  const timeZoneOptions = [
    { value: "", label: "Not set (times are shown in UTC)" },
    ...loaderData.timeZones.map((tz) => ({
      value: tz,
      label: tz.replaceAll("_", " "),
    })),
  ];

  return (
    <>
      <div className="page-header">
        <div>
          <h1>Your account</h1>
          <p>
            {profile.email} · {profile.role}
          </p>
        </div>
        <Link className="btn btn-secondary" to="/account/tokens">
          API tokens
        </Link>
      </div>
      {saved ? (
        <div className="alert alert-success" role="status">
          {saved}
        </div>
      ) : null}
      {/* Each card in its own cell, so ".card + .card" spacing does not push the second one down. */}
      <div className="grid-2" style={{ alignItems: "start" }}>
        <div>
          <section className="card" aria-labelledby="profile-title">
            <h2 className="card-title" id="profile-title">
              Profile
            </h2>
            <FormError failure={profileFailure} />
            <Form method="post" className="form" noValidate>
              <input type="hidden" name="intent" value="profile" />
              <Field
                label="Name"
                name="name"
                autoComplete="name"
                required
                defaultValue={profileFailure?.values.name ?? profile.name}
                error={profileFailure?.fieldErrors.name}
              />
              <SelectField
                label="Time zone"
                name="timeZone"
                options={timeZoneOptions}
                hint="Dates and SLA timers are shown in this time zone."
                defaultValue={
                  profileFailure?.values.timeZone ?? profile.timeZone
                }
                error={profileFailure?.fieldErrors.timeZone}
              />
              <div className="actions">
                <SubmitButton
                  name="intent"
                  value="profile"
                  pendingText="Saving…"
                >
                  Save profile
                </SubmitButton>
              </div>
            </Form>
          </section>
        </div>
        <div>
          <section className="card" aria-labelledby="password-title">
            <h2 className="card-title" id="password-title">
              Change password
            </h2>
            <FormError failure={passwordFailure} />
            <Form method="post" className="form" noValidate>
              <input type="hidden" name="intent" value="password" />
              <input
                type="hidden"
                name="username"
                autoComplete="username"
                value={profile.email}
              />
              <Field
                label="Current password"
                name="currentPassword"
                type="password"
                autoComplete="current-password"
                required
                error={passwordFailure?.fieldErrors.currentPassword}
              />
              <Field
                label="New password"
                name="password"
                type="password"
                autoComplete="new-password"
                required
                minLength={MIN_PASSWORD_LENGTH}
                hint={`At least ${MIN_PASSWORD_LENGTH} characters. Your other sessions will be signed out.`}
                error={passwordFailure?.fieldErrors.password}
              />
              <Field
                label="Confirm new password"
                name="confirmPassword"
                type="password"
                autoComplete="new-password"
                required
                error={passwordFailure?.fieldErrors.confirmPassword}
              />
              <div className="actions">
                <SubmitButton
                  name="intent"
                  value="password"
                  pendingText="Changing…"
                >
                  Change password
                </SubmitButton>
              </div>
            </Form>
          </section>
        </div>
      </div>

      <section
        className="card"
        aria-labelledby="sessions-title"
        style={{ marginTop: "var(--space-4)" }}
      >
        <h2 className="card-title" id="sessions-title">
          Where you&apos;re signed in
        </h2>
        <FormError failure={sessionsFailure} />
        <DataTable
          caption={`Your active sessions (times in ${loaderData.displayTimeZone})`}
          columns={["Device", "IP address", "Signed in"]}
          rows={sessions}
          row={(s, i) => (
            <tr key={`${s.createdAtIso}-${i}`}>
              <td>
                <span title={s.userAgent ?? undefined}>{s.device}</span>{" "}
                {s.current ? (
                  <span className="badge badge-accent">This device</span>
                ) : null}
              </td>
              <td>{s.ip ?? <span className="muted">unknown</span>}</td>
              <td>
                <time dateTime={s.createdAtIso}>{s.createdAt}</time>
              </td>
            </tr>
          )}
        />
        <Form
          method="post"
          className="actions"
          style={{ marginTop: "var(--space-4)" }}
        >
          <input type="hidden" name="intent" value="sign-out-others" />
          <SubmitButton
            className="btn btn-secondary"
            name="intent"
            value="sign-out-others"
            pendingText="Signing out…"
          >
            Sign out other sessions
          </SubmitButton>
          <span className="muted">
            {others === 0
              ? "You are signed in on this device only."
              : `${others} other ${others === 1 ? "session" : "sessions"}.`}
          </span>
        </Form>
      </section>
    </>
  );
}
