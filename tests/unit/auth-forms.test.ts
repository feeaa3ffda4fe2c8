import { describe, expect, it } from "vitest";
import { describeUserAgent } from "~/modules/auth/user-agent";
import { confirmPasswordField, MIN_PASSWORD_LENGTH, newPasswordField, withConfirmation } from "~/modules/auth/password-rules";
import { z } from "zod";

describe("password rules", () => {
  const schema = withConfirmation(z.object({ password: newPasswordField, confirmPassword: confirmPasswordField }));

  it("needs at least MIN_PASSWORD_LENGTH (10) characters", () => {
    expect(MIN_PASSWORD_LENGTH).toBe(10);
    expect(schema.safeParse({ password: "123456789", confirmPassword: "123456789" }).success).toBe(false);
    expect(schema.safeParse({ password: "1234567890", confirmPassword: "1234567890" }).success).toBe(true);
  });

  it("reports a mismatch on the confirmation field", () => {
    const result = schema.safeParse({ password: "long-enough-1", confirmPassword: "long-enough-2" });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path).toEqual(["confirmPassword"]);
  });

  it("refuses absurdly long passwords (Argon2 work is bounded)", () => {
    const long = "x".repeat(1025);
    expect(schema.safeParse({ password: long, confirmPassword: long }).success).toBe(false);
  });
});

describe("describeUserAgent", () => {
  it.each([
    ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", "Chrome on Linux"],
    ["Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox on Windows"],
    [
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
      "Safari on macOS",
    ],
    [
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
      "Safari on iOS",
    ],
    [
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
      "Edge on Windows",
    ],
    ["Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36", "Chrome on Android"],
    ["curl/8.5.0", "curl"],
  ])("describes %s", (ua, expected) => {
    expect(describeUserAgent(ua)).toBe(expected);
  });

  it("handles missing and unknown agents", () => {
    expect(describeUserAgent(null)).toBe("Unknown device");
    expect(describeUserAgent("  ")).toBe("Unknown device");
    expect(describeUserAgent("my-script/1.0")).toBe("my-script/1.0");
    expect(describeUserAgent("x".repeat(100))).toHaveLength(58);
  });
});
