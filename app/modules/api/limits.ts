/** API rate limits (token buckets in the database). Pure constants, shared with the docs. */
export const apiLimits = {
  /** Per token: a burst of 60, then one request a second. */
  token: { capacity: 60, refillPerSecond: 1 },
  /** Per customer organization, across all its members' tokens: 300, then 5 a second. */
  organization: { capacity: 300, refillPerSecond: 5 },
};
