/**
 * Who a lead is, as people say it: name, company, job title and email from the lead's
 * attributes. The sales queue (served by the API) and the lead screens read it the same way.
 */
export interface Person {
  /** First and last name, as given. */
  name?: string;
  company?: string;
  title?: string;
  email?: string;
}

/** The lead attributes a person is read from. */
export const PERSON_ATTRIBUTES = ['firstName', 'lastName', 'email', 'title', 'company'] as const;

/** The person in `attributes`: each field only when the lead has it (blank text counts as none). */
export function personOf(attributes: Partial<Record<string, unknown>> | undefined): Person {
  const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
  const name = [text(attributes?.firstName), text(attributes?.lastName)].filter(Boolean).join(' ');
  const company = text(attributes?.company);
  const title = text(attributes?.title);
  const email = text(attributes?.email);
  return { ...(name && { name }), ...(company && { company }), ...(title && { title }), ...(email && { email }) };
}

/** How to call the lead in a title or a message: the name, else the email, else the lead's id. */
export function personLabel(person: Person, leadId: string): string {
  return person.name ?? person.email ?? leadId;
}
