import { describe, expect, test } from "bun:test";
import { moneySchema, moneyText, toMoney } from "./money.ts";

describe("money", () => {
  test("numbers and decimal text become the exact canonical decimal", () => {
    expect(toMoney(0.000001)).toEqual({ ok: true, value: "0.000001" });
    expect(toMoney(1e-7)).toEqual({ ok: true, value: "0.0000001" });
    expect(toMoney("0.000000001")).toEqual({ ok: true, value: "0.000000001" });
    expect(toMoney(" 12.50 ")).toEqual({ ok: true, value: "12.5" });
    expect(toMoney(5)).toEqual({ ok: true, value: "5" });
    expect(toMoney("0")).toEqual({ ok: true, value: "0" });
    expect(toMoney("-0")).toEqual({ ok: true, value: "0" });
    expect(toMoney(".5")).toEqual({ ok: true, value: "0.5" });
    expect(toMoney("1.5e3")).toEqual({ ok: true, value: "1500" });
    expect(toMoney(99_999_999_999.5)).toEqual({ ok: true, value: "99999999999.5" });
  });

  test("what the store cannot hold exactly is refused with the reason", () => {
    expect(toMoney(1e-10)).toMatchObject({ ok: false, error: expect.stringContaining("more than 9 decimal places") });
    expect(toMoney("0.0000000001")).toMatchObject({ ok: false, error: expect.stringContaining("decimal places") });
    expect(toMoney(-1)).toEqual({ ok: false, error: "cannot be negative" });
    expect(toMoney(1e12)).toMatchObject({ ok: false, error: expect.stringContaining("too large") });
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, "", "abc", "1.2.3", "0x10", "1e", ".", "9".repeat(80), null, true, {}]) expect(toMoney(bad).ok).toBe(false);
  });

  test("the zod schema names the field in its issue; stored numerics read back as typed", () => {
    const r = moneySchema.safeParse(0.00000000001);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toContain("decimal places");
    expect(moneySchema.parse(0.000001)).toBe("0.000001");
    expect(moneyText("0.000001000")).toBe("0.000001");
    expect(moneyText("5.000000000")).toBe("5");
  });
});
