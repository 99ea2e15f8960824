import { createReadStream } from 'node:fs';
import { open, readFile, stat, type FileHandle } from 'node:fs/promises';
import { promisify } from 'node:util';
import { createGunzip, gunzip } from 'node:zlib';
import { SpecError } from '@spec/core';

/**
 * File access shared by the readers: every failure becomes a `SpecError('E_DATA', …)` naming the file,
 * and reads fetch only the byte ranges a reader asks for.
 */

/** Translates a Node file-system error into an `E_DATA` SpecError naming `path`. */
export function fileError(path: string, what: string, e: unknown): SpecError {
  const code = (e as { code?: string } | null)?.code;
  if (code === 'ENOENT') return new SpecError('E_DATA', `${what}: file not found: ${path}`, { cause: e });
  if (code === 'EISDIR')
    return new SpecError('E_DATA', `${what}: ${path} is a directory, expected a file`, { cause: e });
  if (code === 'EACCES') return new SpecError('E_DATA', `${what}: permission denied reading ${path}`, { cause: e });
  if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') {
    return new SpecError(
      'E_DATA',
      `${what}: ${path} is not a valid gzip file, or is truncated (${(e as Error).message}); download it again`,
      { cause: e },
    );
  }
  return new SpecError('E_DATA', `${what}: cannot read ${path}: ${(e as Error)?.message ?? String(e)}`, { cause: e });
}

/** Size in bytes and kind of a path, or an `E_DATA` error when it does not exist. */
export async function statPath(path: string, what: string): Promise<{ size: number; isDirectory: boolean }> {
  try {
    const s = await stat(path);
    return { size: s.size, isDirectory: s.isDirectory() };
  } catch (e) {
    throw fileError(path, what, e);
  }
}

/** Opens a file for reading; the caller closes the handle. */
export async function openFile(path: string, what: string): Promise<FileHandle> {
  try {
    const s = await stat(path);
    if (s.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    return await open(path, 'r');
  } catch (e) {
    throw fileError(path, what, e);
  }
}

/**
 * Reads exactly `length` bytes at `position`; fewer bytes available means the file is truncated
 * (`E_DATA` naming the file and `context`).
 */
export async function readExact(
  handle: FileHandle,
  position: number,
  length: number,
  path: string,
  context: string,
): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await handle.read(buf, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  if (got < length) {
    throw new SpecError(
      'E_DATA',
      `${path}: truncated ${context} (needed ${length} bytes at offset ${position}, found ${got})`,
    );
  }
  return buf;
}

/** True when the path names a gzip file (by its `.gz` extension). */
export function isGzip(path: string): boolean {
  return path.toLowerCase().endsWith('.gz');
}

/**
 * Decompresses a .gz file as a stream and stops as soon as `maxBytes` bytes are available (or the
 * stream ends), so taking the first records of a large archive does not inflate all of it.
 * Returns at most `maxBytes` bytes (fewer when the decompressed file is shorter).
 */
export async function readGzipPrefix(path: string, maxBytes: number, what: string): Promise<Buffer> {
  await statPath(path, what);
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let done = false;
    const source = createReadStream(path);
    const gunzip = createGunzip();
    const finish = (): void => {
      if (done) return;
      done = true;
      source.destroy();
      gunzip.destroy();
      const all = Buffer.concat(chunks, total);
      resolve(all.subarray(0, Math.min(maxBytes, total)));
    };
    const fail = (e: unknown): void => {
      if (done) return;
      done = true;
      source.destroy();
      gunzip.destroy();
      reject(fileError(path, what, e));
    };
    source.on('error', fail);
    gunzip.on('error', fail);
    gunzip.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= maxBytes) finish();
    });
    gunzip.on('end', finish);
    source.pipe(gunzip);
  });
}

const gunzipAsync = promisify(gunzip);

/**
 * Decompresses a whole `.gz` file into memory. A truncated or corrupt stream (zlib's "unexpected end of
 * file", a bad header or checksum) is `E_DATA` naming the file.
 */
export async function readGzip(path: string, what: string): Promise<Buffer> {
  let compressed: Buffer;
  try {
    const s = await stat(path);
    if (s.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    compressed = await readFile(path);
  } catch (e) {
    throw fileError(path, what, e);
  }
  try {
    return await gunzipAsync(compressed);
  } catch (e) {
    throw fileError(path, what, e);
  }
}
