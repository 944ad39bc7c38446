// Narrow database operations on onboarding sessions: each write is one SQL statement with its audit row.
import { v7 as uuidv7 } from "uuid";
import type { Database } from "../../db/client.ts";
import { Prisma } from "../../db/generated/client.ts";
import type { ClientInfo } from "../session/service.ts";
import type { StepVerification } from "./steps.ts";

/** The user's verification status (from the account) and their onboarding session, if started. */
export type OnboardingRow = {
  emailVerified: boolean;
  phoneVerified: boolean;
  session: {
    data: Record<string, unknown>;
    completedSteps: string[];
    completedAt: Date | null;
    startedAt: Date;
  } | null;
};

type Who = { userId: string; now: Date; client: ClientInfo };

/**
 * Starts the user's session unless one exists (the unique user_id decides between concurrent starts);
 * audits `onboarding.started` only for the one that created it. True when this call created it.
 */
export async function startOnboardingSession(db: Database, input: Who & { firstStep: string }): Promise<boolean> {
  const rows = await db.$queryRaw<Array<{ id: string }>>`
    WITH created AS (
      INSERT INTO onboarding_sessions (id, user_id, current_step, completed_steps, created_at, updated_at)
      VALUES (${uuidv7()}::uuid, ${input.userId}::uuid, ${input.firstStep}, '{}'::text[], ${input.now}, ${input.now})
      ON CONFLICT (user_id) DO NOTHING
      RETURNING id, user_id
    ), audited AS (
      INSERT INTO audit_events (id, user_id, action, success, ip_hash, user_agent, metadata, created_at)
      SELECT ${uuidv7()}::uuid, created.user_id, 'onboarding.started', true, ${input.client.ipHash},
             ${input.client.userAgent}, jsonb_build_object('onboardingId', created.id), ${input.now}
      FROM created
    )
    SELECT id FROM created`;
  return rows.length > 0;
}

/** The user's verification status and onboarding session, read together. */
export async function findOnboarding(db: Database, userId: string): Promise<OnboardingRow | null> {
  const rows = await db.$queryRaw<
    Array<{
      email_verified: boolean;
      phone_verified: boolean;
      id: string | null;
      data: Record<string, unknown> | null;
      completed_steps: string[] | null;
      completed_at: Date | null;
      created_at: Date | null;
    }>
  >`
    SELECT u.email_verified_at IS NOT NULL AS email_verified, u.phone_verified_at IS NOT NULL AS phone_verified,
           o.id, o.data, o.completed_steps, o.completed_at, o.created_at
    FROM users u LEFT JOIN onboarding_sessions o ON o.user_id = u.id
    WHERE u.id = ${userId}::uuid`;
  const row = rows[0];
  if (!row) return null;
  return {
    emailVerified: row.email_verified,
    phoneVerified: row.phone_verified,
    session:
      row.id && row.created_at
        ? {
            data: row.data ?? {},
            completedSteps: row.completed_steps ?? [],
            completedAt: row.completed_at,
            startedAt: row.created_at,
          }
        : null,
  };
}

/**
 * Saves one step's data in ONE statement, so concurrent tabs never lose an update: the row lock
 * serializes writers and each re-reads the row it updates (data merged with jsonb_set, never
 * overwritten whole). The order rule is in the WHERE: the step was done before, or every step before
 * it is; so is the step's verification, read from the user. Audits `onboarding.step_completed`.
 * False when the row did not qualify (the caller reads why).
 */
export async function saveOnboardingStep(
  db: Database,
  input: Who & {
    key: string;
    dataJson: string;
    /** Every configured key in order, and those before `key`. */
    keys: string[];
    priorKeys: string[];
    requires: StepVerification | null;
  },
): Promise<boolean> {
  const { key, now, client } = input;
  const done = Prisma.raw("COALESCE(o.completed_steps, '{}'::text[])");
  const rows = await db.$queryRaw<Array<{ id: string }>>`
    WITH updated AS (
      UPDATE onboarding_sessions o SET
        data = jsonb_set(o.data, ARRAY[${key}::text], ${input.dataJson}::jsonb, true),
        completed_steps = CASE WHEN ${key}::text = ANY(${done}) THEN ${done} ELSE array_append(${done}, ${key}::text) END,
        current_step = (SELECT s.k FROM unnest(${input.keys}::text[]) WITH ORDINALITY AS s(k, i)
                        WHERE s.k <> ${key}::text AND NOT (s.k = ANY(${done})) ORDER BY s.i LIMIT 1),
        updated_at = ${now}
      WHERE o.user_id = ${input.userId}::uuid
        AND (${key}::text = ANY(${done}) OR ${input.priorKeys}::text[] <@ ${done})
        AND (${input.requires}::text IS NULL OR EXISTS (
          SELECT 1 FROM users u WHERE u.id = o.user_id
            AND CASE ${input.requires}::text WHEN 'email' THEN u.email_verified_at IS NOT NULL
                                             ELSE u.phone_verified_at IS NOT NULL END))
      RETURNING o.id, o.user_id
    ), audited AS (
      INSERT INTO audit_events (id, user_id, action, success, ip_hash, user_agent, metadata, created_at)
      SELECT ${uuidv7()}::uuid, updated.user_id, 'onboarding.step_completed', true, ${client.ipHash},
             ${client.userAgent}, jsonb_build_object('onboardingId', updated.id, 'step', ${key}::text), ${now}
      FROM updated
    )
    SELECT id FROM updated`;
  return rows.length > 0;
}

/**
 * Marks the session completed in one statement, only while every configured step is done and every
 * verification a step requires still holds; audits `onboarding.completed`. False otherwise (and when
 * it was completed before).
 */
export async function markOnboardingCompleted(
  db: Database,
  input: Who & { keys: string[]; needsEmail: boolean; needsPhone: boolean },
): Promise<boolean> {
  const rows = await db.$queryRaw<Array<{ id: string }>>`
    WITH completed AS (
      UPDATE onboarding_sessions o SET completed_at = ${input.now}, current_step = NULL, updated_at = ${input.now}
      WHERE o.user_id = ${input.userId}::uuid AND o.completed_at IS NULL
        AND ${input.keys}::text[] <@ COALESCE(o.completed_steps, '{}'::text[])
        AND EXISTS (SELECT 1 FROM users u WHERE u.id = o.user_id
          AND (NOT ${input.needsEmail}::boolean OR u.email_verified_at IS NOT NULL)
          AND (NOT ${input.needsPhone}::boolean OR u.phone_verified_at IS NOT NULL))
      RETURNING o.id, o.user_id
    ), audited AS (
      INSERT INTO audit_events (id, user_id, action, success, ip_hash, user_agent, metadata, created_at)
      SELECT ${uuidv7()}::uuid, completed.user_id, 'onboarding.completed', true, ${input.client.ipHash},
             ${input.client.userAgent}, jsonb_build_object('onboardingId', completed.id), ${input.now}
      FROM completed
    )
    SELECT id FROM completed`;
  return rows.length > 0;
}
