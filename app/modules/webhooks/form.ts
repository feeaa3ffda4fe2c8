// Form helpers shared by the webhook admin routes (plain module: no I/O).

/**
 * The form as it is echoed back after a refusal: the checked events joined by commas under
 * `events`, since a failure keeps one value per field.
 */
export function echoForm(form: FormData): FormData {
  const echo = new FormData();
  for (const [key, value] of form.entries()) if (key !== "events" && typeof value === "string") echo.append(key, value);
  echo.set("events", form.getAll("events").filter((v) => typeof v === "string").join(","));
  return echo;
}
