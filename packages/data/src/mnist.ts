import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { SpecError } from '@spec/core';
import type { FashionMnistSplit } from './data-spec.js';
import { statPath } from './file-access.js';
import { openIdxImages, readIdxLabels } from './idx.js';
import { type SampleTable, pick } from './sample-table.js';

/** Where Debian's `dataset-fashion-mnist` package installs the Fashion-MNIST IDX files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Fashion-MNIST's class names, by label 0..9 (Xiao, Rasul & Vollgraf 2017). */
export const FASHION_MNIST_CLASSES: readonly string[] = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** The images and labels files of an MNIST-style split (`train` or `t10k`) in `dir`, plain or `.gz`. */
async function splitFiles(dir: string, prefix: string): Promise<{ images: string; labels?: string } | undefined> {
  for (const sep of ['-', '.']) {
    for (const gz of ['', '.gz']) {
      const images = join(dir, `${prefix}-images${sep}idx3-ubyte${gz}`);
      if (await exists(images)) {
        const labels = join(dir, `${prefix}-labels${sep}idx1-ubyte${gz}`);
        return (await exists(labels)) ? { images, labels } : { images };
      }
    }
  }
  return undefined;
}

/** An images table with the labels of `labelsPath` attached (`E_DATA` when the counts differ). */
async function withLabels(table: SampleTable, labelsPath: string): Promise<SampleTable> {
  const labels = await readIdxLabels(labelsPath);
  if (labels.length !== table.count) {
    throw new SpecError(
      'E_DATA',
      `${labelsPath} holds ${labels.length} labels but ${table.source} holds ${table.count} images; they are not the same split`,
    );
  }
  return { ...table, labels: async () => labels, labelsAt: async (indices) => pick(labels, indices) };
}

/**
 * Opens MNIST-style IDX images (`mnist:PATH`): an images file (labels found next to it by name, `images` →
 * `labels`, `idx3` → `idx1`) or a directory with `train-images-idx3-ubyte[.gz]` (else `t10k-…`). Labels are
 * attached when found. `E_DATA` for a missing file, a directory without images, or a bad IDX file.
 */
export async function openMnist(path: string): Promise<SampleTable> {
  const { isDirectory } = await statPath(path, 'MNIST');
  let files: { images: string; labels?: string } | undefined;
  if (!isDirectory) {
    const guess = path.replace('images', 'labels').replace('idx3', 'idx1');
    files = guess !== path && (await exists(guess)) ? { images: path, labels: guess } : { images: path };
  } else {
    files = (await splitFiles(path, 'train')) ?? (await splitFiles(path, 't10k'));
    if (files === undefined) {
      throw new SpecError(
        'E_DATA',
        `MNIST: directory ${path} holds no train-images-idx3-ubyte[.gz] or t10k-images-idx3-ubyte[.gz]`,
      );
    }
  }
  const table = await openIdxImages(files.images);
  return files.labels ? withLabels(table, files.labels) : table;
}

/**
 * Opens a Fashion-MNIST split (`train`: 60 000 images, `test`: 10 000; 28 × 28 pixels / 255, labels 0..9
 * naming {@link FASHION_MNIST_CLASSES}) from `dir` (default {@link FASHION_MNIST_DIR}, where
 * `apt-get install dataset-fashion-mnist` puts them). The files are the original IDX ones,
 * `train-images-idx3-ubyte[.gz]` and `train-labels-idx1-ubyte[.gz]` (`t10k-…` for the test split).
 * `E_DATA` saying how to install them or where to point when they are missing.
 */
export async function openFashionMnist(split: FashionMnistSplit, dir = FASHION_MNIST_DIR): Promise<SampleTable> {
  const prefix = split === 'train' ? 'train' : 't10k';
  const files = await splitFiles(dir, prefix);
  if (files?.labels === undefined) {
    const which = files === undefined ? `${prefix}-images-idx3-ubyte[.gz]` : `${prefix}-labels-idx1-ubyte[.gz]`;
    const fix =
      dir === FASHION_MNIST_DIR
        ? 'install them with `apt-get install dataset-fashion-mnist`, or give their directory as fashion-mnist:'
        : 'give the directory that holds them as fashion-mnist:';
    throw new SpecError('E_DATA', `Fashion-MNIST ${split} split: no ${which} in ${dir}; ${fix}${split}:DIR`);
  }
  return withLabels(await openIdxImages(files.images), files.labels);
}
