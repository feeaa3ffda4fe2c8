import { useId } from "react";
import { useNavigation } from "react-router";
import type { FormFailure } from "~/lib/forms";

/** A labelled input with hint and error, wired for screen readers (aria-invalid, aria-describedby). */
export function Field({
  label,
  name,
  type = "text",
  error,
  hint,
  defaultValue,
  required,
  autoComplete,
  children,
  ...rest
}: {
  label: string;
  name: string;
  type?: string;
  error?: string;
  hint?: string;
  defaultValue?: string;
  required?: boolean;
  autoComplete?: string;
  children?: React.ReactNode;
} & Omit<React.InputHTMLAttributes<HTMLInputElement>, "name" | "type" | "defaultValue" | "children">) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children ?? (
        <input
          id={id}
          name={name}
          type={type}
          defaultValue={defaultValue}
          required={required}
          autoComplete={autoComplete}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          {...rest}
        />
      )}
      {hint ? (
        <span className="hint" id={hintId}>
          {hint}
        </span>
      ) : null}
      {error ? (
        <span className="error" id={errorId}>
          {error}
        </span>
      ) : null}
    </div>
  );
}

/** A select with the same label/error wiring as Field. */
export function SelectField({
  label,
  name,
  options,
  error,
  hint,
  defaultValue,
}: {
  label: string;
  name: string;
  options: { value: string; label: string }[];
  error?: string;
  hint?: string;
  defaultValue?: string;
}) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        name={name}
        defaultValue={defaultValue}
        aria-invalid={error ? true : undefined}
        aria-describedby={[hintId, errorId].filter(Boolean).join(" ") || undefined}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {hint ? (
        <span className="hint" id={hintId}>
          {hint}
        </span>
      ) : null}
      {error ? (
        <span className="error" id={errorId}>
          {error}
        </span>
      ) : null}
    </div>
  );
}

export function FormError({ failure }: { failure: FormFailure | undefined | null }) {
  if (!failure?.formError) return null;
  return (
    <div className="alert alert-error" role="alert">
      {failure.formError}
    </div>
  );
}

/** A submit button that shows a pending state while its form is submitting. */
export function SubmitButton({
  children,
  pendingText,
  className = "btn",
  name,
  value,
}: {
  children: React.ReactNode;
  pendingText?: string;
  className?: string;
  name?: string;
  value?: string;
}) {
  const navigation = useNavigation();
  const pending = navigation.state === "submitting" && (!name || navigation.formData?.get(name) === value);
  return (
    <button type="submit" className={className} name={name} value={value} disabled={pending} aria-disabled={pending || undefined}>
      {pending && pendingText ? pendingText : children}
    </button>
  );
}
