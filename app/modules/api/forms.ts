/** The token form's schema, shared by the page and its action. Pure. */
import { z } from "zod";
import { apiScopes, tokenLifetimesDays } from "./scopes";

export const createTokenSchema = z.object({
  name: z.string().trim().min(1, "Name the token (what will use it).").max(80, "Use at most 80 characters."),
  scopes: z
    .union([z.enum(apiScopes), z.array(z.enum(apiScopes))], { error: "Choose at least one scope." })
    .transform((v) => (Array.isArray(v) ? v : [v])),
  expiresInDays: z.enum(tokenLifetimesDays.map(String) as ["30", "90", "365"], { error: "Choose when the token expires." }).transform(Number),
});

export const revokeTokenSchema = z.object({ tokenId: z.uuid("Unknown token.") });
