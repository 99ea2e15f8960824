import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../src/csv.js';
import { tempDir } from './helpers.js';
import { expectSpecErrorAsync } from '@spec/testing';

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

  it('reads quoted fields, CRLF line ends, a UTF-8 BOM and a quoted header (csv-parse)', async () => {
    const p = write('quoted.csv', '\uFEFF"a","b, with comma",label\r\n"1.5",2,0\r\n" 3 ","4e1",1\r\n');
    const c = await readCsv(p, { labelColumn: 'label' });
    expect(c.columns).toEqual(['a', 'b, with comma']);
    expect(Array.from(c.X.data)).toEqual([1.5, 3, 2, 40]);
    expect(Array.from(c.labels!)).toEqual([0, 1]);
    // A decimal comma inside quotes is one cell, and not a number.
    await expectSpecErrorAsync(
      readCsv(write('comma.csv', '"1,5",2\n3,4\n')),
      'E_DATA',
      /line 1 is neither a header .*"1,5"/,
    );
    await expectSpecErrorAsync(
      readCsv(write('comma2.csv', '1,2\n"1,5",2\n')),
      'E_DATA',
      /line 2, column 1: "1,5" is not a number/,
    );
  });

  it('takes a header only when every cell of the first row is text (or when told)', async () => {
    await expectSpecErrorAsync(
      readCsv(write('mixed.csv', '1,x,3\n4,5,6\n')),
      'E_DATA',
      /line 1 is neither a header \(every cell text\) nor a row of numbers: column 2, "x"/,
    );
    const told = await readCsv(write('numeric-names.csv', '0,1\n5,6\n'), { header: true });
    expect(told.columns).toEqual(['0', '1']);
    expect(told.available).toBe(1);
    const forced = write('data-first.csv', 'a,b\n1,2\n');
    await expectSpecErrorAsync(readCsv(forced, { header: false }), 'E_DATA', /line 1, column 1: "a" is not a number/);
  });

  it('checks the whole file even when n rows are asked for: damage after them is E_DATA', async () => {
    const body = Array.from({ length: 50 }, (_, i) => `${i},${i + 1}`).join('\n');
    const p = write('cut.csv', `${body}\n51,`); // the last row was cut mid-way
    await expectSpecErrorAsync(readCsv(p, { n: 3 }), 'E_DATA', /line 51, column 2: "" is not a number/);
    await expectSpecErrorAsync(
      readCsv(write('quote.csv', '1,2\n3,"4\n')),
      'E_DATA',
      /quote\.csv: not a valid CSV: .*[Qq]uote/,
    );
    await expectSpecErrorAsync(readCsv(dir), 'E_DATA', /is a directory, expected a file/);
  });

  it('reads gzip-compressed CSV', async () => {
    const p = join(dir, 'z.csv.gz');
    writeFileSync(p, gzipSync('1,2\n3,4\n'));
    expect(Array.from((await readCsv(p)).X.data)).toEqual([1, 3, 2, 4]);
  });

  it('reports bad input as E_DATA naming file, line and column', async () => {
    await expectSpecErrorAsync(readCsv(join(dir, 'missing.csv')), 'E_DATA', /file not found/, /missing\.csv/);
    const word = write('word.csv', 'x,y\n1,2\n3,abc\n');
    await expectSpecErrorAsync(readCsv(word), 'E_DATA', /word\.csv: line 3, column 2 \("y"\): "abc" is not a number/);
    await expectSpecErrorAsync(
      readCsv(write('empty-cell.csv', '1,2\n3,\n'), { header: false }),
      'E_DATA',
      /line 2, column 2: "" is not a number/,
    );
    await expectSpecErrorAsync(
      readCsv(write('nan.csv', '1,2\n3,NaN\n')),
      'E_DATA',
      /line 2, column 2: "NaN" is not finite/,
    );
    await expectSpecErrorAsync(
      readCsv(write('inf.csv', '1,2\n-inf,4\n')),
      'E_DATA',
      /line 2, column 1: "-inf" is not finite/,
    );
    await expectSpecErrorAsync(
      readCsv(write('hex.csv', '1,2\n0x1f,4\n'), { header: false }),
      'E_DATA',
      /"0x1f" is not a number/,
    );
    await expectSpecErrorAsync(readCsv(write('ragged.csv', '1,2\n3\n')), 'E_DATA', /line 2 has 1 cells, expected 2/);
    await expectSpecErrorAsync(
      readCsv(write('three.csv', '1\n2\n3\n'), { n: 4 }),
      'E_DATA',
      /asked for 4 samples but it holds only 3/,
    );
    await expectSpecErrorAsync(
      readCsv(write('lab.csv', 'a,b\n1,2\n'), { labelColumn: 'c' }),
      'E_DATA',
      /no label column named "c"/,
    );
    await expectSpecErrorAsync(
      readCsv(write('lab2.csv', '1,2\n'), { labelColumn: 5 }),
      'E_INPUT',
      /label column 5 is outside the 2 columns/,
    );
  });
});
