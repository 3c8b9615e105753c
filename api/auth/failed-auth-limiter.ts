/**
 * Slows down a client that keeps presenting keys that do not work: after `failures` refused keys
 * within `windowSeconds`, every request of that client that presents a key gets 429 with
 * `Retry-After` until the oldest failure leaves the window. Counted per client address, in this
 * process's memory (a restart forgets); requests without a key are not counted.
 */
export const AUTH_FAILURE_LIMIT = { failures: 10, windowSeconds: 60 } as const;

/** Clients remembered before expired ones are swept out. */
const SWEEP_AT = 10_000;

export interface FailedAuthLimiter {
  /** Seconds the client must wait before a key of its is checked again; 0 when it need not. */
  retryAfter(client: string): number;
  /** Counts a refused key of the client. */
  failed(client: string): void;
}

export function createFailedAuthLimiter(limit: { failures: number; windowSeconds: number } = AUTH_FAILURE_LIMIT, now: () => number = Date.now): FailedAuthLimiter {
  const windowMs = limit.windowSeconds * 1000;
  const failures = new Map<string, number[]>();
  const recent = (client: string): number[] => {
    const since = now() - windowMs;
    const kept = (failures.get(client) ?? []).filter((at) => at > since);
    if (kept.length > 0) failures.set(client, kept);
    else failures.delete(client);
    return kept;
  };
  return {
    retryAfter(client) {
      const kept = recent(client);
      if (kept.length < limit.failures) return 0;
      // Waiting until the oldest failure in the window expires brings the count under the limit.
      const oldest = kept[kept.length - limit.failures]!;
      return Math.max(1, Math.ceil((oldest + windowMs - now()) / 1000));
    },
    failed(client) {
      if (failures.size >= SWEEP_AT) for (const known of [...failures.keys()]) recent(known);
      failures.set(client, [...recent(client), now()]);
    },
  };
}
