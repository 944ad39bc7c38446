// Tenants for browser tests, set up with SQL on the dev gateway's database (tenant routes are another
// feature's): a tenant with the given user as its OWNER.
import { runSql } from "./database.ts";

/** A new tenant named `name` whose OWNER is the user with `ownerEmail`; returns its id. */
export async function tenantOwnedBy(ownerEmail: string, name: string): Promise<string> {
  const slug = `b-${crypto.randomUUID().slice(0, 12)}`;
  const [row] = await runSql<{ id: string }>(
    `WITH t AS (INSERT INTO tenants (id, slug, name, updated_at) VALUES (gen_random_uuid(), $1, $2, now()) RETURNING id),
          m AS (INSERT INTO memberships (id, tenant_id, user_id, updated_at)
                SELECT gen_random_uuid(), t.id, u.id, now() FROM t, users u WHERE u.email = $3 RETURNING id, tenant_id)
     INSERT INTO membership_roles (membership_id, role_key) SELECT m.id, 'OWNER' FROM m RETURNING (SELECT tenant_id FROM m) AS id`,
    [slug, name, ownerEmail],
  );
  if (!row) throw new Error("tenant set-up inserted nothing");
  return row.id;
}
