import { asyncObjectOf } from '../src/engine/async-jobs';
import { changesRole, isSessionSetting, settingResets } from '../src/engine/session-settings';

const resets = (...statements: string[]) => settingResets(statements.map((text) => ({ text })));

describe('settingResets: what ends a file\'s session settings', () => {
  test.each([
    ['SET search_path = app', ['RESET search_path']],
    ['SET SESSION search_path TO app, public', ['RESET search_path']],
    ["SET TIME ZONE 'Asia/Tokyo'", ['RESET TIME ZONE']],
    ['SET ROLE app_owner', ['RESET ROLE']],
    ['SET SESSION AUTHORIZATION app_owner', ['RESET SESSION AUTHORIZATION']],
    ["SET app.tenant = 'x'", ['RESET app.tenant']],
    ["SET SCHEMA 'app'", ['RESET search_path']],
    ["SELECT pg_catalog.set_config('search_path', '', false)", ['RESET search_path']],
    ['SELECT set_config(name, value, false) FROM settings', ['RESET ALL']],
    ['SET LOCAL search_path = app', []],
    ['SET TRANSACTION ISOLATION LEVEL SERIALIZABLE', []],
    ['SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY', []],
    ['SET CONSTRAINTS ALL DEFERRED', []],
    ['CREATE TABLE t (id INT PRIMARY KEY)', []],
  ])('%s', (statement, expected) => {
    expect(resets(statement)).toEqual(expected);
  });

  test('each setting is reset once, whatever the number of statements', () => {
    expect(resets('SET search_path = a', 'CREATE TABLE t (id INT)', 'SET search_path = b', 'SET ROLE r')).toEqual(['RESET search_path', 'RESET ROLE']);
  });

  test('role changes and pure settings are told apart', () => {
    expect(changesRole('SET ROLE r')).toBe(true);
    expect(changesRole("SELECT set_config('role', 'r', false)")).toBe(true);
    expect(changesRole('SET search_path = a')).toBe(false);
    expect(isSessionSetting("SELECT pg_catalog.set_config('search_path', '', false)")).toBe(true);
    expect(isSessionSetting('SELECT 1')).toBe(false);
    expect(isSessionSetting('SET search_path = a')).toBe(true);
  });
});

describe('asyncObjectOf: the object of a DSQL async statement', () => {
  test.each([
    ['CREATE UNIQUE INDEX ASYNC IF NOT EXISTS users_email_uq ON users (email)', { kind: 'index', name: 'users_email_uq' }],
    ['-- note\nCREATE INDEX ASYNC "Orders_Idx" ON app.orders (id)', { kind: 'index', name: 'app.Orders_Idx' }],
    ['ALTER TABLE ASYNC app.orders VALIDATE CONSTRAINT orders_fk', { kind: 'constraint', name: 'app.orders_fk' }],
    ['CREATE INDEX ASYNC ON users (email)', undefined],
    ['CREATE INDEX users_idx ON users (email)', undefined],
  ])('%s', (statement, expected) => {
    expect(asyncObjectOf(statement)).toEqual(expected);
  });
});
