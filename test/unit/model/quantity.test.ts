import { strict as assert } from 'node:assert';
import { parseBytes, parseNanoCpus } from '../../../src/model/quantity';

describe('model/quantity', () => {
  const bytes: [string | number, number][] = [
    ['64Mi', 64 * 1024 * 1024],
    ['1G', 1_000_000_000],
    ['128974848', 128974848],
    [128974848, 128974848],
    ['129e6', 129_000_000],
    [129e6, 129_000_000],
    ['129M', 129_000_000],
    ['123Mi', 128974848],
    ['1.5Gi', 1610612736],
    ['1Ki', 1024],
    ['1k', 1000],
    ['4.1k', 4100],
    ['0.5Ki', 512],
    ['100m', 1], // a tenth of a byte rounds up
    ['1Ti', 2 ** 40],
    ['1E3', 1000],
    ['.5G', 500_000_000],
  ];
  for (const [input, want] of bytes) {
    it(`memory ${JSON.stringify(input)} -> ${want} bytes`, () => {
      assert.deepEqual(parseBytes(input), { ok: true, value: want });
    });
  }

  const cpus: [string | number, number][] = [
    ['500m', 500_000_000],
    ['2', 2_000_000_000],
    [2, 2_000_000_000],
    ['0.5', 500_000_000],
    [0.25, 250_000_000],
    ['1m', 1_000_000],
    ['100u', 100_000],
    ['1.5', 1_500_000_000],
    ['1e-3', 1_000_000],
  ];
  for (const [input, want] of cpus) {
    it(`cpu ${JSON.stringify(input)} -> ${want} NanoCpus`, () => {
      assert.deepEqual(parseNanoCpus(input), { ok: true, value: want });
    });
  }

  const invalid = ['abc', '12Qi', '-1Gi', '', '1 Gi', '8Ei'];
  for (const input of invalid) {
    it(`refuses memory ${JSON.stringify(input)}`, () => {
      assert.equal(parseBytes(input).ok, false);
    });
  }
});
