import { data } from "react-router";
import { TicketError } from "./tickets.server";

/** Turns a TicketError into the HTTP answer the error boundary understands. */
export function rethrowTicketError(error: unknown): never {
  if (error instanceof TicketError) throw data({ message: error.message }, { status: error.status });
  throw error;
}

export function parseTicketNumber(value: string | undefined): number {
  const n = Number(value);
  if (!value || !/^\d{1,9}$/.test(value) || !Number.isSafeInteger(n)) throw data({ message: "Ticket not found" }, { status: 404 });
  return n;
}
