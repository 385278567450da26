/**
 * Business hours as pure functions: open/closed, the next opening across a weekend, a holiday and a
 * DST change, and a timeout that counts open minutes only; bad input is named by field.
 */
import { describe, expect, test } from "bun:test";
import { type BusinessHours, businessDeadline, businessMinutes, checkHours, isOpen, nextOpening, parseRanges } from "./hours.ts";
import { openingWhen, USER_TEXT } from "./user-text.ts";

const office: BusinessHours = {
  timezone: "Europe/Berlin",
  week: { mon: "09:00-17:00", tue: "09:00-17:00", wed: "09:00-17:00", thu: "09:00-17:00", fri: "09:00-12:00, 13:00-17:00", sat: "", sun: "" },
  holidays: ["2026-12-25"],
  language: "en",
};
const at = (iso: string) => new Date(iso);

describe("business hours", () => {
  test("ranges parse and bad ones say why", () => {
    expect(parseRanges("09:00-12:00, 13:00-24:00")).toEqual([[540, 720], [780, 1440]]);
    expect(parseRanges("")).toEqual([]);
    expect(parseRanges("9-17")).toContain("not a range");
    expect(parseRanges("17:00-09:00")).toContain("must start before it ends");
    expect(parseRanges("09:00-12:00,11:00-13:00")).toContain("overlaps");
  });

  test("checkHours names the wrong field", () => {
    expect(checkHours(office)).toBeNull();
    expect(checkHours({ ...office, timezone: "Mars/Olympus" })?.field).toBe("timezone");
    expect(checkHours({ ...office, week: { ...office.week, tue: "nine to five" } })?.field).toBe("tue");
    expect(checkHours({ ...office, week: {} })?.error).toContain("at least one day");
    expect(checkHours({ ...office, holidays: ["25.12.2026"] })?.field).toBe("holidays");
    expect(checkHours({ ...office, language: "xx" })?.field).toBe("language");
  });

  test("open and closed in the tenant's timezone (Berlin is UTC+1 in December)", () => {
    expect(isOpen(office, at("2026-12-07T08:30:00Z"))).toBe(true); // Monday 09:30 Berlin
    expect(isOpen(office, at("2026-12-07T07:30:00Z"))).toBe(false); // Monday 08:30 Berlin
    expect(isOpen(office, at("2026-12-11T11:30:00Z"))).toBe(false); // Friday 12:30, the lunch break
    expect(isOpen(office, at("2026-12-25T10:00:00Z"))).toBe(false); // a Friday, but a holiday
  });

  test("the next opening skips the weekend and holidays", () => {
    expect(nextOpening(office, at("2026-12-05T15:00:00Z"))?.toISOString()).toBe("2026-12-07T08:00:00.000Z"); // Saturday → Monday 09:00
    expect(nextOpening(office, at("2026-12-24T17:00:00Z"))?.toISOString()).toBe("2026-12-28T08:00:00.000Z"); // Thu evening → (Fri holiday) → Monday
    const now = at("2026-12-07T08:30:00Z");
    expect(nextOpening(office, now)).toEqual(now);
    expect(nextOpening({ ...office, week: { mon: "09:00-17:00" }, holidays: [] }, at("2026-12-08T10:00:00Z"))?.toISOString()).toBe("2026-12-14T08:00:00.000Z");
  });

  test("a DST change lands on the local opening minute (Berlin: 29 March 2026, +1 → +2)", () => {
    expect(nextOpening(office, at("2026-03-28T12:00:00Z"))?.toISOString()).toBe("2026-03-30T07:00:00.000Z"); // Monday 09:00 CEST
    expect(nextOpening({ ...office, week: { sun: "01:00-05:00" } }, at("2026-03-28T12:00:00Z"))?.toISOString()).toBe("2026-03-29T00:00:00.000Z");
  });

  test("a timeout counts open minutes only", () => {
    // 30 minutes asked at Friday 16:50: 10 on Friday, 20 on Monday from 09:00.
    expect(businessDeadline(office, at("2026-12-11T15:50:00Z"), 30)?.toISOString()).toBe("2026-12-14T08:20:00.000Z");
    // Inside hours it is wall time.
    expect(businessDeadline(office, at("2026-12-07T08:00:00Z"), 45)?.toISOString()).toBe("2026-12-07T08:45:00.000Z");
    // Across the lunch break.
    expect(businessDeadline(office, at("2026-12-11T10:50:00Z"), 20)?.toISOString()).toBe("2026-12-11T12:10:00.000Z");
    // The SLA's open minutes: Friday 16:50 → Monday 09:20 is 10 + 20.
    expect(businessMinutes(office, at("2026-12-11T15:50:00Z"), at("2026-12-14T08:20:00Z"))).toBe(30);
    expect(businessMinutes(office, at("2026-12-12T10:00:00Z"), at("2026-12-13T10:00:00Z"))).toBe(0);
    // Never open: null rather than a hang.
    expect(businessDeadline({ ...office, week: {} }, at("2026-12-07T08:00:00Z"), 5)).toBeNull();
  });

  test("the user is told when, in the tenant's language", () => {
    const opens = at("2026-12-07T08:00:00Z");
    expect(USER_TEXT.en.wait(openingWhen("en", "Europe/Berlin", opens, at("2026-12-05T15:00:00Z")), "Europe/Berlin")).toContain("from Monday 09:00");
    expect(USER_TEXT.de.wait(openingWhen("de", "Europe/Berlin", opens, at("2026-12-05T15:00:00Z")), "Europe/Berlin")).toContain("ab Montag, 09:00");
    expect(openingWhen("en", "Europe/Berlin", opens, at("2026-11-20T15:00:00Z"))).toContain("7 December");
  });
});
