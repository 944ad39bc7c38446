// The built-in role catalogue (seeded by `npm run db:seed`) and the shape of a role key. Pure code with
// no Worker APIs: the seed script imports it in Node.

export type RoleScope = "PLATFORM" | "TENANT";

export type CatalogueRole = { key: string; scope: RoleScope; description: string };

export const PLATFORM_ADMIN = "PLATFORM_ADMIN";
export const OWNER = "OWNER";
export const STAFF = "STAFF";
export const CUSTOMER = "CUSTOMER";

/** Seeded on every `npm run db:seed`; operators add their own rows beside them. */
export const BUILT_IN_ROLES: readonly CatalogueRole[] = [
  { key: PLATFORM_ADMIN, scope: "PLATFORM", description: "Runs the service: the admin API and console." },
  { key: OWNER, scope: "TENANT", description: "Manages the tenant: members, roles and invitations." },
  { key: STAFF, scope: "TENANT", description: "Works in the tenant." },
  { key: CUSTOMER, scope: "TENANT", description: "A customer of the tenant." },
];

/** Upper snake case, 2 to 64 characters: what tokens, X-Auth-Roles and route policies carry. */
export const ROLE_KEY_PATTERN = /^[A-Z][A-Z0-9_]{1,63}$/;
