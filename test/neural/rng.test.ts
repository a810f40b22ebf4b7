import test from 'ava';
import { Rng } from '../../baselines/neural/rng.ts';

test('a restored state continues the same stream', (t) => {
  const rng = new Rng(42);
  for (let i = 0; i < 10; i++) rng.next();
  const copy = new Rng(rng.state());
  t.deepEqual(
    Array.from({ length: 5 }, () => rng.nextUint32()),
    Array.from({ length: 5 }, () => copy.nextUint32()),
  );
});

test('seeds give different, reproducible streams in [0, 1)', (t) => {
  t.deepEqual(new Rng(7).state(), new Rng(7).state());
  t.notDeepEqual(new Rng(7).state(), new Rng(8).state());
  const draws = (() => {
    const rng = new Rng(3);
    return Array.from({ length: 10000 }, () => rng.next());
  })();
  t.true(draws.every((x) => x >= 0 && x < 1));
  const mean = draws.reduce((s, x) => s + x, 0) / draws.length;
  t.true(Math.abs(mean - 0.5) < 0.02);
});
