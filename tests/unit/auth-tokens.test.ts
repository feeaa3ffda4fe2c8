import { describe, expect, it } from "vitest";
import { generateToken, hashToken, timingSafeEqualString } from "~/modules/auth/tokens";

describe("generateToken", () => {
  it("gives 160 random bits as 32 lower-case base32 characters", () => {
    const token = generateToken();
    expect(token).toMatch(/^[a-z2-7]{32}$/);
  });

  it("never repeats", () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => generateToken()));
    expect(tokens.size).toBe(1000);
  });

  it("honours a byte count", () => {
    expect(generateToken(10)).toMatch(/^[a-z2-7]{16}$/);
  });
});

describe("hashToken", () => {
  it("is the hex SHA-256 of the token", () => {
    // sha256("abc"), the FIPS 180-2 test vector
    expect(hashToken("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("is deterministic and differs from the token", () => {
    const token = generateToken();
    expect(hashToken(token)).toBe(hashToken(token));
    expect(hashToken(token)).not.toContain(token);
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("timingSafeEqualString", () => {
  it("compares equal strings", () => {
    expect(timingSafeEqualString("secret-value", "secret-value")).toBe(true);
  });

  it("refuses different strings of equal and unequal length", () => {
    expect(timingSafeEqualString("secret-value", "secret-valuE")).toBe(false);
    expect(timingSafeEqualString("secret", "secret-value")).toBe(false);
    expect(timingSafeEqualString("", "x")).toBe(false);
  });

  it("treats two empty strings as equal", () => {
    expect(timingSafeEqualString("", "")).toBe(true);
  });
});
