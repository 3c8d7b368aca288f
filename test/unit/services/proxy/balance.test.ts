import { strict as assert } from 'node:assert';
import { connectFirst, rotation, RoundRobin, type Attempt } from '../../../../src/services/proxy/balance';

describe('proxy: round robin', () => {
  const rotations: { items: string[]; start: number; want: string[] }[] = [
    { items: [], start: 3, want: [] },
    { items: ['a'], start: 5, want: ['a'] },
    { items: ['a', 'b', 'c'], start: 0, want: ['a', 'b', 'c'] },
    { items: ['a', 'b', 'c'], start: 2, want: ['c', 'a', 'b'] },
    { items: ['a', 'b', 'c'], start: 4, want: ['b', 'c', 'a'] },
    { items: ['a', 'b', 'c'], start: -1, want: ['c', 'a', 'b'] },
  ];
  for (const r of rotations) it(`rotation of [${r.items}] from ${r.start}`, () => assert.deepEqual(rotation(r.items, r.start), r.want));

  it('each pick starts one further, and every endpoint is a candidate', () => {
    const rr = new RoundRobin();
    const firsts = Array.from({ length: 6 }, () => rr.order(['a', 'b', 'c']));
    assert.deepEqual(
      firsts.map((o) => o[0]),
      ['a', 'b', 'c', 'a', 'b', 'c'],
    );
    assert.ok(firsts.every((o) => [...o].sort().join() === 'a,b,c'));
  });

  it('keeps going when the list shrinks or grows between picks', () => {
    const rr = new RoundRobin();
    assert.deepEqual(rr.order(['a', 'b', 'c']), ['a', 'b', 'c']);
    assert.deepEqual(rr.order(['a', 'b', 'c']), ['b', 'c', 'a']);
    assert.deepEqual(rr.order(['a', 'b']), ['a', 'b']); // cursor 2 wraps on two items
    assert.deepEqual(rr.order(['a', 'b', 'c', 'd']), ['b', 'c', 'd', 'a']);
    assert.deepEqual(rr.order([]), []);
    assert.deepEqual(rr.order(['x']), ['x']);
  });
});

describe('proxy: connectFirst', () => {
  const fake = (refusing: string[]) => {
    const tried: string[] = [];
    const connect = async (e: string): Promise<Attempt<string>> => {
      tried.push(e);
      return refusing.includes(e) ? { ok: false, error: 'ECONNREFUSED' } : { ok: true, conn: `conn-${e}` };
    };
    return { tried, connect };
  };

  const cases: { name: string; order: string[]; refusing: string[]; want: string | undefined; tried: string[] }[] = [
    { name: 'the first accepts', order: ['a', 'b'], refusing: [], want: 'conn-a', tried: ['a'] },
    { name: 'a refusing endpoint is skipped', order: ['a', 'b', 'c'], refusing: ['a'], want: 'conn-b', tried: ['a', 'b'] },
    { name: 'several refuse', order: ['a', 'b', 'c'], refusing: ['a', 'b'], want: 'conn-c', tried: ['a', 'b', 'c'] },
    { name: 'all refuse: each tried once, none wins', order: ['a', 'b', 'c'], refusing: ['a', 'b', 'c'], want: undefined, tried: ['a', 'b', 'c'] },
    { name: 'no endpoint at all', order: [], refusing: [], want: undefined, tried: [] },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const f = fake(c.refusing);
      const out = await connectFirst(c.order, f.connect);
      assert.equal(out.ok ? out.conn : undefined, c.want);
      assert.deepEqual(f.tried, c.tried);
      assert.deepEqual(
        out.refused.map((r) => r.endpoint),
        c.refusing.filter((r) => c.tried.includes(r)),
      );
    });
  }

  it('stops trying once the client is gone', async () => {
    const f = fake(['a', 'b', 'c']);
    let wanted = true;
    const out = await connectFirst(
      ['a', 'b', 'c'],
      async (e) => {
        const r = await f.connect(e);
        wanted = false; // the client hung up during the first attempt
        return r;
      },
      () => wanted,
    );
    assert.equal(out.ok, false);
    assert.deepEqual(f.tried, ['a']);
  });
});
