import * as assert from 'assert';
import { logLineParser, logQuery, parseLogLine } from '../../../src/runtime/logLines';
import type { LogLine } from '../../../src/runtime/types';

function frame(kind: number, text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header[0] = kind;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

function parseInPieces(buf: Buffer, size: number): LogLine[] {
  const lines: LogLine[] = [];
  const p = logLineParser((l) => lines.push(l));
  for (let i = 0; i < buf.length; i += size) p.push(buf.subarray(i, i + size));
  p.end();
  return lines;
}

describe('runtime/logLines', () => {
  it('parses the engine timestamp (nanoseconds, trimmed zeros) into ISO milliseconds', () => {
    assert.deepStrictEqual(parseLogLine('stdout', '2026-12-01T13:43:39.123456789Z hello world', 'x'), {
      stream: 'stdout',
      time: '2026-12-01T13:43:39.123Z',
      text: 'hello world',
    });
    assert.deepStrictEqual(parseLogLine('stderr', '2026-12-01T13:43:39Z  two spaces', 'x'), {
      stream: 'stderr',
      time: '2026-12-01T13:43:39.000Z',
      text: ' two spaces',
    });
  });

  it('a tty line loses its carriage return; a line without a time keeps the fallback time', () => {
    assert.deepStrictEqual(parseLogLine('stdout', '2026-12-01T13:43:39.5Z tty line\r', 'x'), {
      stream: 'stdout',
      time: '2026-12-01T13:43:39.500Z',
      text: 'tty line',
    });
    assert.deepStrictEqual(parseLogLine('stdout', 'no time here', '2026-01-01T00:00:00.000Z'), {
      stream: 'stdout',
      time: '2026-01-01T00:00:00.000Z',
      text: 'no time here',
    });
  });

  const multiplexed = Buffer.concat([
    frame(1, '2026-12-01T10:00:00.1Z out one\n2026-12-01T10:00:00.2Z out '),
    frame(2, '2026-12-01T10:00:00.3Z err ü\n'),
    frame(1, 'two\n2026-12-01T10:00:00.4Z last without newline'),
  ]);
  for (const size of [1, 5, 8, 13, 1000]) {
    it(`lines of each stream survive chunks of ${size} bytes (frames, lines and characters split)`, () => {
      assert.deepStrictEqual(
        parseInPieces(multiplexed, size).map((l) => `${l.stream} ${l.time} ${l.text}`),
        [
          'stdout 2026-12-01T10:00:00.100Z out one',
          'stderr 2026-12-01T10:00:00.300Z err ü',
          'stdout 2026-12-01T10:00:00.200Z out two',
          'stdout 2026-12-01T10:00:00.400Z last without newline',
        ],
      );
    });
  }

  it('a tty stream (not multiplexed) is read as stdout', () => {
    const raw = Buffer.from('2026-12-01T10:00:00Z a\r\n2026-12-01T10:00:01Z b\r\n');
    assert.deepStrictEqual(
      parseInPieces(raw, 4).map((l) => [l.stream, l.text]),
      [
        ['stdout', 'a'],
        ['stdout', 'b'],
      ],
    );
  });

  it('asks for both streams with timestamps; tail all unless given; since with milliseconds', () => {
    assert.deepStrictEqual(logQuery({ follow: true }), { stdout: true, stderr: true, timestamps: true, follow: true, tail: 'all' });
    assert.deepStrictEqual(logQuery({ follow: false, tail: 0, sinceSeconds: 1700000000.5 }), {
      stdout: true,
      stderr: true,
      timestamps: true,
      follow: false,
      tail: '0',
      since: '1700000000.500',
    });
  });
});
