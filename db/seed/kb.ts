/**
 * Help-center demo content and the knowledge-base factories the tests share.
 * `seedKnowledgeBase(tx, { authorId })` is called from db/seed/demo.ts inside its transaction.
 */
import type { Executor } from "../client";
import { kbArticles, kbCategories, kbRevisions } from "../schema";

type Visibility = "public" | "customers" | "internal";
type Status = "draft" | "published" | "archived";

let counter = 0;

function slugOf(value: string): string {
  return (
    value
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 80) || "article"
  );
}

export async function createKbCategory(db: Executor, overrides: Partial<typeof kbCategories.$inferInsert> = {}) {
  const n = ++counter;
  const name = overrides.name ?? `Category ${n}`;
  const [row] = await db
    .insert(kbCategories)
    .values({ name, slug: overrides.slug ?? `${slugOf(name)}-${n}-${Date.now().toString(36)}`, ...overrides })
    .returning();
  return row!;
}

export interface KbArticleFactoryInput {
  title?: string;
  slug?: string;
  summary?: string;
  body?: string;
  categoryId?: string | null;
  tags?: string[];
  status?: Status;
  visibility?: Visibility;
  isFaq?: boolean;
  position?: number;
  authorId?: string | null;
  viewCount?: number;
  updatedAt?: Date;
}

/** An article with its first revision (as the authoring module writes it). */
export async function createKbArticle(db: Executor, input: KbArticleFactoryInput = {}) {
  const n = ++counter;
  const title = input.title ?? `Article ${n}`;
  const at = input.updatedAt ?? new Date();
  const status = input.status ?? "published";
  const [article] = await db
    .insert(kbArticles)
    .values({
      slug: input.slug ?? `${slugOf(title)}-${n}-${Date.now().toString(36)}`,
      title,
      summary: input.summary ?? "",
      body: input.body ?? `Body of ${title}.`,
      categoryId: input.categoryId ?? null,
      tags: input.tags ?? [],
      status,
      visibility: input.visibility ?? "public",
      isFaq: input.isFaq ?? false,
      position: input.position ?? 0,
      authorId: input.authorId ?? null,
      updatedById: input.authorId ?? null,
      viewCount: input.viewCount ?? 0,
      createdAt: at,
      updatedAt: at,
      publishedAt: status === "published" ? at : null,
    })
    .returning();
  await db.insert(kbRevisions).values({ articleId: article!.id, number: 1, title, summary: article!.summary, body: article!.body, authorId: input.authorId ?? null, note: "Created", createdAt: at });
  return article!;
}

// ---------------------------------------------------------------------------------------
// Demo content: the help center of "Beacon", a B2B observability product with an open-core
// agent and an enterprise cloud service.

const categories = [
  { key: "start", name: "Getting started", slug: "getting-started", description: "Set up your workspace, invite your team and send your first data.", position: 1 },
  { key: "account", name: "Account & billing", slug: "account-billing", description: "Plans, invoices, seats and single sign-on.", position: 2 },
  { key: "sso", name: "Single sign-on", slug: "single-sign-on", description: "SAML and SCIM with Okta, Entra ID and Google.", position: 1, parent: "account" },
  { key: "integrations", name: "Integrations & API", slug: "integrations-api", description: "The REST API, webhooks, Slack and the CLI.", position: 3 },
  { key: "troubleshooting", name: "Troubleshooting", slug: "troubleshooting", description: "Fix agent, ingestion and export problems fast.", position: 4 },
  { key: "security", name: "Security & compliance", slug: "security-compliance", description: "Data residency, encryption, audit logs and certifications.", position: 5 },
] as const;

type CategoryKey = (typeof categories)[number]["key"];

interface DemoArticle {
  slug: string;
  title: string;
  summary: string;
  category: CategoryKey;
  tags: string[];
  visibility?: Visibility;
  status?: Status;
  faq?: boolean;
  views: number;
  daysAgo: number;
  body: string;
}

const fence = "```";

const articles: DemoArticle[] = [
  {
    slug: "quick-start-guide",
    title: "Quick start: from sign-up to your first dashboard",
    summary: "Create a workspace, install the Beacon agent and see your first metrics in about ten minutes.",
    category: "start",
    tags: ["setup", "agent", "onboarding"],
    views: 1840,
    daysAgo: 3,
    body: `Beacon collects metrics, logs and traces from your services and turns them into dashboards and alerts. This guide takes you from an empty workspace to a live dashboard.

## Before you begin

You need:

- a Beacon workspace (your administrator can invite you),
- a machine or cluster where you may install software,
- outbound HTTPS (port 443) to \`ingest.beacon.example\`.

## 1. Create an ingest key

Open **Settings → Ingest keys**, choose **New key**, name it after the environment (for example \`production-eu\`) and copy it. The key is shown once.

## 2. Install the agent

On Linux:

${fence}bash
curl -fsSL https://get.beacon.example/install.sh | sudo BEACON_KEY=<your-ingest-key> sh
sudo systemctl status beacon-agent
${fence}

On Kubernetes, use the Helm chart:

${fence}bash
helm repo add beacon https://charts.beacon.example
helm install beacon-agent beacon/agent \\
  --namespace observability --create-namespace \\
  --set ingestKey=<your-ingest-key>
${fence}

## 3. Check that data arrives

Within a minute the host appears under **Infrastructure → Hosts**. If it does not, see [The agent is installed but no data arrives](/help/articles/agent-not-sending-data).

## 4. Build your first dashboard

Choose **Dashboards → New → From template** and pick *Host overview*. Pin it to the sidebar so your team finds it.

## Next steps

- [Invite your team](/help/articles/invite-teammates)
- [Set up alert notifications in Slack](/help/articles/slack-integration)
`,
  },
  {
    slug: "invite-teammates",
    title: "Invite teammates and assign roles",
    summary: "Add people to your workspace and choose what each of them may do.",
    category: "start",
    tags: ["users", "roles", "onboarding"],
    views: 920,
    daysAgo: 12,
    faq: true,
    body: `Administrators invite people from **Settings → Members → Invite**. Each invitation is valid for 7 days.

## Roles

| Role | Dashboards | Alerts | Ingest keys | Billing |
| --- | --- | --- | --- | --- |
| Viewer | read | read | – | – |
| Editor | read, write | read, write | – | – |
| Admin | read, write | read, write | manage | manage |

## Tips

- Invite a whole team at once by pasting a list of addresses, one per line.
- With SSO enabled, people who sign in through your identity provider join automatically as **Viewer**.
- An expired invitation can be sent again from the member list.
`,
  },
  {
    slug: "agent-requirements",
    title: "Agent system requirements and supported platforms",
    summary: "Operating systems, CPU and memory the Beacon agent needs, and the ports it uses.",
    category: "start",
    tags: ["agent", "requirements"],
    views: 610,
    daysAgo: 40,
    body: `The agent is a single static binary. It uses about 40 MB of memory and less than 2% of one CPU core on a typical host.

## Supported platforms

| Platform | Versions | Architecture |
| --- | --- | --- |
| Ubuntu | 20.04, 22.04, 24.04 | amd64, arm64 |
| Debian | 11, 12 | amd64, arm64 |
| RHEL / Rocky | 8, 9 | amd64 |
| Windows Server | 2019, 2022 | amd64 |
| Kubernetes | 1.27 – 1.31 | amd64, arm64 |

## Network

The agent only makes outbound connections:

| Destination | Port | Purpose |
| --- | --- | --- |
| \`ingest.beacon.example\` | 443 | metrics, logs, traces |
| \`config.beacon.example\` | 443 | remote configuration |

A proxy can be set with \`HTTPS_PROXY\`.
`,
  },
  {
    slug: "change-plan-or-seats",
    title: "Change your plan or number of seats",
    summary: "Upgrade, downgrade or add seats; how proration works on your next invoice.",
    category: "account",
    tags: ["billing", "plans", "seats"],
    views: 530,
    daysAgo: 20,
    faq: true,
    body: `Admins change the plan under **Settings → Billing → Plan**.

- **Upgrades** take effect immediately. You pay the difference for the rest of the billing period (prorated by day).
- **Downgrades** take effect at the end of the current period, so nobody loses access mid-month.
- **Seats** can be added at any time; removed seats are credited on the next invoice.

Enterprise contracts are changed by your account manager: open a ticket and we will connect you.
`,
  },
  {
    slug: "download-invoices",
    title: "Where can I download invoices and receipts?",
    summary: "Invoices are under Settings → Billing → Invoices as PDF; billing contacts get them by email too.",
    category: "account",
    tags: ["billing", "invoices"],
    views: 780,
    daysAgo: 8,
    faq: true,
    body: `Open **Settings → Billing → Invoices**. Every invoice can be downloaded as PDF, and the list can be exported as CSV for your accounting system.

To send invoices to your finance team automatically, add their address under **Billing contacts**. Need a VAT number or a purchase-order reference on the invoice? Add it under **Billing details** before the next invoice is issued.
`,
  },
  {
    slug: "saml-sso-okta",
    title: "Set up SAML single sign-on with Okta",
    summary: "Connect Beacon to Okta with SAML 2.0 and optionally provision users with SCIM.",
    category: "sso",
    tags: ["sso", "saml", "okta", "scim"],
    visibility: "customers",
    views: 340,
    daysAgo: 15,
    body: `Single sign-on is part of the Enterprise plan. You need admin rights in both Beacon and Okta.

## 1. Create the Okta application

In Okta, choose **Applications → Create App Integration → SAML 2.0** and enter:

| Okta field | Value |
| --- | --- |
| Single sign-on URL | \`https://app.beacon.example/sso/saml/acs\` |
| Audience URI (SP Entity ID) | \`https://app.beacon.example/sso/saml/metadata\` |
| Name ID format | EmailAddress |
| Application username | Email |

## 2. Upload the metadata to Beacon

Download the IdP metadata XML from Okta and upload it under **Settings → Security → Single sign-on**.

## 3. Test before you enforce

Use **Test sign-in** in a private window. Only after a successful test, turn on **Require SSO**. Admins can still sign in with a password through the recovery link, so you cannot lock yourself out.

## 4. Optional: SCIM provisioning

Generate a SCIM token under **Settings → Security → SCIM** and paste it into Okta's provisioning tab with the base URL \`https://app.beacon.example/scim/v2\`.
`,
  },
  {
    slug: "sso-troubleshooting",
    title: "SSO sign-in fails with \"invalid SAML response\"",
    summary: "Clock skew, a wrong audience or an expired certificate: how to find which one.",
    category: "sso",
    tags: ["sso", "saml", "errors"],
    visibility: "customers",
    views: 210,
    daysAgo: 30,
    body: `The error page shows a reference code. The most common causes:

1. **Audience mismatch**: the SP Entity ID in your IdP must be exactly \`https://app.beacon.example/sso/saml/metadata\`.
2. **Expired signing certificate**: upload fresh metadata after your IdP rotates its certificate.
3. **Clock skew**: responses are accepted for 5 minutes; check NTP on self-hosted IdPs.

If none of these applies, open a ticket with the reference code and the time of the attempt.
`,
  },
  {
    slug: "api-authentication",
    title: "Authenticate with the REST API",
    summary: "Create an API token, send it as a bearer token, and handle rate limits.",
    category: "integrations",
    tags: ["api", "tokens", "rate-limits"],
    views: 1210,
    daysAgo: 5,
    body: `Every request to the REST API carries a token in the \`Authorization\` header.

## Create a token

Go to **Settings → API tokens → New token**, choose the scopes it needs (for example \`dashboards:read\`) and an expiry date.

## Send a request

${fence}bash
curl https://api.beacon.example/v1/dashboards \\
  -H "Authorization: Bearer $BEACON_TOKEN" \\
  -H "Accept: application/json"
${fence}

${fence}ts
const res = await fetch("https://api.beacon.example/v1/dashboards", {
  headers: { Authorization: \`Bearer \${process.env.BEACON_TOKEN}\` },
});
if (res.status === 429) {
  const wait = Number(res.headers.get("Retry-After") ?? "1");
  // back off and retry after \`wait\` seconds
}
${fence}

## Rate limits

| Plan | Requests per minute | Burst |
| --- | --- | --- |
| Standard | 600 | 100 |
| Enterprise | 3,000 | 500 |

A \`429 Too Many Requests\` answer carries \`Retry-After\` in seconds.
`,
  },
  {
    slug: "webhooks",
    title: "Receive alerts with webhooks",
    summary: "Send alert notifications to your own endpoint and verify their signature.",
    category: "integrations",
    tags: ["webhooks", "alerts", "api"],
    views: 450,
    daysAgo: 25,
    body: `Add an endpoint under **Settings → Integrations → Webhooks**. Beacon sends a \`POST\` with a JSON body for every alert state change.

## Verify the signature

Each request carries \`Beacon-Signature: t=<timestamp>,v1=<hex>\`, an HMAC-SHA256 of \`<timestamp>.<body>\` with your endpoint secret.

${fence}ts
import { createHmac, timingSafeEqual } from "node:crypto";

export function verify(body: string, header: string, secret: string): boolean {
  const parts = Object.fromEntries(header.split(",").map((p) => p.split("=")));
  const expected = createHmac("sha256", secret).update(\`\${parts.t}.\${body}\`).digest("hex");
  return timingSafeEqual(Buffer.from(expected), Buffer.from(parts.v1 ?? ""));
}
${fence}

Reject requests older than five minutes to prevent replays. Failed deliveries are retried with exponential backoff for 24 hours.
`,
  },
  {
    slug: "slack-integration",
    title: "Send alert notifications to Slack",
    summary: "Connect a Slack workspace and route alerts to channels by severity.",
    category: "integrations",
    tags: ["slack", "alerts", "notifications"],
    views: 690,
    daysAgo: 18,
    faq: true,
    body: `Choose **Settings → Integrations → Slack → Connect** and approve the Beacon app in Slack. Then, in each alert rule, pick the channel for *warning* and for *critical*.

Private channels need the Beacon app invited first: type \`/invite @Beacon\` in the channel.
`,
  },
  {
    slug: "agent-not-sending-data",
    title: "The agent is installed but no data arrives",
    summary: "Check the agent status, the ingest key, the network path and the clock.",
    category: "troubleshooting",
    tags: ["agent", "ingestion", "network"],
    views: 1530,
    daysAgo: 2,
    body: `Work through these checks in order; most problems are found in the first two.

## 1. Is the agent running?

${fence}bash
sudo systemctl status beacon-agent
sudo journalctl -u beacon-agent --since "15 min ago"
${fence}

## 2. Is the ingest key valid?

A log line \`401 invalid ingest key\` means the key was revoked or mistyped. Create a new key and set it in \`/etc/beacon/agent.yaml\`:

${fence}yaml
ingest_key: "bk_live_..."
site: eu
${fence}

## 3. Can the host reach Beacon?

${fence}bash
curl -sv https://ingest.beacon.example/healthz
${fence}

A timeout usually means a firewall or a proxy. Set \`HTTPS_PROXY\` in \`/etc/default/beacon-agent\` and restart the agent.

## 4. Is the clock right?

Data more than 10 minutes in the future is dropped. Check \`timedatectl\` and enable NTP.

## Still stuck?

Run \`beacon-agent diagnose > diag.txt\` and attach the file to a ticket.
`,
  },
  {
    slug: "csv-export-fails",
    title: "CSV export fails or times out",
    summary: "Large exports run in the background; narrow the time range or use the API for very large ones.",
    category: "troubleshooting",
    tags: ["export", "csv", "errors"],
    views: 870,
    daysAgo: 6,
    faq: true,
    body: `Exports of more than 100,000 rows run in the background: you get an email with a download link when the file is ready (links are valid for 24 hours).

If an export fails:

1. Narrow the time range — exports are limited to 31 days.
2. Remove high-cardinality columns such as \`request_id\`.
3. For regular large exports, use the API's paginated \`/v1/query\` endpoint instead.

An export that stays *queued* for more than an hour is a problem on our side: please open a ticket with the export id.
`,
  },
  {
    slug: "missing-metrics-gaps",
    title: "Why are there gaps in my charts?",
    summary: "Gaps usually mean the agent was stopped, the host was asleep, or data was sampled.",
    category: "troubleshooting",
    tags: ["charts", "metrics", "ingestion"],
    views: 400,
    daysAgo: 45,
    faq: true,
    body: `A gap means no data points arrived for that interval. Common reasons: the host was stopped or restarted, the agent was upgraded, the network was interrupted (the agent buffers up to 15 minutes), or the chart's resolution is finer than the collection interval.

Switch the chart to **Connect gaps** under *Display* if you prefer a continuous line.
`,
  },
  {
    slug: "data-retention-and-residency",
    title: "Data retention and where your data is stored",
    summary: "How long each data type is kept, and the EU and US regions.",
    category: "security",
    tags: ["retention", "gdpr", "residency"],
    views: 560,
    daysAgo: 60,
    faq: true,
    body: `Your workspace's region (EU – Frankfurt, or US – Virginia) is chosen at creation and never changes without your written request.

| Data | Standard | Enterprise |
| --- | --- | --- |
| Metrics | 13 months | 25 months |
| Logs | 30 days | up to 365 days |
| Traces | 15 days | 30 days |
| Audit log | 1 year | 3 years |

All data is encrypted at rest (AES-256) and in transit (TLS 1.2+). Our data processing agreement is available under **Settings → Legal**.
`,
  },
  {
    slug: "audit-log",
    title: "Review who changed what with the audit log",
    summary: "The audit log records sign-ins, setting changes and key creation; export it to your SIEM.",
    category: "security",
    tags: ["audit", "security", "siem"],
    visibility: "customers",
    views: 190,
    daysAgo: 33,
    body: `Admins find the audit log under **Settings → Security → Audit log**. Filter by person, action or date and export as CSV, or stream it to your SIEM via the \`/v1/audit-events\` API.
`,
  },
  {
    slug: "internal-escalation-playbook",
    title: "Escalation playbook for ingestion incidents (internal)",
    summary: "For support agents: when and how to page the on-call ingestion engineer.",
    category: "troubleshooting",
    tags: ["internal", "escalation", "incident"],
    visibility: "internal",
    views: 75,
    daysAgo: 9,
    body: `**Internal: do not share with customers.**

Page the on-call ingestion engineer when:

- more than three enterprise customers report missing data within 30 minutes, or
- the status page shows degraded ingestion for more than 15 minutes.

## How

1. Open an incident in the incident channel with the affected workspaces.
2. Link the tickets to the incident ticket.
3. Reply to customers with the macro *Ingestion incident acknowledged*.
`,
  },
  {
    slug: "beta-program-overview",
    title: "Beacon beta program: what to expect",
    summary: "Early access builds, a direct line to the product team, and how to give feedback.",
    category: "start",
    tags: ["beta", "feedback"],
    visibility: "customers",
    views: 150,
    daysAgo: 14,
    body: `Beta customers get new features up to six weeks early. Beta features are marked with a **Beta** badge and may change. Share feedback from the portal's feedback page; the product team reviews it every week.
`,
  },
  {
    slug: "draft-usage-based-pricing",
    title: "Usage-based pricing FAQ (draft)",
    summary: "Draft for the pricing change next quarter.",
    category: "account",
    tags: ["billing", "pricing"],
    status: "draft",
    views: 0,
    daysAgo: 1,
    body: `Draft: the answers will be published with the announcement.`,
  },
];

/** Seeds the demo help center. Idempotent per slug: call it once, inside the demo transaction. */
export async function seedKnowledgeBase(tx: Executor, { authorId }: { authorId: string | null }): Promise<{ categories: number; articles: number }> {
  const ids = new Map<CategoryKey, string>();
  for (const c of categories) {
    const parentId = "parent" in c ? ids.get(c.parent) ?? null : null;
    const row = await createKbCategory(tx, { name: c.name, slug: c.slug, description: c.description, position: c.position, parentId });
    ids.set(c.key, row.id);
  }
  const dayMs = 86_400_000;
  let position = 0;
  for (const a of articles) {
    await createKbArticle(tx, {
      slug: a.slug,
      title: a.title,
      summary: a.summary,
      body: a.body,
      categoryId: ids.get(a.category) ?? null,
      tags: a.tags,
      status: a.status ?? "published",
      visibility: a.visibility ?? "public",
      isFaq: a.faq ?? false,
      position: position++,
      authorId,
      viewCount: a.views,
      updatedAt: new Date(Date.now() - a.daysAgo * dayMs),
    });
  }
  return { categories: categories.length, articles: articles.length };
}
