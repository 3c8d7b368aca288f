import * as assert from 'assert';
import { CappedText, demuxBuffer, Demuxer, JsonLines, StreamKind } from '../../../src/runtime/streams';

function frame(kind: number, text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header[0] = kind;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

/** Feeds `buf` to a Demuxer in pieces of `size` bytes. */
function demuxInPieces(buf: Buffer, size: number): Array<[StreamKind, string]> {
  const got: Array<[StreamKind, string]> = [];
  const d = new Demuxer((k, data) => got.push([k, data.toString('utf8')]));
  for (let i = 0; i < buf.length; i += size) d.push(buf.subarray(i, i + size));
  return got;
}

describe('runtime/streams', () => {
  const stream = Buffer.concat([frame(1, 'out one\n'), frame(2, 'err one\n'), frame(1, 'out two\n')]);

  it('demultiplexes frames in arrival order', () => {
    assert.strictEqual(demuxBuffer(stream), 'out one\nerr one\nout two\n');
  });

  for (const size of [1, 3, 7, 8, 9, 64]) {
    it(`reassembles frames split into ${size}-byte chunks`, () => {
      const joined = demuxInPieces(stream, size).reduce(
        (acc, [k, s]) => {
          acc[k] = (acc[k] ?? '') + s;
          return acc;
        },
        {} as Record<string, string>,
      );
      assert.deepStrictEqual(joined, { stdout: 'out one\nout two\n', stderr: 'err one\n' });
    });
  }

  it('passes a tty (unframed) stream through unchanged', () => {
    assert.strictEqual(demuxBuffer(Buffer.from('hello world, no headers here\n')), 'hello world, no headers here\n');
  });

  it('keeps an empty frame harmless', () => {
    assert.strictEqual(demuxBuffer(Buffer.concat([frame(1, ''), frame(1, 'x')])), 'x');
  });

  it('caps collected text and says how much was dropped', () => {
    const c = new CappedText(5);
    c.append(Buffer.from('abc'));
    c.append(Buffer.from('defgh'));
    assert.strictEqual(c.truncated, true);
    assert.strictEqual(c.text(), 'abcde\n[... 3 more bytes truncated]');
  });

  describe('JsonLines', () => {
    const lines = '{"a":1}\n{"b":"é"}\r\n\n{"c":3}';
    for (const size of [1, 2, 5, 100]) {
      it(`parses JSON lines split into ${size}-byte chunks (multi-byte characters too)`, () => {
        const values: unknown[] = [];
        const j = new JsonLines((v) => values.push(v));
        const buf = Buffer.from(lines, 'utf8');
        for (let i = 0; i < buf.length; i += size) j.push(buf.subarray(i, i + size));
        assert.deepStrictEqual(values, [{ a: 1 }, { b: 'é' }]);
        j.end();
        assert.deepStrictEqual(values, [{ a: 1 }, { b: 'é' }, { c: 3 }]);
      });
    }

    it('reports a bad line instead of throwing', () => {
      const bad: string[] = [];
      const values: unknown[] = [];
      const j = new JsonLines(
        (v) => values.push(v),
        (line) => bad.push(line),
      );
      j.push('{"ok":true}\nnot json\n');
      assert.deepStrictEqual(values, [{ ok: true }]);
      assert.deepStrictEqual(bad, ['not json']);
    });
  });
});
