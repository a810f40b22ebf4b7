import { InputError } from '../../../harness/util/errors.ts';

/**
 * A restricted pickle interpreter: the data opcodes of protocols 2-5 (what torch.save emits),
 * with every global, call and persistent id going through the caller's hooks. Nothing is ever
 * executed: a global the hooks do not allow, or an opcode that builds arbitrary objects (INST,
 * OBJ, NEWOBJ, EXT, text-protocol opcodes), is an InputError naming it. Python dicts become
 * Maps, lists and tuples arrays, ints numbers (or bigints past 2^53), str strings, bytes
 * Uint8Arrays.
 */
export interface PickleHooks {
  /** module.name -> a value the pickle may use (a PickleCallable to be called by REDUCE); throw to refuse */
  global(module: string, name: string): unknown;
  /** BINPERSID's argument -> the object it stands for */
  persistentLoad(pid: unknown): unknown;
}

/** A global the hooks allow to be called (REDUCE), and optionally to receive BUILD state. */
export class PickleCallable {
  constructor(
    readonly qualifiedName: string,
    readonly call: (args: unknown[]) => unknown,
  ) {}
}

/** An object built by a PickleCallable that accepts BUILD (e.g. an OrderedDict's __dict__); state is ignored. */
export const ACCEPTS_STATE = Symbol('accepts BUILD state');

const MARK = Symbol('mark');

export function unpickle(bytes: Uint8Array, hooks: PickleHooks, source: string): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const stack: unknown[] = [];
  const memo = new Map<number, unknown>();
  let at = 0;
  const fail = (what: string) => new InputError(`pickle: ${what} (at byte ${at})`, source);
  const need = (n: number) => {
    if (at + n > bytes.length) throw fail('truncated');
  };
  const u8 = () => {
    need(1);
    return bytes[at++];
  };
  const u16 = () => {
    need(2);
    at += 2;
    return view.getUint16(at - 2, true);
  };
  const u32 = () => {
    need(4);
    at += 4;
    return view.getUint32(at - 4, true);
  };
  const u64 = () => {
    need(8);
    at += 8;
    const value = view.getBigUint64(at - 8, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw fail('length too large');
    return Number(value);
  };
  const take = (n: number) => {
    need(n);
    at += n;
    return bytes.subarray(at - n, at);
  };
  const line = () => {
    const end = bytes.indexOf(0x0a, at);
    if (end < 0) throw fail('unterminated line');
    const text = decoder.decode(bytes.subarray(at, end));
    at = end + 1;
    return text;
  };
  const pop = () => {
    if (stack.length === 0) throw fail('stack underflow');
    const value = stack.pop();
    if (value === MARK) throw fail('unexpected mark');
    return value;
  };
  const popMark = () => {
    const start = stack.lastIndexOf(MARK);
    if (start < 0) throw fail('no mark');
    const items = stack.splice(start);
    items.shift();
    return items;
  };
  const top = () => {
    if (stack.length === 0 || stack[stack.length - 1] === MARK) throw fail('stack underflow');
    return stack[stack.length - 1];
  };
  const asDict = (value: unknown, op: string) => {
    if (!(value instanceof Map)) throw fail(`${op} on a ${describe(value)}`);
    return value;
  };
  const asList = (value: unknown, op: string) => {
    if (!Array.isArray(value)) throw fail(`${op} on a ${describe(value)}`);
    return value;
  };
  // the hooks' own errors, located and attributed to the file
  const guard = <T>(run: () => T): T => {
    try {
      return run();
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw fail((error as Error).message);
    }
  };
  const resolve = (module: string, name: string) => guard(() => hooks.global(module, name));
  const int = (value: bigint) => (value >= -(2n ** 53n) && value <= 2n ** 53n ? Number(value) : value);

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        u8();
        break;
      case 0x95: // FRAME
        u64();
        break;
      case 0x2e: // STOP
        return pop();
      case 0x28: // MARK
        stack.push(MARK);
        break;
      case 0x30: // POP
        pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4a: // BININT
        need(4);
        at += 4;
        stack.push(view.getInt32(at - 4, true));
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x8a: // LONG1
      case 0x8b: {
        // LONG4
        const n = op === 0x8a ? u8() : u32();
        if (n > 64) throw fail(`integer of ${n} bytes`);
        const digits = take(n);
        let value = 0n;
        for (let i = n - 1; i >= 0; i--) value = (value << 8n) | BigInt(digits[i]);
        if (n > 0 && digits[n - 1] & 0x80) value -= 1n << BigInt(8 * n);
        stack.push(int(value));
        break;
      }
      case 0x47: // BINFLOAT (big-endian)
        need(8);
        at += 8;
        stack.push(view.getFloat64(at - 8, false));
        break;
      case 0x58: // BINUNICODE
        stack.push(decoder.decode(take(u32())));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(decoder.decode(take(u8())));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(decoder.decode(take(u64())));
        break;
      case 0x54: // BINSTRING (py2 str: latin-1)
      case 0x55: {
        // SHORT_BINSTRING
        const raw = take(op === 0x54 ? u32() : u8());
        stack.push(String.fromCharCode(...raw));
        break;
      }
      case 0x42: // BINBYTES
        stack.push(take(u32()).slice());
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(take(u8()).slice());
        break;
      case 0x8e: // BINBYTES8
        stack.push(take(u64()).slice());
        break;
      case 0x29: // EMPTY_TUPLE
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x74: // TUPLE
      case 0x6c: // LIST
        stack.push(popMark());
        break;
      case 0x85: // TUPLE1
        stack.push([pop()]);
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        stack.push([pop(), b]);
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        stack.push([pop(), b, c]);
        break;
      }
      case 0x61: {
        // APPEND
        const value = pop();
        asList(top(), 'APPEND').push(value);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        asList(top(), 'APPENDS').push(...items);
        break;
      }
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x64: {
        // DICT
        const items = popMark();
        const dict = new Map();
        for (let i = 0; i + 1 < items.length; i += 2) dict.set(items[i], items[i + 1]);
        stack.push(dict);
        break;
      }
      case 0x73: {
        // SETITEM
        const value = pop();
        const key = pop();
        asDict(top(), 'SETITEM').set(key, value);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        const dict = asDict(top(), 'SETITEMS');
        for (let i = 0; i + 1 < items.length; i += 2) dict.set(items[i], items[i + 1]);
        break;
      }
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
      case 0x6a: {
        // LONG_BINGET
        const key = op === 0x68 ? u8() : u32();
        if (!memo.has(key)) throw fail(`memo ${key} is empty`);
        stack.push(memo.get(key));
        break;
      }
      case 0x63: {
        // GLOBAL
        const module = line();
        stack.push(resolve(module, line()));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string')
          throw fail('STACK_GLOBAL without strings');
        stack.push(resolve(module, name));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        const callable = pop();
        if (!(callable instanceof PickleCallable))
          throw fail(`REDUCE calls a ${describe(callable)}, not an allowed global`);
        if (!Array.isArray(args)) throw fail(`REDUCE with ${describe(args)} arguments`);
        stack.push(guard(() => callable.call(args)));
        break;
      }
      case 0x62: {
        // BUILD
        pop();
        const target = top();
        if (
          !(
            target instanceof Map &&
            (target as Map<unknown, unknown> & { [ACCEPTS_STATE]?: boolean })[ACCEPTS_STATE]
          )
        )
          throw fail(`BUILD on a ${describe(target)}`);
        break;
      }
      case 0x51: // BINPERSID
        {
          const pid = pop();
          stack.push(guard(() => hooks.persistentLoad(pid)));
        }
        break;
      default:
        throw fail(
          `opcode 0x${op.toString(16).padStart(2, '0')} is not allowed (only plain data, tensors and storages)`,
        );
    }
  }
}

function describe(value: unknown): string {
  if (value === null) return 'None';
  if (value instanceof Map) return 'dict';
  if (Array.isArray(value)) return 'tuple/list';
  if (value instanceof Uint8Array) return 'bytes';
  if (value instanceof PickleCallable) return value.qualifiedName;
  return typeof value;
}
