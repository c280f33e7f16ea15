import {
  parseParameterOptions, placeholdersIn, redactParameters, substituteParameters, unknownParameters, UnknownParameterError, unusedParameters,
} from '../../src/engine/parameters';

const values = { appRoleArn: 'arn:aws:iam::123456789012:role/app', env: 'prod' };

describe('parameter substitution', () => {
  test('replaces a placeholder with its value as text, quoting nothing', () => {
    expect(substituteParameters("AWS IAM GRANT app TO '${{ appRoleArn }}'", values)).toBe("AWS IAM GRANT app TO 'arn:aws:iam::123456789012:role/app'");
    expect(substituteParameters('CREATE SCHEMA ${{env}}', values)).toBe('CREATE SCHEMA prod');
  });

  test.each([
    ['a string literal', "SELECT '${{ env }}'", "SELECT 'prod'"],
    ['an escape string', "SELECT E'a\\'${{ env }}'", "SELECT E'a\\'prod'"],
    ['a quoted identifier', 'CREATE TABLE "t_${{ env }}" (id int)', 'CREATE TABLE "t_prod" (id int)'],
    ['a dollar-quoted body', "CREATE FUNCTION f() RETURNS text AS $fn$ SELECT '${{ env }}' $fn$ LANGUAGE sql", "CREATE FUNCTION f() RETURNS text AS $fn$ SELECT 'prod' $fn$ LANGUAGE sql"],
  ])('substitutes inside %s', (_where, sql, expected) => {
    expect(substituteParameters(sql, values)).toBe(expected);
  });

  test.each([
    ['a line comment', 'SELECT 1 -- ${{ missing }}\n'],
    ['a block comment', 'SELECT /* ${{ missing }} /* nested */ */ 1'],
  ])('leaves placeholders in %s alone, and does not ask for their value', (_where, sql) => {
    expect(substituteParameters(sql, {})).toBe(sql);
    expect(placeholdersIn(sql)).toEqual([]);
  });

  test('a comment marker inside a string does not hide the placeholder after it', () => {
    expect(substituteParameters("SELECT '--', '${{ env }}'", values)).toBe("SELECT '--', 'prod'");
  });

  test('dollar quotes, positional parameters, psql variables and array literals are not placeholders', () => {
    const sql = "SELECT $1, $$x$$, :name, :'name', '{{1,2},{3,4}}', '{{a}}', '${a}'";
    expect(placeholdersIn(sql)).toEqual([]);
    expect(substituteParameters(sql, {})).toBe(sql);
  });

  test('a placeholder with no value throws, naming it and not the values', () => {
    expect(() => substituteParameters('SELECT ${{ other }}', values)).toThrow(UnknownParameterError);
    expect(() => substituteParameters('SELECT ${{ other }}', values)).toThrow(/\$\{\{ other \}\} has no value/);
    expect(() => substituteParameters('SELECT ${{ toString }}', {})).toThrow(/toString/);
  });

  test('unknown placeholders are reported with their line and column', () => {
    expect(unknownParameters("SELECT 1;\n  INSERT INTO t VALUES ('${{ env }}', '${{ region }}');", ['env'])).toEqual([
      { name: 'region', line: 2, column: 40 },
    ]);
  });

  test('unused parameters are the given names that no file uses outside comments', () => {
    expect(unusedParameters(['SELECT ${{ env }}', '-- ${{ appRoleArn }}\nSELECT 1'], ['env', 'appRoleArn'])).toEqual(['appRoleArn']);
  });

  test('redaction puts placeholders back in place of values', () => {
    expect(redactParameters('role "arn:aws:iam::123456789012:role/app" does not exist in prod', values))
      .toBe('role "${{ appRoleArn }}" does not exist in ${{ env }}');
  });

  test('--param options parse into values; the value may hold = and be empty', () => {
    expect(parseParameterOptions(['a=b=c', 'empty=', 'x_1=arn:aws'])).toEqual({ a: 'b=c', empty: '', x_1: 'arn:aws' });
    expect(() => parseParameterOptions(['novalue'])).toThrow(/name=value/);
    expect(() => parseParameterOptions(['1x=y'])).toThrow(/name=value/);
  });
});
