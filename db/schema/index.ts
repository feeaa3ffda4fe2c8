export * from "./orgs";
export * from "./auth";
export * from "./audit";
export * from "./email";
export * from "./jobs";
export * from "./tickets";
export * from "./kb";
