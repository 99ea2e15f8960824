import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../src/csv.js';
import { expectSpecError, tempDir } from './helpers.js';

const dir = tempDir();
const write = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('readCsv', () => {
  it('reads rows as columns (n × d file → d × n matrix) without a header', async () => {
    const p = write('plain.csv', '1,2,3\n4,5,6\n\n7,8,9.5e-1\n');
    const c = await readCsv(p);
    expect(c.X.rows).toBe(3);
    expect(c.X.cols).toBe(3);
    // X[p][i] = file row i, column p.
    expect(Array.from(c.X.data)).toEqual([1, 4, 7, 2, 5, 8, 3, 6, 0.95]);
    expect(c.columns).toBeUndefined();
  });

  it('detects a header, takes the label column by name or index, and stops after n rows', async () => {
    const p = write('head.csv', 'a,label,b\n0.5,1,2\n1.5,0,3\n2.5,1,4\n');
    const byName = await readCsv(p, { labelColumn: 'label' });
    expect(byName.columns).toEqual(['a', 'b']);
    expect(Array.from(byName.labels!)).toEqual([1, 0, 1]);
    expect(Array.from(byName.X.data)).toEqual([0.5, 1.5, 2.5, 2, 3, 4]);
    const byIndex = await readCsv(p, { labelColumn: 1, n: 2 });
    expect(Array.from(byIndex.labels!)).toEqual([1, 0]);
    expect(Array.from(byIndex.X.data)).toEqual([0.5, 1.5, 2, 3]);
    const last = await readCsv(write('last.csv', '1,2,7\n3,4,8\n'), { labelColumn: -1, header: false });
    expect(Array.from(last.labels!)).toEqual([7, 8]);
  });

  it('reads gzip-compressed CSV', async () => {
    const p = join(dir, 'z.csv.gz');
    writeFileSync(p, gzipSync('1,2\n3,4\n'));
    expect(Array.from((await readCsv(p)).X.data)).toEqual([1, 3, 2, 4]);
  });

  it('reports bad input as E_DATA naming file, line and column', async () => {
    await expectSpecError(readCsv(join(dir, 'missing.csv')), 'E_DATA', /file not found/, /missing\.csv/);
    const word = write('word.csv', 'x,y\n1,2\n3,abc\n');
    await expectSpecError(readCsv(word), 'E_DATA', /word\.csv: line 3, column 2 \("y"\): "abc" is not a number/);
    await expectSpecError(
      readCsv(write('empty-cell.csv', '1,2\n3,\n'), { header: false }),
      'E_DATA',
      /line 2, column 2: "" is not a number/,
    );
    await expectSpecError(readCsv(write('nan.csv', '1,2\n3,NaN\n')), 'E_DATA', /line 2, column 2: "NaN" is not finite/);
    await expectSpecError(
      readCsv(write('inf.csv', '1,2\n-inf,4\n')),
      'E_DATA',
      /line 2, column 1: "-inf" is not finite/,
    );
    await expectSpecError(
      readCsv(write('hex.csv', '1,2\n0x1f,4\n'), { header: false }),
      'E_DATA',
      /"0x1f" is not a number/,
    );
    await expectSpecError(readCsv(write('ragged.csv', '1,2\n3\n')), 'E_DATA', /line 2 has 1 cells, expected 2/);
    await expectSpecError(
      readCsv(write('three.csv', '1\n2\n3\n'), { n: 4 }),
      'E_DATA',
      /asked for 4 samples but it holds only 3/,
    );
    await expectSpecError(
      readCsv(write('lab.csv', 'a,b\n1,2\n'), { labelColumn: 'c' }),
      'E_DATA',
      /no label column named "c"/,
    );
    await expectSpecError(
      readCsv(write('lab2.csv', '1,2\n'), { labelColumn: 5 }),
      'E_INPUT',
      /label column 5 is outside the 2 columns/,
    );
  });
});
