// The pipeline board as the browser gets it (docs/performance.md, "Pipeline board": the cards are
// plain markup and the loader sends only what they show). Fails if a card loses a control of its
// no-JavaScript move form, if a checklist rebuilt on the client differs from boardData's gates, or
// if the loader sends fields the page does not use.
import { eq } from "drizzle-orm";
// @ts-expect-error -- jsdom (the component tests' environment) ships no type declarations here
import { JSDOM } from "jsdom";
import { beforeAll, describe, expect, it } from "vitest";
import { agreements, betaDeals, betaPrograms } from "../../db/schema";
import { db } from "~/lib/db.server";
import { loader as boardLoader } from "~/routes/beta/board";
import { gateFor, toBoardCard, type BoardCard } from "~/components/beta-board";
import { createDeal, getActiveProgram, moveDeal } from "~/modules/beta/deals.server";
import { dealStages, type DealStage } from "~/modules/beta/model";
import { boardData } from "~/modules/beta/pipeline.server";
import { createUser } from "../support/factories";
import { call, getRequest, postForm, signInAs, type SignedIn } from "../support/requests";
import { fetchApp } from "../support/app-server";

let sales: SignedIn;
const deals: Record<string, { id: string; stage: DealStage }> = {};

beforeAll(async () => {
  sales = await signInAs(await createUser(db(), { role: "sales", name: "Morgan Sales" }));
  await db().insert(betaPrograms).values({ name: "Render beta", target: 5, minimum: 3, startsOn: "2026-01-01", deadline: "2099-12-31", active: true });
  const actor = { id: sales.user.id, name: "Morgan" };
  const make = async (company: string, to: DealStage | null, facts: { demo?: boolean; terms?: boolean; signed?: boolean } = {}) => {
    const deal = await createDeal(actor, { company, website: null, source: "test", ownerId: sales.user.id, contact: null });
    if (facts.demo) await db().update(betaDeals).set({ demoAt: new Date("2026-02-01T10:00:00Z"), demoAttendees: "Someone" }).where(eq(betaDeals.id, deal.id));
    if (facts.terms) await db().insert(agreements).values({ dealId: deal.id, status: facts.signed ? "signed" : "draft", terms: "Free during the beta", signedOn: facts.signed ? "2026-01-10" : null });
    if (to) await moveDeal(actor, deal.id, to === "lost" ? { to, lostReason: "No budget" } : { to });
    deals[company] = { id: deal.id, stage: to ?? "prospect" };
  };
  await make("Plain Prospect", null);
  await make("Demo-ready Prospect", null, { demo: true });
  await make("In Demo", "demo", { demo: true });
  await make("Drafted", "agreement", { demo: true, terms: true });
  await make("Signed Up", "onboarded", { demo: true, terms: true, signed: true });
  for (let i = 1; i <= 7; i++) await make(`Gone ${i}`, "lost");
});

describe("pipeline board: what the browser gets", () => {
  it("renders every card with its no-JavaScript move form and accessible names; lost deals behind a disclosure", async () => {
    const res = await fetchApp(getRequest("/beta", sales));
    expect(res.status).toBe(200);
    const doc: Document = new JSDOM(await res.text()).window.document;
    for (const [company, { id, stage }] of Object.entries(deals)) {
      const cards = doc.querySelectorAll(`section.beta-column[data-stage="${stage}"] article.beta-card[data-deal="${company}"]`);
      expect(cards.length, company).toBe(1);
      const card = cards[0]!;
      expect(card.getAttribute("draggable")).toBe("true");
      expect(card.querySelector(`a[href="/beta/deals/${id}"]`)?.textContent).toBe(company);
      const form = card.querySelector("form.beta-move")!;
      expect(form.getAttribute("method")).toBe("post");
      expect(form.getAttribute("action")).toBe("/beta");
      const hidden = Object.fromEntries([...form.querySelectorAll("input[type=hidden]")].map((i) => [i.getAttribute("name"), i.getAttribute("value")]));
      expect(hidden).toEqual({ intent: "move", dealId: id, version: expect.stringMatching(/^\d+$/) });
      const select = form.querySelector("select[name=to]")!;
      expect(select.getAttribute("aria-label")).toBe(`Move ${company} to`);
      const options = [...select.querySelectorAll("option")].map((o) => o.getAttribute("value"));
      expect(options).toEqual(["", ...dealStages.filter((s) => s !== stage)]);
      expect(select.querySelector("option[value='']")!.hasAttribute("disabled")).toBe(true);
      const button = form.querySelector("button[type=submit]")!;
      expect(button.getAttribute("aria-label")).toBe(`Move ${company}`);
    }
    // Seven lost deals: listed inside a closed <details> of the lost column, all of them.
    const details = doc.querySelector('section.beta-column[data-stage="lost"] details')!;
    expect(details.hasAttribute("open")).toBe(false);
    expect(details.querySelectorAll("article.beta-card").length).toBe(7);
    // The owner select of "Add a prospect" and the column counts are still there.
    expect(doc.querySelector('section.beta-column[data-stage="lost"] .count')?.textContent).toBe("7");
    expect(doc.querySelector("#new-owner option")?.textContent).toBe("Me");
  });

  it("posts a card's form as the browser would without JavaScript", async () => {
    const res = await fetchApp(getRequest("/beta", sales));
    const doc: Document = new JSDOM(await res.text()).window.document;
    const form = doc.querySelector('article.beta-card[data-deal="Demo-ready Prospect"] form.beta-move')!;
    const fields: Record<string, string> = {};
    for (const i of form.querySelectorAll("input[type=hidden]")) fields[i.getAttribute("name")!] = i.getAttribute("value")!;
    const post = await fetchApp(postForm(form.getAttribute("action")!, { ...fields, to: "demo" }, sales));
    expect(post.status).toBe(302);
    expect(post.headers.get("location")).toContain("moved=Demo-ready+Prospect");
    const [d] = await db().select({ stage: betaDeals.stage }).from(betaDeals).where(eq(betaDeals.id, deals["Demo-ready Prospect"]!.id));
    expect(d!.stage).toBe("demo");
    deals["Demo-ready Prospect"]!.stage = "demo";
  });

  it("sends only the shown fields, and the checklists rebuilt from them equal boardData's gates", async () => {
    const data = (await call(boardLoader, getRequest("/beta", sales))).data as { board: { cards: BoardCard[]; header: Record<string, unknown> } };
    const card = data.board.cards[0]!;
    expect(Object.keys(card).sort()).toEqual(
      ["caseStudyStage", "company", "daysInStage", "daysTone", "feedback", "health", "id", "lostReason", "met", "nextStep", "nextStepDueAt", "nextStepTone", "ownerName", "stage", "stale", "version"].sort(),
    );
    expect(Object.keys(data.board.header).sort()).toEqual(["projection", "summary", "tone"]);
    const full = await boardData((await getActiveProgram())!);
    expect(full.cards.length).toBe(Object.keys(deals).length);
    for (const c of full.cards) {
      const sent = toBoardCard(c);
      expect(data.board.cards.find((x) => x.id === c.id)).toEqual(sent);
      for (const s of dealStages) expect(gateFor(sent, s), `${c.company} → ${s}`).toEqual(c.gates[s]);
    }
    // The facts differ between the deals, so the comparison above saw met and unmet items.
    const met = (company: string) => data.board.cards.find((x) => x.company === company)!.met;
    expect(met("Plain Prospect")).toEqual([]);
    expect(met("Drafted").sort()).toEqual(["demoAt", "demoAttendees"]);
    expect(met("In Demo")).toEqual([]);
    expect(gateFor(data.board.cards.find((x) => x.company === "Plain Prospect")!, "demo")).toEqual([
      { key: "demoAt", label: "Demo date set", met: false },
      { key: "demoAttendees", label: "Demo attendees named", met: false },
    ]);
  });
});
