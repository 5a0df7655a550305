/**
 * A V8 CPU profile (`node --cpu-prof`) as self time per package and per function, for the
 * profile-* scripts. Samples before `fromUs` (on the profile's own clock) are left out, so a
 * script can keep only its measured loop.
 */

function packageOf(functionName, where) {
  if (where.includes('node_modules/')) return where.split('node_modules/').pop().split('/')[0];
  if (where.startsWith('node:')) return 'node internals';
  if (where.includes('/dist/src/')) return 'service (dist/src)';
  return where ? 'other' : functionName || '(vm)';
}

export function selfTimes(profile, fromUs = Number.NEGATIVE_INFINITY) {
  const selfUs = new Map(profile.nodes.map((n) => [n.id, 0]));
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i += 1) {
    at += profile.timeDeltas[i] ?? 0;
    if (at >= fromUs) selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const byFunction = new Map();
  const byPackage = new Map();
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    const { functionName, url: where, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${where.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/')}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    const pkg = packageOf(functionName, where);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  }
  return { totalUs: [...selfUs.values()].reduce((a, b) => a + b, 0), byFunction, byPackage };
}

/** Prints the twelve packages and twenty-five functions with the most self time, as shares of the whole. */
export function printSelfTimes({ totalUs, byFunction, byPackage }) {
  const pct = (us) => `${((100 * us) / totalUs).toFixed(1)} %`;
  console.log('\nself time by package:');
  for (const [name, us] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  ${pct(us).padStart(7)}  ${name}`);
  console.log('\nself time by function (top 25):');
  for (const [name, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${pct(us).padStart(7)}  ${name}`);
}
