import { ValidationError } from "../errors.js";

/** Opaque keyset cursor: the last row's sort value and id. Pages stay stable while rows are added. */
export interface CursorPosition {
  value: string | number;
  id: string;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.value, position.id])).toString("base64url");
}

export function decodeCursor(cursor: string): CursorPosition {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (
      Array.isArray(decoded) &&
      decoded.length === 2 &&
      (typeof decoded[0] === "string" || typeof decoded[0] === "number") &&
      typeof decoded[1] === "string"
    ) {
      return { value: decoded[0], id: decoded[1] };
    }
  } catch {
    // fall through to the validation error below
  }
  throw ValidationError.field("cursor", "is not a cursor this API returned");
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
