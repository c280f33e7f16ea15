import { blankComments, skipTrivia, stripLeadingTrivia } from '../../src/engine/lexical';
import { splitStatements } from '../../src/engine/splitter';
import { tokenize } from '../../src/lint/tokenize';

describe('skipTrivia', () => {
  test.each([
    ['SELECT 1', 0, 0],
    ['  \t\r\n\f\vSELECT', 0, 7],
    ['-- a\nSELECT', 0, 5],
    ['-- only a comment', 0, 17],
    ['/* a /* b */ c */ SELECT', 0, 18],
    ['/* never closed /* */ SELECT', 0, 28],
    ['SELECT 1 /* x */ ;', 8, 17],
  ])('%j from %i stops at %i', (sql, from, to) => {
    expect(skipTrivia(sql, from)).toBe(to);
  });

  test('stripLeadingTrivia keeps everything from the first token on', () => {
    expect(stripLeadingTrivia('-- why\n/* a /* b */ c */\nCREATE TABLE t (id INT) -- end')).toBe('CREATE TABLE t (id INT) -- end');
  });
});

describe('blankComments', () => {
  test.each([
    ['SELECT 1 -- one\n, 2', 'SELECT 1  \n, 2'],
    ['SELECT /* a /* b */ c */ 1', 'SELECT   1'],
    ["SELECT '-- not a comment', \"/* nor */\", $$ -- body $$", "SELECT '-- not a comment', \"/* nor */\", $$ -- body $$"],
    ["SELECT E'\\' -- still a string' -- a comment", "SELECT E'\\' -- still a string'  "],
  ])('%j', (sql, expected) => {
    expect(blankComments(sql)).toBe(expected);
  });
});

describe('the splitter and the lint tokenizer read comments alike', () => {
  test('a nested comment with a semicolon and a quote in it is skipped by both', () => {
    const sql = "SELECT 1 /* a /* b; ' */ c; */ + 2;";
    expect(splitStatements(sql).statements.map((s) => s.text)).toEqual(["SELECT 1 /* a /* b; ' */ c; */ + 2"]);
    expect(tokenize(sql).map((t) => t.text)).toEqual(['SELECT', '1', '+', '2', ';']);
  });
});
