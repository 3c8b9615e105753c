/** What an API key may do. Admin may do everything; the others what each operation's `roles` grant. */
export const ROLES = ['admin', 'marketing', 'reviewer', 'sales', 'ingest'] as const;
export type Role = (typeof ROLES)[number];
