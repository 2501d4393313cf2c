/**
 * Whether `work` (a transaction) finishes within `ms` while another connection holds a lock: a
 * transaction that waits for that lock reads as "waiting for the other transaction". The caller
 * releases the lock afterwards and awaits `work`, so no transaction is left behind.
 */
export function commitsWithin(
  work: Promise<unknown>,
  ms = 3_000,
): Promise<"committed" | "waiting for the other transaction"> {
  return Promise.race([
    work.then(() => "committed" as const),
    new Promise<"waiting for the other transaction">((resolve) =>
      setTimeout(() => resolve("waiting for the other transaction"), ms),
    ),
  ]);
}
