import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { groupMembers, groups, macros, tickets } from "../../db/schema";
import { db } from "~/lib/db.server";
import { action as groupsAction, loader as groupsLoader } from "~/routes/admin/groups";
import { action as macrosAction, loader as macrosLoader } from "~/routes/admin/macros";
import { action as deskTicketAction } from "~/routes/desk/ticket";
import { createTicketAsCustomer } from "~/modules/tickets/tickets.server";
import { createOrganization, createUser } from "../support/factories";
import { call, getRequest, postForm, signInAs, type SignedIn } from "../support/requests";

let admin: SignedIn, agent: SignedIn, alice: SignedIn;

beforeAll(async () => {
  const acme = await createOrganization(db(), { name: "Acme" });
  admin = await signInAs(await createUser(db(), { role: "admin", name: "Ada" }));
  agent = await signInAs(await createUser(db(), { role: "agent", name: "Sam Agent" }));
  alice = await signInAs(await createUser(db(), { role: "customer", organizationId: acme.id, name: "Alice Anders" }));
});

describe("groups and macros administration", () => {
  it("lets only admins manage groups", async () => {
    expect((await call(groupsLoader, getRequest("/admin/groups", agent))).status).toBe(403);
    expect((await call(groupsAction, postForm("/admin/groups", { intent: "create", name: "Billing" }, agent))).status).toBe(403);
    expect((await call(groupsAction, postForm("/admin/groups", { intent: "create", name: "Billing" }, admin))).status).toBe(302);
    const dup = await call(groupsAction, postForm("/admin/groups", { intent: "create", name: "Billing" }, admin));
    expect(dup.status).toBe(400);
    expect((dup.data as { fieldErrors: Record<string, string> }).fieldErrors.name).toMatch(/already exists/);
    const [g] = await db().select().from(groups).where(eq(groups.name, "Billing"));
    await call(groupsAction, postForm("/admin/groups", { intent: "add-member", groupId: g!.id, userId: agent.user.id }, admin));
    const customerJoin = await call(groupsAction, postForm("/admin/groups", { intent: "add-member", groupId: g!.id, userId: alice.user.id }, admin));
    expect(customerJoin.status).toBe(400);
    expect(await db().select().from(groupMembers).where(eq(groupMembers.groupId, g!.id))).toHaveLength(1);
  });

  it("saves macros, refuses unknown placeholders, and applies one in the workspace", async () => {
    expect((await call(macrosLoader, getRequest("/admin/macros", agent))).status).toBe(403);
    const bad = await call(macrosAction, postForm("/admin/macros", { intent: "save", name: "Oops", body: "Hi {{requester.nickname}}", setStatus: "", addTags: "", active: "on" }, admin));
    expect(bad.status).toBe(400);
    expect((bad.data as { fieldErrors: Record<string, string> }).fieldErrors.body).toMatch(/requester.nickname/);
    const ok = await call(
      macrosAction,
      postForm("/admin/macros", { intent: "save", name: "Waiting for logs", body: "Hi {{requester.first_name}}, please send the logs for #{{ticket.number}}.\n{{agent.name}}", setStatus: "pending", addTags: "needs-logs", active: "on" }, admin),
    );
    expect(ok.status).toBe(302);
    const [macro] = await db().select().from(macros);
    const { number } = await createTicketAsCustomer(alice.user, { subject: "Crash", description: "It crashes on start.", priority: "normal", category: "Problem", idempotencyKey: randomUUID(), files: [] });
    const applied = await call(deskTicketAction, postForm(`/desk/tickets/${number}`, { intent: "apply-macro", macroId: macro!.id }, agent), { number: String(number) });
    const m = (applied.data as { macro: { body: string; setStatus: string; addTags: string[] } }).macro;
    expect(m.body).toBe(`Hi Alice, please send the logs for #${number}.\nSam Agent`);
    expect(m.setStatus).toBe("pending");
    const [row] = await db().select().from(tickets).where(eq(tickets.number, number));
    await call(deskTicketAction, postForm(`/desk/tickets/${number}`, { intent: "save", version: String(row!.version), body: m.body, visibility: "public", status: "pending", addTags: "needs-logs" }, agent), { number: String(number) });
    const [after] = await db().select().from(tickets).where(eq(tickets.number, number));
    expect(after!.status).toBe("pending");
    expect(after!.tags).toEqual(["needs-logs"]);
  });
});
