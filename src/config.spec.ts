/**
 * The shape of one configuration key's definition (config.keys.ts and the
 * contract-specific ones beside it, such as config.keys.portone.ts).
 */
import type { Reader } from './config.readers.js';

export interface KeySpec<T = unknown, F extends string | undefined = string | undefined> {
  readonly default: T;
  /** Said in the error message when a value is refused. */
  readonly allowed: string;
  readonly read: Reader<T>;
  readonly help: string;
  /**
   * The key's field in the Config, when it is not the key's last part in
   * camelCase: a unit the key leaves unsaid (`timeout` → `timeoutMs`), or
   * a list under a singular key (`secret` → `secrets`).
   */
  readonly field: F;
}

export const HOUR = 3_600_000;

/** A key's name is the property it is stored under in KEYS, and nowhere else. */
export function spec<T, F extends string | undefined = undefined>(
  def: T,
  allowed: string,
  read: Reader<T>,
  help: string,
  field?: F,
): KeySpec<T, F> {
  return { default: def, allowed, read, help, field: field as F };
}
