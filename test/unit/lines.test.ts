import { lineIndex } from '../../src/engine/lines';

describe('lineIndex', () => {
  const text = 'ab\ncd\n\nefg';
  const at = lineIndex(text);

  test.each([
    [0, 1, 1],
    [1, 1, 2],
    [2, 1, 3], // the newline is the last column of its line
    [3, 2, 1],
    [6, 3, 1], // an empty line
    [7, 4, 1],
    [10, 4, 4],
    [11, 4, 5], // the end of the text
  ])('offset %i is line %i, column %i', (offset, line, column) => {
    expect(at(offset)).toEqual({ line, column });
  });

  test('a text without newlines is one line; an empty text has line 1', () => {
    expect(lineIndex('SELECT 1')(7)).toEqual({ line: 1, column: 8 });
    expect(lineIndex('')(0)).toEqual({ line: 1, column: 1 });
  });

  test('a carriage return belongs to the line it ends', () => {
    expect(lineIndex('a\r\nb')(1)).toEqual({ line: 1, column: 2 });
    expect(lineIndex('a\r\nb')(3)).toEqual({ line: 2, column: 1 });
  });

  test('agrees with counting newlines at every offset of a larger text', () => {
    const big = Array.from({ length: 200 }, (_, i) => 'x'.repeat(i % 7)).join('\n');
    const lookup = lineIndex(big);
    for (let offset = 0; offset <= big.length; offset++) {
      const before = big.slice(0, offset);
      expect(lookup(offset)).toEqual({ line: before.split('\n').length, column: offset - before.lastIndexOf('\n') });
    }
  });
});
