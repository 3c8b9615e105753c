import type { LedgerEntry, ProjectionWrite } from '../../workflows/lead.definitions';

/** A lead's ledger as its writes leave it: each write replaces the entries from its `ledgerFrom` on. */
export function ledgerOf(writes: readonly ProjectionWrite[], leadId?: string): LedgerEntry[] {
  let ledger: LedgerEntry[] = [];
  for (const write of writes) {
    if (leadId !== undefined && write.snapshot.leadId !== leadId) continue;
    ledger = [...ledger.slice(0, write.ledgerFrom), ...write.ledger];
  }
  return ledger;
}
