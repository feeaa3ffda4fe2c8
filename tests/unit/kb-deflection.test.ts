import { describe, expect, it } from "vitest";
import { DEFLECTION_WINDOW_MS, evaluateDeflections, type DeflectionEvent } from "~/modules/kb/deflection";

const t0 = new Date("2026-05-04T10:00:00Z").getTime();
const at = (minutes: number) => new Date(t0 + minutes * 60_000);
const ev = (kind: DeflectionEvent["kind"], minutes: number, visitorKey = "u:1", articleId: string | null = "a"): DeflectionEvent => ({ kind, at: at(minutes), visitorKey, articleId });

describe("the deflection rule", () => {
  it("counts an opened suggestion with no ticket within 30 minutes as a deflection", () => {
    const r = evaluateDeflections([ev("suggested", 0), ev("opened", 1)], at(32));
    expect(r).toMatchObject({ deflected: 1, filedAnyway: 0, pending: 0 });
  });

  it("is pending while the 30 minutes are not over", () => {
    expect(evaluateDeflections([ev("opened", 0)], at(29))).toMatchObject({ deflected: 0, pending: 1 });
    expect(evaluateDeflections([ev("opened", 0)], at(30))).toMatchObject({ deflected: 0, pending: 1 });
  });

  it("is 'filed anyway' when a ticket follows within the window", () => {
    expect(evaluateDeflections([ev("opened", 0), ev("ticket_filed", 29)], at(120))).toMatchObject({ deflected: 0, filedAnyway: 1 });
    // at the same instant, the open came first
    expect(evaluateDeflections([ev("ticket_filed", 0), ev("opened", 0)], at(120))).toMatchObject({ filedAnyway: 1 });
  });

  it("does not blame a deflection on a ticket filed much later, or before", () => {
    const r = evaluateDeflections([ev("ticket_filed", -5), ev("opened", 0), ev("ticket_filed", 45)], at(120));
    expect(r).toMatchObject({ deflected: 1, filedAnyway: 0 });
  });

  it("groups opens that follow each other within the window into one journey", () => {
    const r = evaluateDeflections([ev("opened", 0, "u:1", "a"), ev("opened", 20, "u:1", "b"), ev("opened", 45, "u:1", "a")], at(200));
    expect(r.deflected).toBe(1);
    expect(r.journeys[0]!.articleIds).toEqual(["a", "b"]);
    // the ticket at 70 is within 30 minutes of the last open at 45
    expect(evaluateDeflections([ev("opened", 0), ev("opened", 20), ev("opened", 45), ev("ticket_filed", 70)], at(200))).toMatchObject({ deflected: 0, filedAnyway: 1 });
  });

  it("keeps visitors apart and ignores suggestions nobody opened", () => {
    const r = evaluateDeflections([ev("suggested", 0, "u:1"), ev("opened", 1, "u:2"), ev("ticket_filed", 5, "u:1"), ev("opened", 2, "a:browser")], at(100));
    expect(r).toMatchObject({ deflected: 2, filedAnyway: 0, pending: 0 });
  });

  it("takes events in any order and a custom window", () => {
    const r = evaluateDeflections([ev("ticket_filed", 8), ev("opened", 0)], at(100), 5 * 60_000);
    expect(r).toMatchObject({ deflected: 1, filedAnyway: 0 });
    expect(DEFLECTION_WINDOW_MS).toBe(30 * 60_000);
  });
});
