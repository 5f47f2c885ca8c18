/** Renders a run's results as markdown (printed and written to bench/results/latest.md). */
import { PEER_ENV } from './peer.mjs';
import { describeCalls } from './results.mjs';
import { fmtMs, fmtRatio } from './stats.mjs';

const signed = (ms) => (Number.isFinite(ms) ? `${ms >= 0 ? '+' : '−'}${fmtMs(Math.abs(ms))}` : '–');

export function renderMarkdown(run) {
  const { machine: m, cases, footprint } = run;
  const out = [];
  out.push(`# berth benchmark (${run.mode}, ${run.finishedAt})`, '');
  out.push(
    `**Machine:** ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}. ` +
      `**Engine:** Docker ${m.engine.version} (API ${m.engine.apiVersion}, ${m.engine.storageDriver}, cgroup ${m.engine.cgroup}, ${m.engine.loggingDriver} logs). ` +
      `**Node:** ${m.node.berth} for berth and the baselines${m.node.peer ? `, ${m.node.peer} for testcontainers` : ''}. ` +
      `**Versions:** @berth/core ${m.berth.version}${m.berth.commit ? ` at ${m.berth.commit}` : ''}` +
      `${m.peer ? `; testcontainers ${m.peer.testcontainers}, @testcontainers/postgresql ${m.peer['@testcontainers/postgresql']}` : ''}. ` +
      `**Load average** (1/5/15 min) at start ${m.loadAverageAtStart.join(' / ')}, at end ${run.loadAverageAtEnd.join(' / ')}.`,
    '',
  );
  if (run.peerSkipped) out.push(`**testcontainers was not measured:** ${run.peerSkipped}`, '');
  else {
    out.push(
      `**testcontainers ran with ${Object.entries(PEER_ENV)
        .map(([k, v]) => `\`${k}=${v}\``)
        .join(' and ')}**: Ryuk, its cleanup container, must be pulled and no registry is reachable here, so the peer ran without ` +
        'its safety net (the bench removes every container itself); the host override stops it from running `alpine:3.14` to look for a gateway.',
      '',
    );
  }
  out.push(
    'All subjects of a case ran interleaved in the same run (order rotated every iteration). Samples are wall-clock ms; ' +
      '"paired Δ" is the median of per-iteration differences, steadier than a difference of medians on a busy machine.',
    '',
  );

  out.push('## Measurements', '', '| Suite | Case | Subject | n | median | p95 |', '| --- | --- | --- | ---: | ---: | ---: |');
  for (const c of cases) {
    for (const s of Object.values(c.subjects))
      out.push(`| ${c.suite} | ${c.title} | ${s.label} | ${s.n} | ${fmtMs(s.median)} | ${fmtMs(s.p95)} |`);
  }
  out.push('');

  out.push(
    '## Comparisons',
    '',
    '| Case | A vs B | A / B (medians) | paired Δ A − B: median (p95) | target | verdict |',
    '| --- | --- | ---: | ---: | --- | --- |',
  );
  for (const c of cases) {
    for (const cmp of c.comparisons) {
      const a = c.subjects[cmp.a];
      const b = cmp.b && c.subjects[cmp.b];
      const pair = b ? `${a.label} vs ${b.label}` : a.label;
      const delta = cmp.delta ? `${signed(cmp.delta.median)} (${signed(cmp.delta.p95)})` : `${fmtMs(a.median)}`;
      const verdict = cmp.target === undefined ? '' : cmp.met ? 'met' : '**missed**';
      out.push(`| ${c.title} | ${pair} | ${b ? fmtRatio(cmp.ratio) : '–'} | ${delta} | ${cmp.target ?? ''} | ${verdict} |`);
    }
  }
  out.push('');

  const withBreakdown = cases.filter((c) => Object.keys(c.breakdown).length > 0);
  if (withBreakdown.length > 0) {
    out.push('## Where the time goes (medians)', '');
    for (const c of withBreakdown) {
      const parts = [...new Set(Object.values(c.breakdown).flatMap((p) => Object.keys(p)))];
      out.push(`**${c.title}**`, '', `| Subject | ${parts.join(' | ')} |`, `| --- | ${parts.map(() => '---:').join(' | ')} |`);
      for (const [key, p] of Object.entries(c.breakdown)) {
        out.push(`| ${c.subjects[key]?.label ?? key} | ${parts.map((part) => fmtMs(p[part])).join(' | ')} |`);
      }
      out.push('');
    }
  }

  const noted = cases.filter((c) => c.notes?.length > 0);
  if (noted.length > 0) {
    out.push('## Notes', '');
    for (const c of noted) for (const note of c.notes) out.push(`- ${c.title}: ${note}`);
    out.push('');
  }

  const traced = cases.filter((c) => Object.keys(c.calls).length > 0);
  if (traced.length > 0) {
    out.push('## Engine calls of one start (last iteration; time to response headers)', '');
    for (const c of traced) {
      for (const [key, calls] of Object.entries(c.calls))
        out.push(`- ${c.title}, ${c.subjects[key]?.label ?? key}: ${describeCalls(calls)}`);
    }
    out.push('');
  }

  if (footprint) {
    out.push(
      '## Install footprint',
      '',
      'Each side installed with `npm install --omit=dev --legacy-peer-deps` and a fresh cache into an empty directory (berth from `pnpm pack` tarballs, the peer from the registry); ' +
        'every package.json at a package root under node_modules counts as one package; install scripts are read from the installed manifests. Peer dependencies (vitest, pg) are left out on every side.',
      '',
    );
    if (footprint.error) out.push(`Not measured: ${footprint.error}`, '');
    else if (footprint.skipped) out.push(`Skipped: ${footprint.skipped}.`, '');
    else {
      out.push(
        '| Side | packages | MB on disk | MB of file contents | packages with install scripts |',
        '| --- | ---: | ---: | ---: | --- |',
      );
      for (const side of [footprint.core, footprint.berth, footprint.peer].filter(Boolean)) {
        const scripts = side.installScripts === undefined ? '—' : side.installScripts.join(', ') || 'none';
        out.push(
          `| ${side.installed.join(' + ')} | ${side.packages} | ${side.mbOnDisk.toFixed(1)} | ${side.mbApparent.toFixed(1)} | ${scripts} |`,
        );
      }
      out.push(
        '',
        `Ratio berth / testcontainers: ${fmtRatio(footprint.berth.packages / footprint.peer.packages)} packages, ${fmtRatio(footprint.berth.mbOnDisk / footprint.peer.mbOnDisk)} MB on disk. ` +
          (footprint.berth.viaDockerode
            ? `dockerode's own dependency closure is ${footprint.berth.viaDockerode} of these ${footprint.berth.packages} packages. `
            : '') +
          `Packed: ${Object.entries(footprint.berth.packedKb)
            .map(([n, kb]) => `${n} ${kb.toFixed(0)} kB`)
            .join(', ')}.`,
        '',
      );
      for (const side of [footprint.core, footprint.berth, footprint.peer].filter(Boolean)) {
        if (side.npmWarnings?.length) out.push(`- npm warned installing ${side.installed.join(' + ')}: ${side.npmWarnings.join(' / ')}`);
      }
      for (const note of footprint.notes) out.push(`- ${note}`);
      if (footprint.notes.length) out.push('');
    }
  }

  const problems = cases.flatMap((c) => c.errors.map((e) => `${c.title}: ${e}`));
  if (problems.length > 0) {
    out.push('## Failed samples', '', ...problems.map((p) => `- ${p}`), '');
  }
  return out.join('\n');
}
