import { escapeHtml } from "~/lib/html";

/**
 * Email templates: each renders a subject, an HTML body and a text body. Every piece of user
 * text goes through escapeHtml in HTML; subjects are single-line (CR/LF refused at enqueue).
 */
export interface TemplateData {
  password_reset: { name: string; resetUrl: string; expiresInMinutes: number };
  invitation: { inviterName: string; organizationName: string | null; role: string; acceptUrl: string; expiresInDays: number };
  password_changed: { name: string; accountUrl: string };
  ticket_received: { name: string; number: number; subject: string; ticketUrl: string };
  ticket_reply: { name: string; number: number; subject: string; authorName: string; bodyHtml: string; bodyText: string; ticketUrl: string };
  ticket_status: { name: string; number: number; subject: string; statusLabel: string; ticketUrl: string };
  ticket_merged: { name: string; number: number; subject: string; intoNumber: number; intoSubject: string; ticketUrl: string };
  beta_stale_digest: { name: string; boardUrl: string; deals: { company: string; stage: string; reasons: string; url: string }[] };
  beta_feedback_shipped: { name: string; title: string; feedbackUrl: string };
  beta_weekly_summary: {
    name: string;
    weekOf: string;
    goalsUrl: string;
    goals: { label: string; progress: string; status: string }[];
    conversion: string;
    risks: { company: string; kind: string; detail: string; url: string }[];
    movement: { created: number; moves: { company: string; text: string; url: string }[]; decisions: { company: string; text: string }[] };
  };
  sla_escalation: { name: string; number: number; subject: string; metricLabel: string; kind: "warning" | "breach"; dueAt: string; ruleName: string; ticketUrl: string };
}

export type TemplateName = keyof TemplateData;

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

const productName = "Support Portal";

function layout(title: string, bodyHtml: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body style="margin:0;padding:24px;background:#f4f5f7;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1f2430">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:28px;line-height:1.5">
${bodyHtml}
<p style="margin-top:32px;color:#6b7280;font-size:12px">${escapeHtml(productName)}</p>
</div></body></html>`;
}

function button(url: string, label: string): string {
  return `<p><a href="${escapeHtml(url)}" style="display:inline-block;background:#3b5bdb;color:#ffffff;padding:10px 18px;border-radius:6px;text-decoration:none">${escapeHtml(label)}</a></p>
<p style="font-size:13px;color:#6b7280">Or paste this link into your browser: ${escapeHtml(url)}</p>`;
}

const renderers: { [K in TemplateName]: (data: TemplateData[K]) => RenderedEmail } = {
  password_reset: (d) => ({
    subject: "Reset your password",
    html: layout(
      "Reset your password",
      `<p>Hello ${escapeHtml(d.name)},</p>
<p>Someone asked to reset the password of your ${escapeHtml(productName)} account. If it was you, choose a new password:</p>
${button(d.resetUrl, "Choose a new password")}
<p>The link works once and expires in ${d.expiresInMinutes} minutes. If you did not ask for this, ignore this email: your password stays as it is.</p>`,
    ),
    text: `Hello ${d.name},

Someone asked to reset the password of your ${productName} account. If it was you, choose a new password here:

${d.resetUrl}

The link works once and expires in ${d.expiresInMinutes} minutes. If you did not ask for this, ignore this email.`,
  }),
  invitation: (d) => {
    const where = d.organizationName ? `${d.organizationName} on ${productName}` : productName;
    return {
      subject: `You are invited to ${where}`.replace(/[\r\n]+/g, " "),
      html: layout(
        "Invitation",
        `<p>${escapeHtml(d.inviterName)} invited you to join ${escapeHtml(where)} as ${escapeHtml(d.role)}.</p>
${button(d.acceptUrl, "Accept the invitation")}
<p>The invitation expires in ${d.expiresInDays} days.</p>`,
      ),
      text: `${d.inviterName} invited you to join ${where} as ${d.role}.

Accept the invitation: ${d.acceptUrl}

The invitation expires in ${d.expiresInDays} days.`,
    };
  },
  password_changed: (d) => ({
    subject: "Your password was changed",
    html: layout(
      "Password changed",
      `<p>Hello ${escapeHtml(d.name)},</p>
<p>The password of your account was just changed and your other sessions were signed out. If this was not you, reset your password at once.</p>
${button(d.accountUrl, "Open your account")}`,
    ),
    text: `Hello ${d.name},

The password of your account was just changed and your other sessions were signed out. If this was not you, reset your password at once: ${d.accountUrl}`,
  }),
  ticket_received: (d) => ({
    subject: `[#${d.number}] ${d.subject}`.replace(/[\r\n]+/g, " "),
    html: layout(
      `Ticket #${d.number}`,
      `<p>Hello ${escapeHtml(d.name)},</p>
<p>We received your request <strong>#${d.number} ${escapeHtml(d.subject)}</strong>. Our support team will answer here; you can reply to this email to add to it.</p>
${button(d.ticketUrl, "View your ticket")}`,
    ),
    text: `Hello ${d.name},

We received your request #${d.number} ${d.subject}. Our support team will answer here; you can reply to this email to add to it.

View your ticket: ${d.ticketUrl}`,
  }),
  ticket_reply: (d) => ({
    subject: `Re: [#${d.number}] ${d.subject}`.replace(/[\r\n]+/g, " "),
    html: layout(
      `Ticket #${d.number}`,
      `<p style="color:#6b7280;font-size:13px">Reply above this line to add to ticket #${d.number}.</p>
<p>Hello ${escapeHtml(d.name)},</p>
<p><strong>${escapeHtml(d.authorName)}</strong> replied to your request <strong>${escapeHtml(d.subject)}</strong>:</p>
<div style="border-left:3px solid #d9dde3;padding-left:12px">${d.bodyHtml}</div>
${button(d.ticketUrl, "View the conversation")}`,
    ),
    text: `Reply above this line to add to ticket #${d.number}.

Hello ${d.name},

${d.authorName} replied to your request ${d.subject}:

${d.bodyText}

View the conversation: ${d.ticketUrl}`,
  }),
  ticket_status: (d) => ({
    subject: `[#${d.number}] ${d.subject} — ${d.statusLabel}`.replace(/[\r\n]+/g, " "),
    html: layout(
      `Ticket #${d.number}`,
      `<p>Hello ${escapeHtml(d.name)},</p>
<p>Your request <strong>#${d.number} ${escapeHtml(d.subject)}</strong> is now <strong>${escapeHtml(d.statusLabel)}</strong>.</p>
${button(d.ticketUrl, "View your ticket")}`,
    ),
    text: `Hello ${d.name},

Your request #${d.number} ${d.subject} is now ${d.statusLabel}.

View your ticket: ${d.ticketUrl}`,
  }),
  ticket_merged: (d) => ({
    subject: `[#${d.number}] ${d.subject} — merged into #${d.intoNumber}`.replace(/[\r\n]+/g, " "),
    html: layout(
      `Ticket #${d.number}`,
      `<p>Hello ${escapeHtml(d.name)},</p>
<p>Your request <strong>#${d.number} ${escapeHtml(d.subject)}</strong> was about the same thing as <strong>#${d.intoNumber} ${escapeHtml(d.intoSubject)}</strong>, so we merged them. The whole conversation continues on #${d.intoNumber}.</p>
${button(d.ticketUrl, `View #${d.intoNumber}`)}`,
    ),
    text: `Hello ${d.name},

Your request #${d.number} ${d.subject} was about the same thing as #${d.intoNumber} ${d.intoSubject}, so we merged them. The whole conversation continues on #${d.intoNumber}: ${d.ticketUrl}`,
  }),
  sla_escalation: (d) => {
    const what = d.kind === "breach" ? `${d.metricLabel} SLA breached` : `${d.metricLabel} SLA at risk`;
    const when = d.kind === "breach" ? `was due ${d.dueAt}` : `is due ${d.dueAt}`;
    return {
      subject: `[#${d.number}] ${what}: ${d.subject}`.replace(/[\r\n]+/g, " "),
      html: layout(
        what,
        `<p>Hello ${escapeHtml(d.name)},</p>
<p><strong>${escapeHtml(what)}</strong> on ticket <strong>#${d.number} ${escapeHtml(d.subject)}</strong>: the ${escapeHtml(d.metricLabel.toLowerCase())} ${escapeHtml(when)}.</p>
<p style="color:#6b7280;font-size:13px">Escalation rule: ${escapeHtml(d.ruleName)}</p>
${button(d.ticketUrl, `Open #${d.number}`)}`,
      ),
      text: `Hello ${d.name},

${what} on ticket #${d.number} ${d.subject}: the ${d.metricLabel.toLowerCase()} ${when}.
Escalation rule: ${d.ruleName}

Open the ticket: ${d.ticketUrl}`,
    };
  },
  beta_stale_digest: (d) => ({
    subject: `${d.deals.length} beta deal${d.deals.length === 1 ? " needs" : "s need"} attention`,
    html: layout(
      "Stale beta deals",
      `<p>Hello ${escapeHtml(d.name)},</p>
<p>These deals of yours have no next step, an overdue one, or no recent activity:</p>
<ul>${d.deals.map((x) => `<li><a href="${escapeHtml(x.url)}">${escapeHtml(x.company)}</a> (${escapeHtml(x.stage)}): ${escapeHtml(x.reasons)}</li>`).join("")}</ul>
${button(d.boardUrl, "Open the beta board")}`,
    ),
    text: `Hello ${d.name},

These deals of yours have no next step, an overdue one, or no recent activity:

${d.deals.map((x) => `- ${x.company} (${x.stage}): ${x.reasons} — ${x.url}`).join("\n")}

Open the beta board: ${d.boardUrl}`,
  }),
  beta_feedback_shipped: (d) => ({
    subject: `Shipped: ${d.title}`.replace(/[\r\n]+/g, " "),
    html: layout(
      "Your request shipped",
      `<p>Hello ${escapeHtml(d.name)},</p>
<p>Good news: <strong>${escapeHtml(d.title)}</strong>, which you asked for during the beta, has shipped. Thank you for the feedback.</p>
${button(d.feedbackUrl, "See your feedback")}`,
    ),
    text: `Hello ${d.name},

Good news: ${d.title}, which you asked for during the beta, has shipped. Thank you for the feedback.

See your feedback: ${d.feedbackUrl}`,
  }),
  beta_weekly_summary: (d) => {
    const moves = d.movement.moves;
    const movementText = [
      `${d.movement.created} new ${d.movement.created === 1 ? "deal" : "deals"}, ${moves.length} stage ${moves.length === 1 ? "move" : "moves"}, ${d.movement.decisions.length} beta exit ${d.movement.decisions.length === 1 ? "decision" : "decisions"}.`,
      ...moves.map((m) => `- ${m.company}: ${m.text}`),
      ...d.movement.decisions.map((x) => `- ${x.company}: ${x.text}`),
    ];
    return {
      subject: `Beta goals: week of ${d.weekOf}`,
      html: layout(
        "Beta goals this week",
        `<p>Hello ${escapeHtml(d.name)},</p>
<p>Where the program's goals stand (week of ${escapeHtml(d.weekOf)}):</p>
<ul>${d.goals.map((g) => `<li><strong>${escapeHtml(g.label)}</strong>: ${escapeHtml(g.progress)} — ${escapeHtml(g.status)}</li>`).join("")}</ul>
<p>Beta conversion rate: ${escapeHtml(d.conversion)}.</p>
<h2 style="font-size:16px">At risk</h2>
${d.risks.length ? `<ul>${d.risks.map((r) => `<li><a href="${escapeHtml(r.url)}">${escapeHtml(r.company)}</a> (${escapeHtml(r.kind)}): ${escapeHtml(r.detail)}</li>`).join("")}</ul>` : "<p>Nothing at risk.</p>"}
<h2 style="font-size:16px">Pipeline movement, past 7 days</h2>
<p>${escapeHtml(movementText[0]!)}</p>
${moves.length || d.movement.decisions.length ? `<ul>${moves.map((m) => `<li><a href="${escapeHtml(m.url)}">${escapeHtml(m.company)}</a>: ${escapeHtml(m.text)}</li>`).join("")}${d.movement.decisions.map((x) => `<li>${escapeHtml(x.company)}: ${escapeHtml(x.text)}</li>`).join("")}</ul>` : ""}
${button(d.goalsUrl, "Open the goals")}`,
      ),
      text: `Hello ${d.name},

Where the program's goals stand (week of ${d.weekOf}):

${d.goals.map((g) => `- ${g.label}: ${g.progress} — ${g.status}`).join("\n")}

Beta conversion rate: ${d.conversion}.

At risk:
${d.risks.length ? d.risks.map((r) => `- ${r.company} (${r.kind}): ${r.detail} — ${r.url}`).join("\n") : "Nothing at risk."}

Pipeline movement, past 7 days:
${movementText.join("\n")}

Open the goals: ${d.goalsUrl}`,
    };
  },
};

export function renderTemplate<K extends TemplateName>(name: K, data: TemplateData[K]): RenderedEmail {
  return renderers[name](data);
}
