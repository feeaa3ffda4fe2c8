// The factories the demo seed uses (db/seed/factories.ts), shared with the tests.
export * from "../../db/seed/factories";
