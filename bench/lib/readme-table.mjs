/**
 * The README's "How it compares" table, rendered from one full `pnpm bench` run (its JSON), so every
 * row comes from the same run on the same machine and load, stated once above the table. Which
 * subjects of a case go in which column is said here, per case; the numbers, targets and verdicts
 * come from the run as the report computed them.
 */

/** Case id → its row: a label and, per column, the subject keys shown there (in that order). */
export const ROWS = [
  { id: 'warm-start', label: 'warm start, busybox', raw: ['raw'], berth: ['berth'], peer: ['peer'] },
  { id: 'warm-outside', label: '… time outside create + start', raw: ['raw'], berth: ['berth'], peer: ['peer'] },
  { id: 'fresh-process', label: 'fresh process → running container', raw: ['raw'], berth: ['berth', 'berth22'], peer: ['peer'] },
  { id: 'import', label: 'fresh process, import only', raw: ['node'], berth: ['berth'], peer: ['peer'] },
  { id: 'log-latency', label: 'log line → `start()` resolves', raw: ['raw'], berth: ['berth'], peer: ['peer'] },
  {
    id: 'postgres-ready',
    label: 'postgres:15 start → `select 1`',
    raw: ['cli'],
    berth: ['generic', 'module'],
    peer: ['peerGeneric', 'peerModule'],
  },
  {
    id: 'suite-per-test',
    label: 'fresh database per test inside a vitest suite (4 files × 5 tests): cost the test sees',
    berth: ['berth'],
    peer: ['snapshot', 'truncate'],
  },
  { id: 'suite-wall', label: 'that suite, wall time', berth: ['berth'], peer: ['snapshot', 'truncate'] },
  {
    id: 'pg-versions',
    label: 'fresh postgres database (200 requests, 4 clients)',
    berth: ['pg15-acquire', 'pg10-acquire', 'pg18-acquire'],
  },
  { id: 'mysql', label: 'fresh mysql database (200 requests, 4 clients)', raw: ['container', 'truncate'], berth: ['fresh'] },
  { id: 'vhost-handout', label: 'fresh rabbitmq vhost (200 requests, 4 clients)', berth: ['berth'] },
  { id: 'rabbitmq-start', label: 'rabbitmq:3 start → first AMQP connection', raw: ['raw'], berth: ['berth'] },
  { id: 'nats-start', label: 'nats:2 start → first PUB/SUB round trip', raw: ['raw'], berth: ['berth'] },
  { id: 'compose', label: '3-service compose file → all ready', raw: ['raw', 'cli'], berth: ['berth'] },
  { id: 'reuse-loop', label: 'reuse: orders-api suite, second run with reuse on', raw: ['off'], berth: ['warmServices', 'warm'] },
  { id: 'postgres-cache', label: 'postgres from the initialised-image cache → `select 1`', berth: ['hit'], peer: ['peerModule'] },
];

/** The subject key a column shows without its label (any other subject is labelled). */
const PLAIN = { raw: 'raw', berth: 'berth', peer: 'peer' };

export function formatMs(ms) {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  return `${ms.toFixed(1)} ms`;
}

function signed(ms) {
  return `${ms < 0 ? '−' : '+'}${formatMs(Math.abs(ms))}`;
}

function cell(kase, keys, column) {
  if (!keys || keys.length === 0) return '—';
  const parts = keys
    .filter((key) => kase.subjects[key])
    .map((key) => {
      const subject = kase.subjects[key];
      const value = formatMs(subject.median);
      return key === PLAIN[column] ? value : `${subject.label}: ${value}`;
    });
  return parts.length > 0 ? parts.join('; ') : '—';
}

/** Each comparison that has a target: the target, what was measured against it, and the verdict. */
function verdicts(kase) {
  return kase.comparisons
    .filter((comparison) => comparison.target)
    .map((comparison) => {
      let measured;
      if (/ms$/.test(comparison.target) && comparison.delta) measured = `paired Δ ${signed(comparison.delta.median)}`;
      else if (/×/.test(comparison.target) && comparison.ratio) measured = `${comparison.ratio.toFixed(2)}×`;
      else measured = formatMs(kase.subjects[comparison.a].median);
      const who = kase.subjects[comparison.a]?.label ?? comparison.a;
      return `${who} ${comparison.target}: ${measured}, ${comparison.met ? 'met' : '**missed**'}`;
    })
    .join('; ');
}

function footprintRow(footprint) {
  if (!footprint?.berth || !footprint?.peer) return undefined;
  const side = (s) => {
    const scripts = s.installScripts
      ? `; ${s.installScripts.length === 0 ? 'no install script' : `install scripts: ${s.installScripts.join(', ')}`}`
      : '';
    return `${s.packages} packages, ${s.mbOnDisk.toFixed(1)} MB${scripts}`;
  };
  // Runs since the footprint case measured core alone give both lines.
  const berth = footprint.core ? `core: ${side(footprint.core)}; core + @berth/vitest: ${side(footprint.berth)}` : side(footprint.berth);
  return `| install footprint (${footprint.core ? '`npm install --omit=dev`' : 'core + vitest adapter'}) | — | ${berth} | ${side(footprint.peer)} | |`;
}

/** One paragraph: the run, the machine and the load, once for the whole table. */
export function describeRun(run) {
  const m = run.machine;
  const load = (values) => values.map((v) => v.toFixed(1)).join(' / ');
  return [
    `From one full \`pnpm bench\` run (${run.finishedAt.slice(0, 10)}, berth ${m.berth.version} at ${m.berth.commit},`,
    `${run.durationSeconds} s): ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Docker ${m.engine.version}`,
    `(API ${m.engine.apiVersion}); Node ${m.node.berth} for berth and the baselines, ${m.node.peer} for`,
    `testcontainers ${m.peer.testcontainers} (run with \`TESTCONTAINERS_RYUK_DISABLED=true\`: its cleanup image`,
    `cannot be pulled here). Load average (1/5/15 min) ${load(m.loadAverageAtStart)} at the start,`,
    `${load(run.loadAverageAtEnd)} at the end, on a machine shared with other suites: read absolute times with`,
    'that in mind and compare within a row. Medians; earlier runs and the method are in',
    '[docs/benchmarks.md](docs/benchmarks.md).',
  ].join('\n');
}

/** The table (and the paragraph above it) for one full run. */
export function renderReadmeComparison(run) {
  const byId = new Map(run.cases.map((kase) => [kase.id, kase]));
  const lines = [
    describeRun(run),
    '',
    `| Case | raw API or plain pattern | berth | testcontainers ${run.machine.peer.testcontainers.split('.')[0]} | target |`,
    '| --- | ---: | ---: | ---: | --- |',
  ];
  for (const row of ROWS) {
    const kase = byId.get(row.id);
    if (!kase) continue;
    lines.push(
      `| ${row.label} | ${cell(kase, row.raw, 'raw')} | ${cell(kase, row.berth, 'berth')} | ${cell(kase, row.peer, 'peer')} | ${verdicts(kase)} |`,
    );
  }
  const footprint = footprintRow(run.footprint);
  if (footprint) lines.push(footprint);
  return lines.join('\n');
}
