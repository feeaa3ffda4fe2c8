import { describe, expect, it } from "vitest";
import {
  addBusinessMinutes,
  businessMinutesBetween,
  isBusinessTime,
  twentyFourSeven,
  validateCalendar,
  type BusinessCalendar,
  type Weekday,
} from "~/modules/sla/business-time";

const d = (iso: string) => new Date(iso);
const iso = (date: Date) => date.toISOString();

function weekdays(start: string, end: string, extra: Partial<BusinessCalendar> = {}): BusinessCalendar {
  const hours: BusinessCalendar["hours"] = {};
  for (const day of ["mon", "tue", "wed", "thu", "fri"] as Weekday[]) hours[day] = [{ start, end }];
  return { timeZone: "Europe/Berlin", hours, holidays: [], ...extra };
}

/** Open only on Sundays, with the given intervals (DST changes in the EU and US fall on Sundays). */
function sundays(timeZone: string, intervals: [string, string][]): BusinessCalendar {
  return { timeZone, hours: { sun: intervals.map(([start, end]) => ({ start, end })) }, holidays: [] };
}

const berlin = weekdays("09:00", "18:00");

describe("addBusinessMinutes: ordinary days", () => {
  it("a due time landing on closing time stays there (16:00 + 2 h with hours to 18:00 → 18:00)", () => {
    // Monday 2025-03-03, CET (UTC+1): 16:00 local is 15:00Z.
    expect(iso(addBusinessMinutes(berlin, d("2025-03-03T15:00:00Z"), 120))).toBe("2025-03-03T17:00:00.000Z");
  });

  it("one minute more continues the next business morning", () => {
    expect(iso(addBusinessMinutes(berlin, d("2025-03-03T15:00:00Z"), 121))).toBe("2025-03-04T08:01:00.000Z");
  });

  it("a start before opening counts from the opening", () => {
    expect(iso(addBusinessMinutes(berlin, d("2025-03-03T06:00:00Z"), 30))).toBe("2025-03-03T08:30:00.000Z");
  });

  it("a start exactly at closing time continues the next business morning", () => {
    expect(iso(addBusinessMinutes(berlin, d("2025-03-03T17:00:00Z"), 1))).toBe("2025-03-04T08:01:00.000Z");
  });

  it("skips the weekend", () => {
    // Friday 2025-03-07 16:30 local + 2 h: 1.5 h on Friday, 0.5 h on Monday.
    expect(iso(addBusinessMinutes(berlin, d("2025-03-07T15:30:00Z"), 120))).toBe("2025-03-10T08:30:00.000Z");
  });

  it("a start on Saturday begins on Monday morning", () => {
    expect(iso(addBusinessMinutes(berlin, d("2025-03-08T10:00:00Z"), 60))).toBe("2025-03-10T09:00:00.000Z");
  });

  it("spans several days", () => {
    // 9 h a day: 20 h from Monday 09:00 is Wednesday 11:00.
    expect(iso(addBusinessMinutes(berlin, d("2025-03-03T08:00:00Z"), 20 * 60))).toBe("2025-03-05T10:00:00.000Z");
  });

  it("returns start unchanged (a new Date) for zero or negative minutes, even outside business hours", () => {
    const start = d("2025-03-08T10:00:00.123Z");
    for (const minutes of [0, -5, -0.5]) {
      const result = addBusinessMinutes(berlin, start, minutes);
      expect(result.getTime()).toBe(start.getTime());
      expect(result).not.toBe(start);
    }
  });

  it("rejects a non-finite amount and an invalid date", () => {
    expect(() => addBusinessMinutes(berlin, d("2025-03-03T08:00:00Z"), Number.NaN)).toThrow(RangeError);
    expect(() => addBusinessMinutes(berlin, d("2025-03-03T08:00:00Z"), Infinity)).toThrow(RangeError);
    expect(() => addBusinessMinutes(berlin, new Date("nope"), 5)).toThrow(RangeError);
  });

  it("throws with the validation messages for an invalid calendar", () => {
    const bad = { timeZone: "Mars/Olympus_Mons", hours: { mon: [{ start: "09:00", end: "17:00" }] }, holidays: [] };
    expect(() => addBusinessMinutes(bad, d("2025-03-03T08:00:00Z"), 5)).toThrow(/Unknown time zone "Mars\/Olympus_Mons"/);
  });
});

describe("addBusinessMinutes: split days", () => {
  const split: BusinessCalendar = {
    timeZone: "Europe/Berlin",
    hours: {
      mon: [
        { start: "13:00", end: "17:00" }, // order in the input does not matter
        { start: "09:00", end: "12:00" },
      ],
      tue: [
        { start: "09:00", end: "12:00" },
        { start: "13:00", end: "17:00" },
      ],
    },
    holidays: [],
  };

  it("skips the lunch break", () => {
    // Monday 11:30 + 60 → 30 min before lunch, 30 after: 13:30 local.
    expect(iso(addBusinessMinutes(split, d("2025-03-03T10:30:00Z"), 60))).toBe("2025-03-03T12:30:00.000Z");
  });

  it("lands on the start of the break, not after it", () => {
    expect(iso(addBusinessMinutes(split, d("2025-03-03T10:00:00Z"), 60))).toBe("2025-03-03T11:00:00.000Z");
  });

  it("a start during the break counts from 13:00", () => {
    expect(iso(addBusinessMinutes(split, d("2025-03-03T11:20:00Z"), 15))).toBe("2025-03-03T12:15:00.000Z");
  });

  it("Monday's 7 h then Tuesday; closed from Wednesday to Sunday", () => {
    expect(iso(addBusinessMinutes(split, d("2025-03-03T08:00:00Z"), 7 * 60))).toBe("2025-03-03T16:00:00.000Z");
    expect(iso(addBusinessMinutes(split, d("2025-03-03T08:00:00Z"), 7 * 60 + 1))).toBe("2025-03-04T08:01:00.000Z");
    expect(iso(addBusinessMinutes(split, d("2025-03-04T15:59:00Z"), 2))).toBe("2025-03-10T08:01:00.000Z");
  });

  it("counts both parts in businessMinutesBetween", () => {
    expect(businessMinutesBetween(split, d("2025-03-03T00:00:00Z"), d("2025-03-05T00:00:00Z"))).toBe(14 * 60);
  });
});

describe("addBusinessMinutes: holidays", () => {
  const cal = weekdays("09:00", "17:00", { holidays: ["2025-12-25", "2025-12-26", "2026-01-01"] });

  it("holidays are local dates with no business time", () => {
    // Wednesday 2025-12-24 16:00 local + 2 h: 1 h, then Thu and Fri are holidays, then Monday 09:00–10:00.
    expect(iso(addBusinessMinutes(cal, d("2025-12-24T15:00:00Z"), 120))).toBe("2025-12-29T09:00:00.000Z");
    expect(businessMinutesBetween(cal, d("2025-12-22T00:00:00Z"), d("2026-01-03T00:00:00Z"))).toBe(7 * 8 * 60);
  });

  it("a holiday is the local date, not the UTC date", () => {
    // Auckland is UTC+13 in December: local 2025-12-25 09:00 is 2025-12-24T20:00Z.
    const nz = weekdays("09:00", "17:00", { timeZone: "Pacific/Auckland", holidays: ["2025-12-25"] });
    expect(isBusinessTime(nz, d("2025-12-24T20:30:00Z"))).toBe(false);
    expect(isBusinessTime(nz, d("2025-12-23T20:30:00Z"))).toBe(true);
  });

  it("crosses a month of consecutive holidays", () => {
    const june = Array.from({ length: 30 }, (_, i) => `2025-06-${String(i + 1).padStart(2, "0")}`);
    const cal2 = weekdays("09:00", "17:00", { holidays: june });
    // Friday 2025-05-30 16:00 CEST + 2 h: 1 h on Friday, then all June is closed, Tuesday 1 July 09:00–10:00.
    expect(iso(addBusinessMinutes(cal2, d("2025-05-30T14:00:00Z"), 120))).toBe("2025-07-01T08:00:00.000Z");
    expect(businessMinutesBetween(cal2, d("2025-05-31T00:00:00Z"), d("2025-07-01T00:00:00Z"))).toBe(0);
  });

  it("a 24/7 calendar with holidays is closed on those local days only", () => {
    const cal3 = { ...twentyFourSeven("UTC"), holidays: ["2025-01-02"] };
    expect(iso(addBusinessMinutes(cal3, d("2025-01-01T23:00:00Z"), 120))).toBe("2025-01-03T01:00:00.000Z");
  });
});

describe("addBusinessMinutes: precision", () => {
  it("keeps milliseconds and fractional minutes; nothing is rounded to the minute", () => {
    expect(iso(addBusinessMinutes(berlin, d("2025-03-03T08:00:00.123Z"), 1.5))).toBe("2025-03-03T08:01:30.123Z");
    expect(iso(addBusinessMinutes(berlin, d("2025-03-03T08:00:00Z"), 0.001))).toBe("2025-03-03T08:00:00.060Z");
    expect(iso(addBusinessMinutes(berlin, d("2025-03-03T08:00:00Z"), 1.1))).toBe("2025-03-03T08:01:06.000Z");
    expect(iso(addBusinessMinutes(berlin, d("2025-03-03T16:59:30Z"), 0.75))).toBe("2025-03-04T08:00:15.000Z");
  });

  it("rounds a sub-millisecond remainder up to the next millisecond (a Date holds no less)", () => {
    expect(iso(addBusinessMinutes(berlin, d("2025-03-03T08:00:00Z"), 0.0000001))).toBe("2025-03-03T08:00:00.001Z");
    expect(iso(addBusinessMinutes(berlin, d("2025-03-03T08:00:00Z"), 1 / 60_000 + 1e-9))).toBe("2025-03-03T08:00:00.002Z");
  });

  it("businessMinutesBetween returns fractional minutes", () => {
    expect(businessMinutesBetween(berlin, d("2025-03-03T08:00:00Z"), d("2025-03-03T08:00:00.030Z"))).toBe(0.0005);
    expect(businessMinutesBetween(berlin, d("2025-03-03T16:59:30Z"), d("2025-03-04T08:00:15Z"))).toBe(0.75);
  });
});

describe("businessMinutesBetween", () => {
  it("is the inverse of addBusinessMinutes", () => {
    const cals = [berlin, twentyFourSeven("America/New_York"), weekdays("08:15", "16:45", { holidays: ["2025-03-05"] })];
    const starts = ["2025-03-01T00:00:00Z", "2025-03-03T11:11:11.111Z", "2025-03-07T16:59:59.999Z", "2025-03-28T22:00:00Z"];
    for (const cal of cals) {
      for (const s of starts) {
        for (const m of [0.25, 1, 59.5, 480, 2000, 10_000.125]) {
          const due = addBusinessMinutes(cal, d(s), m);
          expect(businessMinutesBetween(cal, d(s), due)).toBeCloseTo(m, 9);
          // and due is the earliest such instant: one millisecond less is not enough
          expect(businessMinutesBetween(cal, d(s), new Date(due.getTime() - 1))).toBeLessThan(m);
        }
      }
    }
  });

  it("is zero for an empty range and antisymmetric for a reversed one", () => {
    expect(businessMinutesBetween(berlin, d("2025-03-03T10:00:00Z"), d("2025-03-03T10:00:00Z"))).toBe(0);
    expect(businessMinutesBetween(berlin, d("2025-03-03T11:00:00Z"), d("2025-03-03T10:00:00Z"))).toBe(-60);
  });

  it("counts a full week", () => {
    expect(businessMinutesBetween(berlin, d("2025-03-02T23:00:00Z"), d("2025-03-09T23:00:00Z"))).toBe(5 * 9 * 60);
  });
});

describe("DST in Europe/Berlin (2025-03-30 spring forward 02:00→03:00, 2025-10-26 fall back 03:00→02:00)", () => {
  it("a day open 00:00–24:00 has 23 h in spring and 25 h in autumn", () => {
    const cal = sundays("Europe/Berlin", [["00:00", "24:00"]]);
    expect(businessMinutesBetween(cal, d("2025-03-29T00:00:00Z"), d("2025-04-01T00:00:00Z"))).toBe(23 * 60);
    expect(businessMinutesBetween(cal, d("2025-10-25T00:00:00Z"), d("2025-10-28T00:00:00Z"))).toBe(25 * 60);
    // Sunday 00:00 CET + 2 h of real time is 03:00 CEST.
    expect(iso(addBusinessMinutes(cal, d("2025-03-29T23:00:00Z"), 120))).toBe("2025-03-30T01:00:00.000Z");
    expect(iso(addBusinessMinutes(cal, d("2025-03-29T23:00:00Z"), 23 * 60))).toBe("2025-03-30T22:00:00.000Z");
    expect(iso(addBusinessMinutes(cal, d("2025-10-25T22:00:00Z"), 25 * 60))).toBe("2025-10-26T23:00:00.000Z");
  });

  it("a 01:00–04:00 window spanning the gap has 2 h, spanning the overlap 4 h", () => {
    const cal = sundays("Europe/Berlin", [["01:00", "04:00"]]);
    expect(businessMinutesBetween(cal, d("2025-03-29T00:00:00Z"), d("2025-04-01T00:00:00Z"))).toBe(120);
    expect(iso(addBusinessMinutes(cal, d("2025-03-29T12:00:00Z"), 90))).toBe("2025-03-30T01:30:00.000Z");
    expect(businessMinutesBetween(cal, d("2025-10-25T00:00:00Z"), d("2025-10-28T00:00:00Z"))).toBe(240);
    // 01:00 CEST is 23:00Z; 3 h later is 02:00 CET, the second 02:00.
    expect(iso(addBusinessMinutes(cal, d("2025-10-25T12:00:00Z"), 180))).toBe("2025-10-26T02:00:00.000Z");
  });

  it("a start inside the gap moves forward by the gap; an end inside it too", () => {
    // 02:30 does not exist: it means 03:30 CEST (01:30Z). 02:30–05:00 is 01:30Z–03:00Z.
    const cal = sundays("Europe/Berlin", [["02:30", "05:00"]]);
    expect(businessMinutesBetween(cal, d("2025-03-29T00:00:00Z"), d("2025-04-01T00:00:00Z"))).toBe(90);
    // 01:00–02:30 ends at 03:30 CEST: 00:00Z–01:30Z.
    const cal2 = sundays("Europe/Berlin", [["01:00", "02:30"]]);
    expect(businessMinutesBetween(cal2, d("2025-03-29T00:00:00Z"), d("2025-04-01T00:00:00Z"))).toBe(90);
  });

  it("a window entirely inside the gap becomes the hour after it, never counted twice", () => {
    // 02:00–03:00 is empty (both ends are 03:00 CEST).
    expect(
      businessMinutesBetween(sundays("Europe/Berlin", [["02:00", "03:00"]]), d("2025-03-29T00:00:00Z"), d("2025-04-01T00:00:00Z")),
    ).toBe(0);
    // 02:00–02:30 reads as 03:00–03:30 CEST; with 03:00–04:00 the union is one hour.
    const cal = sundays("Europe/Berlin", [
      ["02:00", "02:30"],
      ["03:00", "04:00"],
    ]);
    expect(businessMinutesBetween(cal, d("2025-03-29T00:00:00Z"), d("2025-04-01T00:00:00Z"))).toBe(60);
    expect(iso(addBusinessMinutes(cal, d("2025-03-29T00:00:00Z"), 60))).toBe("2025-03-30T02:00:00.000Z");
  });

  it("an ambiguous time in the overlap is the earlier instant", () => {
    // 02:30–04:00 on 2025-10-26 runs from 02:30 CEST (00:30Z) to 04:00 CET (03:00Z).
    const cal = sundays("Europe/Berlin", [["02:30", "04:00"]]);
    expect(businessMinutesBetween(cal, d("2025-10-25T00:00:00Z"), d("2025-10-28T00:00:00Z"))).toBe(150);
    expect(iso(addBusinessMinutes(cal, d("2025-10-25T00:00:00Z"), 1))).toBe("2025-10-26T00:31:00.000Z");
  });

  it("ordinary business hours around the change keep their local times", () => {
    const cal = weekdays("09:00", "17:00");
    // Friday 2025-03-28 16:00 CET + 2 h → Monday 2025-03-31 10:00 CEST = 08:00Z.
    expect(iso(addBusinessMinutes(cal, d("2025-03-28T15:00:00Z"), 120))).toBe("2025-03-31T08:00:00.000Z");
    // Friday 2025-10-24 16:00 CEST + 2 h → Monday 2025-10-27 10:00 CET = 09:00Z.
    expect(iso(addBusinessMinutes(cal, d("2025-10-24T14:00:00Z"), 120))).toBe("2025-10-27T09:00:00.000Z");
  });
});

describe("DST in America/New_York (2025-03-09 02:00→03:00, 2025-11-02 02:00→01:00)", () => {
  it("a day open 00:00–24:00 has 23 h and 25 h", () => {
    const cal = sundays("America/New_York", [["00:00", "24:00"]]);
    expect(businessMinutesBetween(cal, d("2025-03-08T00:00:00Z"), d("2025-03-11T00:00:00Z"))).toBe(23 * 60);
    expect(businessMinutesBetween(cal, d("2025-11-01T00:00:00Z"), d("2025-11-04T00:00:00Z"))).toBe(25 * 60);
  });

  it("a 01:00–04:00 window has 2 h in spring and 4 h in autumn", () => {
    const cal = sundays("America/New_York", [["01:00", "04:00"]]);
    expect(businessMinutesBetween(cal, d("2025-03-08T00:00:00Z"), d("2025-03-11T00:00:00Z"))).toBe(120);
    // 01:00 EST = 06:00Z; +60 min reaches 03:00 EDT = 07:00Z
    expect(iso(addBusinessMinutes(cal, d("2025-03-08T00:00:00Z"), 60))).toBe("2025-03-09T07:00:00.000Z");
    expect(businessMinutesBetween(cal, d("2025-11-01T00:00:00Z"), d("2025-11-04T00:00:00Z"))).toBe(240);
    // 01:00 EDT = 05:00Z; lands on closing time 04:00 EST = 09:00Z
    expect(iso(addBusinessMinutes(cal, d("2025-11-01T00:00:00Z"), 240))).toBe("2025-11-02T09:00:00.000Z");
  });

  it("gap and overlap rules", () => {
    // 02:30 on 2025-03-09 does not exist: 03:30 EDT = 07:30Z.
    const gap = sundays("America/New_York", [["02:30", "05:00"]]);
    expect(iso(addBusinessMinutes(gap, d("2025-03-08T00:00:00Z"), 1))).toBe("2025-03-09T07:31:00.000Z");
    // 01:30 on 2025-11-02 is ambiguous: the earlier, 01:30 EDT = 05:30Z; to 03:00 EST = 08:00Z.
    const overlap = sundays("America/New_York", [["01:30", "03:00"]]);
    expect(iso(addBusinessMinutes(overlap, d("2025-11-01T00:00:00Z"), 1))).toBe("2025-11-02T05:31:00.000Z");
    expect(businessMinutesBetween(overlap, d("2025-11-01T00:00:00Z"), d("2025-11-04T00:00:00Z"))).toBe(150);
  });
});

describe("24/7 calendars", () => {
  it("are every weekday 00:00–24:00 with no holidays", () => {
    const cal = twentyFourSeven("Europe/Berlin");
    expect(cal.holidays).toEqual([]);
    expect(Object.keys(cal.hours).sort()).toEqual(["fri", "mon", "sat", "sun", "thu", "tue", "wed"]);
    for (const list of Object.values(cal.hours)) expect(list).toEqual([{ start: "00:00", end: "24:00" }]);
    expect(validateCalendar(cal)).toEqual([]);
  });

  it("count real elapsed time, across DST changes too", () => {
    for (const zone of ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"]) {
      const cal = twentyFourSeven(zone);
      for (const s of ["2025-03-29T12:00:00Z", "2025-10-04T12:00:00Z", "2025-11-01T12:34:56.789Z"]) {
        const start = d(s);
        expect(addBusinessMinutes(cal, start, 2880.5).getTime() - start.getTime()).toBe(2880.5 * 60_000);
        expect(businessMinutesBetween(cal, start, new Date(start.getTime() + 7 * 86_400_000))).toBe(7 * 1440);
      }
    }
  });

  it("a Lord Howe day open 00:00–24:00 has 23.5 h when its 30-minute DST starts", () => {
    // 2025-10-05 02:00 → 02:30 local.
    const cal = sundays("Australia/Lord_Howe", [["00:00", "24:00"]]);
    expect(businessMinutesBetween(cal, d("2025-10-03T00:00:00Z"), d("2025-10-06T12:00:00Z"))).toBe(23.5 * 60);
  });
});

describe("validateCalendar", () => {
  it("accepts a good calendar, touching intervals and an end of 24:00", () => {
    expect(
      validateCalendar({
        timeZone: "America/New_York",
        hours: {
          mon: [
            { start: "09:00", end: "12:00" },
            { start: "12:00", end: "24:00" },
          ],
        },
        holidays: ["2025-12-25", "2024-02-29"],
      }),
    ).toEqual([]);
  });

  it("explains every problem in words", () => {
    const messages = validateCalendar({
      timeZone: "Europe/Atlantis",
      hours: {
        mon: [
          { start: "9:00", end: "17:00" },
          { start: "18:00", end: "17:00" },
        ],
        tue: [{ start: "22:00", end: "02:00" }],
        wed: [
          { start: "09:00", end: "12:00" },
          { start: "11:30", end: "13:00" },
        ],
        thu: [{ start: "24:00", end: "24:00" }],
        fri: [
          { start: "10:00", end: "10:00" },
          { start: "08:00", end: "24:30" },
        ],
      },
      holidays: ["2025-02-29", "25-12-2025", "2025-13-01"],
    });
    expect(messages).toEqual([
      'Unknown time zone "Europe/Atlantis": use an IANA name such as "Europe/Berlin".',
      'hours.mon[0]: start "9:00" is not a time in "HH:MM" format (00:00–23:59).',
      "hours.mon[1]: 18:00–17:00 ends before it starts; an interval cannot cross midnight (write 18:00–24:00 on this day and 00:00–17:00 on the next).",
      "hours.tue[0]: 22:00–02:00 ends before it starts; an interval cannot cross midnight (write 22:00–24:00 on this day and 00:00–02:00 on the next).",
      "hours.wed: 09:00–12:00 and 11:30–13:00 overlap; intervals of one day must not overlap.",
      'hours.thu[0]: start "24:00" is not allowed; "24:00" may only be used as an end.',
      "hours.fri[0]: 10:00–10:00 is empty; the end must be after the start.",
      'hours.fri[1]: end "24:30" is not a time in "HH:MM" format (00:00–23:59, or 24:00).',
      'holidays[0]: "2025-02-29" is not a valid date in "YYYY-MM-DD" format.',
      'holidays[1]: "25-12-2025" is not a valid date in "YYYY-MM-DD" format.',
      'holidays[2]: "2025-13-01" is not a valid date in "YYYY-MM-DD" format.',
    ]);
  });

  it("rejects unknown weekdays and a calendar with no business hours", () => {
    expect(
      validateCalendar({ timeZone: "UTC", hours: { monday: [{ start: "09:00", end: "17:00" }] } as never, holidays: [] }),
    ).toEqual(['hours has an unknown weekday "monday": use mon, tue, wed, thu, fri, sat or sun.']);
    expect(validateCalendar({ timeZone: "UTC", hours: {}, holidays: [] })).toEqual([
      "The calendar has no business hours on any weekday, so no due time could ever be reached.",
    ]);
  });

  it("rejects an empty time zone and non-list shapes from JSON", () => {
    expect(validateCalendar({ timeZone: "", hours: { mon: "09-17" }, holidays: "none" } as never)).toEqual([
      'Unknown time zone "": use an IANA name such as "Europe/Berlin".',
      "hours.mon must be a list of { start, end } intervals.",
      'holidays must be a list of local dates "YYYY-MM-DD".',
    ]);
  });
});
