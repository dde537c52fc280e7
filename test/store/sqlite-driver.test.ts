/**
 * The SQLite driver reads rows as arrays and builds the objects itself (see
 * sqlite.driver.ts): the objects must be exactly better-sqlite3's own, on a
 * real database file, through a schema change.
 */
import BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery } from 'kysely';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database.js';
import { tempDir } from '../setup/tmp.js';

let database: Database | null = null;
const dir = tempDir();
afterEach(async () => {
  await database?.close();
  database = null;
});
afterAll(() => dir.remove());

const run = async (db: Database, sql: string, params: unknown[] = []) => (await db.db.executeQuery(CompiledQuery.raw(sql, params))).rows;

describe('SQLite driver rows', () => {
  it('are the objects better-sqlite3 makes: names, values, types, duplicate names', async () => {
    const file = `${dir.path}/rows.db`;
    database = openDatabase(file);
    await run(database, 'create table t (id integer primary key, name text, amount real, note text, big integer)');
    await run(database, 'insert into t (name, amount, note, big) values (?, ?, ?, ?), (?, ?, ?, ?)', ['a', 1.5, null, 2 ** 40, 'b', 2, 'x', -1]);
    const queries = [
      'select * from t order by id',
      'select t.id, u.id, u.name from t join t as u on u.id = t.id order by t.id',
      'select count(*) as n, sum(amount) from t',
    ];
    const plain = new BetterSqlite3(file);
    try {
      for (const sql of queries) {
        const ours = await run(database, sql);
        const theirs = plain.prepare(sql).all();
        expect(ours, sql).toEqual(theirs);
        for (const row of ours) expect(Object.getPrototypeOf(row), sql).toBe(Object.prototype);
      }
      const [inserted] = await run(database, 'insert into t (name, amount) values (?, ?) returning *', ['c', 3]);
      expect(inserted).toEqual({ id: 3, name: 'c', amount: 3, note: null, big: null });
      // A column named __proto__ stays a column (better-sqlite3 would try to set the prototype with it).
      const [odd] = await run(database, 'select id, name as "__proto__" from t order by id');
      expect(Object.getPrototypeOf(odd)).toBe(Object.prototype);
      expect(Object.entries(odd as object)).toEqual([['id', 1], ['__proto__', 'a']]);
    } finally {
      plain.close();
    }
  });

  it('follow a schema change under a statement it had already prepared', async () => {
    database = openDatabase(`${dir.path}/schema.db`);
    await run(database, 'create table t (id integer primary key, a text)');
    await run(database, "insert into t (a) values ('x')");
    expect(await run(database, 'select * from t')).toEqual([{ id: 1, a: 'x' }]);
    await run(database, "alter table t add column b text default 'y'");
    expect(await run(database, 'select * from t')).toEqual([{ id: 1, a: 'x', b: 'y' }]);
  });
});
