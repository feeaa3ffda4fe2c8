/** Placeholders a macro may use, with what each stands for (shown to macro authors). */
export const macroPlaceholders = {
  "requester.first_name": "The requester's first name",
  "requester.name": "The requester's full name",
  "requester.email": "The requester's email",
  "organization.name": "The requester's organization",
  "ticket.number": "The ticket number",
  "ticket.subject": "The ticket subject",
  "agent.name": "Your name",
  "agent.first_name": "Your first name",
} as const;

export type MacroContext = {
  requester: { name: string; email: string };
  organization: { name: string };
  ticket: { number: number; subject: string };
  agent: { name: string };
};

const firstName = (name: string) => name.trim().split(/\s+/)[0] ?? "";

/** Fills {{placeholders}}; unknown ones stay visible so the agent notices before sending. */
export function renderMacro(body: string, ctx: MacroContext): string {
  const values: Record<string, string> = {
    "requester.first_name": firstName(ctx.requester.name),
    "requester.name": ctx.requester.name,
    "requester.email": ctx.requester.email,
    "organization.name": ctx.organization.name,
    "ticket.number": String(ctx.ticket.number),
    "ticket.subject": ctx.ticket.subject,
    "agent.name": ctx.agent.name,
    "agent.first_name": firstName(ctx.agent.name),
  };
  return body.replace(/\{\{\s*([a-z_.]+)\s*\}\}/g, (match, key: string) => values[key] ?? match);
}

/** Placeholders in a body that are not known (for a validation message). */
export function unknownPlaceholders(body: string): string[] {
  const found = [...body.matchAll(/\{\{\s*([a-z_.]+)\s*\}\}/g)].map((m) => m[1]!);
  return [...new Set(found.filter((k) => !(k in macroPlaceholders)))];
}
