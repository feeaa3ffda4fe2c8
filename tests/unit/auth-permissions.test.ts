import { describe, expect, it } from "vitest";
import { can, canReachOrganization, homePathFor, isStaff, permissions, roleLabels, type Actor, type Role } from "~/modules/auth/permissions";

const roles: Role[] = ["customer", "agent", "sales", "admin"];
const actor = (role: Role, organizationId: string | null = null): Actor => ({ id: `u-${role}`, role, organizationId });

describe("can", () => {
  it.each([
    ["view:portal", ["customer"]],
    ["view:desk", ["agent", "admin"]],
    ["view:beta", ["sales", "admin"]],
    ["view:admin", ["admin"]],
    ["update:account:own", ["customer", "agent", "sales", "admin"]],
    ["manage:users", ["admin"]],
    ["invite:staff", ["admin"]],
    ["invite:customer", ["agent", "admin"]],
    ["read:organizations", ["agent", "sales", "admin"]],
    ["manage:organizations", ["admin"]],
    ["read:mailbox", ["admin"]],
    ["read:audit", ["admin"]],
  ] as const)("%s is allowed for exactly %j", (permission, allowed) => {
    for (const role of roles) {
      expect(can(actor(role), permission), `${role} ${permission}`).toBe((allowed as readonly Role[]).includes(role));
    }
  });

  it("refuses everything to a signed-out visitor", () => {
    for (const permission of Object.keys(permissions) as (keyof typeof permissions)[]) {
      expect(can(null, permission)).toBe(false);
      expect(can(undefined, permission)).toBe(false);
    }
  });

  it("never grants a customer a staff area", () => {
    const customer = actor("customer", "org-1");
    expect(can(customer, "view:desk")).toBe(false);
    expect(can(customer, "view:beta")).toBe(false);
    expect(can(customer, "view:admin")).toBe(false);
    expect(can(customer, "manage:users")).toBe(false);
  });

  it("does not treat an unknown role as any role", () => {
    expect(can({ role: "superuser" as Role }, "view:admin")).toBe(false);
  });
});

describe("isStaff and canReachOrganization", () => {
  it("calls every role but customer staff", () => {
    expect(isStaff(actor("customer"))).toBe(false);
    expect(isStaff(actor("agent"))).toBe(true);
    expect(isStaff(actor("sales"))).toBe(true);
    expect(isStaff(actor("admin"))).toBe(true);
    expect(isStaff(null)).toBe(false);
  });

  it("lets a customer reach only their own organization", () => {
    const customer = actor("customer", "org-1");
    expect(canReachOrganization(customer, "org-1")).toBe(true);
    expect(canReachOrganization(customer, "org-2")).toBe(false);
    expect(canReachOrganization(customer, null)).toBe(false);
  });

  it("refuses a customer without an organization everywhere", () => {
    expect(canReachOrganization(actor("customer", null), null)).toBe(false);
    expect(canReachOrganization(actor("customer", null), "org-1")).toBe(false);
  });

  it("lets staff reach every organization", () => {
    for (const role of ["agent", "sales", "admin"] as const) {
      expect(canReachOrganization(actor(role), "org-1")).toBe(true);
      expect(canReachOrganization(actor(role), null)).toBe(true);
    }
  });
});

describe("homePathFor and roleLabels", () => {
  it("sends each role to its own area", () => {
    expect(homePathFor("customer")).toBe("/portal");
    expect(homePathFor("agent")).toBe("/desk");
    expect(homePathFor("sales")).toBe("/beta");
    expect(homePathFor("admin")).toBe("/admin/users");
  });

  it("gives the home path a role may actually view", () => {
    const area: Record<Role, keyof typeof permissions> = {
      customer: "view:portal",
      agent: "view:desk",
      sales: "view:beta",
      admin: "view:admin",
    };
    for (const role of roles) expect(can(actor(role), area[role])).toBe(true);
  });

  it("labels every role", () => {
    for (const role of roles) expect(roleLabels[role]).toMatch(/\w/);
  });
});
