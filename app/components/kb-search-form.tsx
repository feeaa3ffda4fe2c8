import { Form } from "react-router";

/** The help-center search box (a GET form: works without JavaScript). */
export function KbSearchForm({ defaultValue = "", large = false, id = "help-search" }: { defaultValue?: string; large?: boolean; id?: string }) {
  return (
    <Form method="get" action="/help/search" role="search" className={large ? "kb-search kb-search-large" : "kb-search"}>
      <label htmlFor={id} className="visually-hidden">
        Search the help center
      </label>
      <input id={id} type="search" name="q" defaultValue={defaultValue} placeholder='Search articles, e.g. "export csv" or sso -okta' maxLength={200} />
      <button type="submit" className="btn">
        Search
      </button>
    </Form>
  );
}
