/**
 * PostgreSQL's write-ahead log positions (`pg_lsn`, written "16/B374D848"): how far the primary has
 * written and a replica has replayed. Pure, so the read routing's decisions are tested without a server.
 */
export type WalPosition = string;

const walPositionPattern = /^([0-9A-F]{1,8})\/([0-9A-F]{1,8})$/i;

export function isWalPosition(text: string): text is WalPosition {
  return walPositionPattern.test(text);
}

function walOffset(position: WalPosition): bigint {
  const match = walPositionPattern.exec(position);
  if (!match?.[1] || !match[2]) throw new Error(`"${position}" is not a write-ahead log position`);
  return (BigInt(`0x${match[1]}`) << 32n) | BigInt(`0x${match[2]}`);
}

/** Whether a replica that has replayed up to `replayed` holds everything written up to `written`. */
export function hasReplayed(replayed: WalPosition, written: WalPosition): boolean {
  return walOffset(replayed) >= walOffset(written);
}

/** The later of two positions: a client may carry one from another process and this process know a later one. */
export function laterOf(a: WalPosition | undefined, b: WalPosition | undefined): WalPosition | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return hasReplayed(a, b) ? a : b;
}
