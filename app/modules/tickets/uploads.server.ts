import { data } from "react-router";
import { ATTACHMENT_MAX_BYTES, ATTACHMENT_MAX_COUNT, attachmentProblem } from "./model";
import type { UploadedFile } from "./tickets.server";

const MAX_BODY_BYTES = ATTACHMENT_MAX_BYTES * ATTACHMENT_MAX_COUNT + 1024 * 1024;

/** Refuses an oversized body before buffering it (413), then reads the form. */
export async function readTicketForm(request: Request): Promise<FormData> {
  const length = Number(request.headers.get("content-length") ?? "0");
  if (length > MAX_BODY_BYTES) throw data({ message: "The upload is too large (at most 5 files of 10 MB)." }, { status: 413 });
  try {
    return await request.formData();
  } catch {
    throw data({ message: "The request body is not a valid form." }, { status: 400 });
  }
}

/** The files of a form field, checked against the type allowlist and the size limit. */
export async function filesFrom(form: FormData, field = "attachments"): Promise<{ files: UploadedFile[]; error: string | null }> {
  const entries = form.getAll(field).filter((v): v is File => typeof v === "object" && v !== null && "arrayBuffer" in v && v.size > 0);
  if (entries.length > ATTACHMENT_MAX_COUNT) return { files: [], error: `Attach at most ${ATTACHMENT_MAX_COUNT} files.` };
  const files: UploadedFile[] = [];
  for (const file of entries) {
    const problem = attachmentProblem({ name: file.name, type: file.type || "application/octet-stream", size: file.size });
    if (problem) return { files: [], error: problem };
    files.push({ name: file.name, type: file.type, bytes: Buffer.from(await file.arrayBuffer()) });
  }
  return { files, error: null };
}
