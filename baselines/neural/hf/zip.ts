import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { InputError } from '../../../harness/util/errors.ts';

interface ZipEntry {
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/**
 * A read-only zip archive (what torch.save writes: entries stored uncompressed, ZIP64 for big
 * files), read entry by entry from the file descriptor so that a 600 MB checkpoint is never
 * held twice. Stored and deflated entries are supported. Our own reader because no zip package
 * is installed and the format needs only the central directory (about 100 lines).
 */
export class ZipReader {
  readonly entries = new Map<string, ZipEntry>();
  private readonly fd: number;

  constructor(readonly path: string) {
    let size: number;
    try {
      size = statSync(path).size;
      this.fd = openSync(path, 'r');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new InputError(code === 'ENOENT' ? 'no such file' : `cannot read (${code})`, path);
    }
    try {
      this.readDirectory(size);
    } catch (error) {
      this.close();
      throw error;
    }
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  read(name: string): Uint8Array {
    const entry = this.entries.get(name);
    if (!entry) throw new InputError(`zip entry ${name} is missing`, this.path);
    const local = this.bytes(entry.localHeaderOffset, 30);
    const view = new DataView(local.buffer, local.byteOffset, 30);
    if (view.getUint32(0, true) !== LOCAL) throw this.fail(`bad local header for ${name}`);
    const start = entry.localHeaderOffset + 30 + view.getUint16(26, true) + view.getUint16(28, true);
    const raw = this.bytes(start, entry.compressedSize);
    if (entry.method === 0) return raw;
    if (entry.method === 8) return new Uint8Array(inflateRawSync(raw));
    throw this.fail(
      `entry ${name} uses compression method ${entry.method} (only stored and deflate are supported)`,
    );
  }

  close(): void {
    closeSync(this.fd);
  }

  private fail(what: string): InputError {
    return new InputError(`not a readable zip archive: ${what}`, this.path);
  }

  private bytes(position: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, out, done, length - done, position + done);
      if (n === 0) throw this.fail('unexpected end of file');
      done += n;
    }
    return out;
  }

  private readDirectory(fileSize: number): void {
    // The end-of-central-directory record is in the last 22 + 65535 (comment) bytes.
    const tailLength = Math.min(fileSize, 22 + 65535 + 20);
    const tail = this.bytes(fileSize - tailLength, tailLength);
    const tailView = new DataView(tail.buffer);
    let at = -1;
    for (let i = tailLength - 22; i >= 0; i--) {
      if (tailView.getUint32(i, true) === EOCD) {
        at = i;
        break;
      }
    }
    if (at < 0) throw this.fail('no end-of-central-directory record');
    let count = tailView.getUint16(at + 10, true);
    let directorySize = tailView.getUint32(at + 12, true);
    let directoryOffset = tailView.getUint32(at + 16, true);
    if (at >= 20 && tailView.getUint32(at - 20, true) === ZIP64_LOCATOR) {
      const recordOffset = Number(tailView.getBigUint64(at - 20 + 8, true));
      const record = this.bytes(recordOffset, 56);
      const view = new DataView(record.buffer);
      if (view.getUint32(0, true) !== ZIP64_EOCD)
        throw this.fail('bad ZIP64 end-of-central-directory record');
      count = Number(view.getBigUint64(32, true));
      directorySize = Number(view.getBigUint64(40, true));
      directoryOffset = Number(view.getBigUint64(48, true));
    }
    const directory = this.bytes(directoryOffset, directorySize);
    const view = new DataView(directory.buffer);
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > directory.length || view.getUint32(p, true) !== CENTRAL)
        throw this.fail('bad central directory');
      const method = view.getUint16(p + 10, true);
      let compressedSize = view.getUint32(p + 20, true);
      let size = view.getUint32(p + 24, true);
      const nameLength = view.getUint16(p + 28, true);
      const extraLength = view.getUint16(p + 30, true);
      const commentLength = view.getUint16(p + 32, true);
      let localHeaderOffset = view.getUint32(p + 42, true);
      const name = new TextDecoder().decode(directory.subarray(p + 46, p + 46 + nameLength));
      // ZIP64 extra field: the 64-bit values of whichever fields are saturated, in this order
      let e = p + 46 + nameLength;
      const extraEnd = e + extraLength;
      while (e + 4 <= extraEnd) {
        const id = view.getUint16(e, true);
        const length = view.getUint16(e + 2, true);
        if (id === 0x0001) {
          let q = e + 4;
          const next = () => {
            const value = Number(view.getBigUint64(q, true));
            q += 8;
            return value;
          };
          if (size === 0xffffffff) size = next();
          if (compressedSize === 0xffffffff) compressedSize = next();
          if (localHeaderOffset === 0xffffffff) localHeaderOffset = next();
        }
        e += 4 + length;
      }
      this.entries.set(name, { method, compressedSize, size, localHeaderOffset });
      p = extraEnd + commentLength;
    }
  }
}
