// A read against the KV namespace that proves the binding answers.

const PROBE_KEY = "health:probe";

/** True when a read against `kv` succeeds (the key need not exist). */
export async function probeKv(kv: KVNamespace): Promise<boolean> {
  try {
    await kv.get(PROBE_KEY);
    return true;
  } catch {
    return false;
  }
}
