/**
 * Texts the hot paths run again and again, sent to PostgreSQL as named
 * prepared statements: each connection parses and analyzes such a text once
 * (an unnamed statement is parsed and analyzed on every run — a tenth of the
 * PostgreSQL server's CPU per payment in a profile of the end-to-end
 * benchmark), and after five runs may keep one generic plan for it. Only
 * fixed texts whose plan cannot go stale are registered (see bulk.sql.ts),
 * so each connection holds a small, bounded set. SQLite keeps its own
 * statement cache and ignores this.
 */
const names = new Map<string, string>();

/** Registers `text` as a prepared statement's (once) and returns it. */
export function prepared(text: string): string {
  if (!names.has(text)) names.set(text, `hamster_${names.size + 1}`);
  return text;
}

/** The name `text` is prepared under, if it was registered. */
export function preparedName(text: string): string | undefined {
  return names.get(text);
}
