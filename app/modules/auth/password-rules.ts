import { z } from "zod";

/** Password rules shared by the server and the forms (pure; no I/O). */
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 1024;

export const newPasswordField = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters.`)
  .max(MAX_PASSWORD_LENGTH, "That password is too long.");

/** A new password typed twice; a mismatch is reported on the confirmation field. */
export function withConfirmation<S extends z.ZodObject<{ password: z.ZodType<string>; confirmPassword: z.ZodType<string> }>>(schema: S) {
  return schema.refine((v) => v.password === v.confirmPassword, {
    message: "The two passwords do not match.",
    path: ["confirmPassword"],
  });
}

export const confirmPasswordField = z.string().max(MAX_PASSWORD_LENGTH, "That password is too long.");
