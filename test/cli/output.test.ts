/** The output rules every command follows, with stand-in streams for a terminal and a pipe. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { unifiedDiff } from '../../cli/diff';
import { formatTable, Output, OutputSettings } from '../../cli/output';
import { tempDir } from '../support/harness';

function streams(tty: boolean) {
  const make = () => {
    const chunks: string[] = [];
    return { isTTY: tty, chunks, write: (t: string) => chunks.push(t), text: () => chunks.join('') };
  };
  return { stdout: make(), stderr: make() };
}

function output(settings: OutputSettings, tty: boolean, env: NodeJS.ProcessEnv = {}) {
  const s = streams(tty);
  return { out: new Output(settings, s.stdout, s.stderr, env), ...s };
}

test('colour only on a terminal, and not with NO_COLOR or --no-color', () => {
  const paint = (o: Output) => o.out.red('x');
  expect(paint(output({}, true).out)).toBe('\u001b[31mx\u001b[0m');
  expect(paint(output({}, false).out)).toBe('x');
  expect(paint(output({}, true, { NO_COLOR: '1' }).out)).toBe('x');
  expect(paint(output({ color: false }, true).out)).toBe('x');
});

test('progress is shown on a terminal only, and cleared before the next line', () => {
  const tty = output({}, true);
  tty.out.progress('applying...');
  tty.out.info('applied  0001');
  expect(tty.stderr.text()).toBe('\r\u001b[K\u001b[2mapplying...\u001b[0m\r\u001b[K');
  expect(tty.stdout.text()).toBe('applied  0001\n');

  const pipe = output({}, false);
  pipe.out.progress('applying...');
  pipe.out.info('applied  0001');
  expect(pipe.stderr.text()).toBe('');
});

test('--quiet keeps results and errors; --verbose adds details', () => {
  const quiet = output({ quiet: true, verbose: true }, false);
  quiet.out.result('result');
  quiet.out.info('summary');
  quiet.out.notice('notice');
  quiet.out.warn('careful');
  quiet.out.detail('retry');
  quiet.out.error('broken');
  expect(quiet.stdout.text()).toBe('result\n');
  expect(quiet.stderr.text()).toBe('error: broken\n');

  const verbose = output({ verbose: true }, false);
  verbose.out.detail('retry: code=40001');
  verbose.out.warn('careful');
  expect(verbose.stderr.text()).toBe('retry: code=40001\nwarning: careful\n');
  const normal = output({}, false);
  normal.out.detail('retry');
  expect(normal.stderr.text()).toBe('');
});

test('tables align on the text, not on colour codes', () => {
  const colours = output({}, true).out.out;
  const table = formatTable(['VERSION', 'STATE'], [['0001', { text: 'applied', style: 'green' }], ['0002', 'pending']], colours);
  // eslint-disable-next-line no-control-regex
  expect(table.replace(/\u001b\[\d+m/g, '')).toBe('VERSION  STATE\n0001     applied\n0002     pending');
});

describe('unified diff', () => {
  test('applies with patch(1) for random edits, including a missing final newline', () => {
    const dir = tempDir('cli-diff');
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 25; round++) {
      const before = Array.from({ length: 1 + random(30) }, (_, i) => `line ${i} ${random(3)}`);
      const after = [...before];
      for (let edits = 1 + random(4); edits > 0; edits--) {
        const at = random(after.length + 1);
        const kind = random(3);
        if (kind === 0) after.splice(at, 0, `inserted ${round}.${edits}`);
        else if (kind === 1 && after.length > 1) after.splice(Math.min(at, after.length - 1), 1);
        else after.splice(Math.min(at, after.length - 1), 1, `changed ${round}.${edits}`);
      }
      const a = before.join('\n') + (random(4) === 0 ? '' : '\n');
      const b = after.join('\n') + (random(4) === 0 ? '' : '\n');
      fs.writeFileSync(path.join(dir, 'file.sql'), a);
      const diff = unifiedDiff(a, b, 'a/file.sql', 'b/file.sql');
      if (a === b) {
        expect(diff).toBe('');
        continue;
      }
      const patch = spawnSync('patch', ['-p1', '--quiet'], { cwd: dir, input: diff, encoding: 'utf8' });
      expect({ round, status: patch.status, stderr: patch.stderr }).toEqual({ round, status: 0, stderr: '' });
      expect(fs.readFileSync(path.join(dir, 'file.sql'), 'utf8')).toBe(b);
    }
  });

  test('hunks carry three lines of context and the ranges diff -u writes', () => {
    const a = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'].join('\n') + '\n';
    const b = a.replace('2\n', '2b\n').replace('11\n', '');
    expect(unifiedDiff(a, b, 'a/f', 'b/f')).toBe(
      ['--- a/f', '+++ b/f', '@@ -1,5 +1,5 @@', ' 1', '-2', '+2b', ' 3', ' 4', ' 5', '@@ -8,5 +8,4 @@', ' 8', ' 9', ' 10', '-11', ' 12', ''].join('\n'),
    );
  });
});
