// Issue 14, "lighter processes": what `fleetstorm run` with one client and an idle
// `fleetstorm agent` hold, measured on the real CLI (bin/fleetstorm.js on the compiled dist/, the
// way `npm ci` installs it) against a real Mosquitto: peak resident memory sampled from
// /proc/<pid>/status, and the modules each loaded (FLEETSTORM_TRACE_MODULES, bin/trace-modules.mjs).
// A command must not load what it does not use: the report and its charts, the embedded broker,
// certificates, prom-client, worker pools — nor, for an idle agent, the engine.

import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import YAML from 'yaml';
// @ts-expect-error plain JavaScript module shared with bin/
import { distIsFresh } from '../../../bin/freshness.mjs';
import { describeWithMosquitto, useMosquitto } from '../../helpers/brokers.ts';
import { REPO, startCli } from '../../helpers/cli.ts';

/**
 * Bounds this suite holds the CLI to. Issue 14's targets are 80 MB (run, one client) and 40 MB
 * (idle agent) of resident memory. On Linux a bare `node -e` already holds ~40 MB VmRSS, but only
 * ~6 MB of it is private (RssAnon); the rest (RssFile, ~33 MB) is the node binary's pages, shared
 * by every node process on the machine. So each bound is given twice: VmRSS, what `top` shows,
 * and RssAnon, what one more process (say one more agent on a machine) really costs. What
 * fleetstorm reaches today (see the closing notes): a one-client run peaks at ~88-96 MB VmRSS,
 * ~41-49 MB RssAnon; an idle agent holds ~62-67 MB VmRSS, ~21-25 MB RssAnon (bare node: 6 MB).
 * These bounds sit just above that, so a module that starts loading eagerly again (zod in an
 * agent, say: +3-4 MB), or a young generation that grows again, fails here.
 */
const RUN_PEAK_RSS_MB = 100;
const RUN_PEAK_ANON_MB = 53;
const AGENT_IDLE_RSS_MB = 70;
const AGENT_IDLE_ANON_MB = 28;

/** Packages a one-client run and an idle agent must never load. */
const NEVER_IN_RUN = ['aedes', 'chart.js', 'chartjs-node-canvas', '@napi-rs/canvas', 'canvas', 'piscina', 'prom-client', '@peculiar/x509'];

const onLinux = os.platform() === 'linux';

function statusField(pid: number, field: string): number {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0; // exited
  }
}

const mb = (kb: number) => (kb / 1024).toFixed(1);

/** What a bare `node -e` holds on this machine, the floor of every figure here. */
async function bareNode(): Promise<{ rssKb: number; anonKb: number }> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 5000)'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 1000));
  const out = { rssKb: statusField(child.pid!, 'VmRSS'), anonKb: statusField(child.pid!, 'RssAnon') };
  child.kill('SIGKILL');
  return out;
}

/** Package names (node_modules/<name>/…) and fleetstorm source files (src/… or dist/src/…) in a trace. */
function loaded(traceFile: string): { packages: Set<string>; own: string[] } {
  const urls = readFileSync(traceFile, 'utf8').split('\n').filter(Boolean);
  const packages = new Set<string>();
  const own: string[] = [];
  for (const url of urls) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    if (m) packages.add(m[1]);
    const s = /\/(?:dist\/)?src\/(.+)\.(?:js|ts)$/.exec(url);
    if (s && !m) own.push(s[1]);
  }
  return { packages, own };
}

describeWithMosquitto('process fixed cost (issue 14)', () => {
  const broker = useMosquitto();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fleetstorm-lean-'));
  const children: number[] = [];
  afterAll(() => {
    for (const pid of children) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });

  it.runIf(onLinux)(
    'a run with one client stays under its memory bound and loads no report, broker, certs, metrics endpoint or pool',
    async () => {
      // What `npm ci` leaves: dist/ up to date with src/ (prepare runs scripts/build.mjs).
      if (!(distIsFresh as (root: string) => boolean)(REPO))
        execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO, stdio: 'ignore' });
      const file = path.join(dir, 'one.yaml');
      writeFileSync(
        file,
        YAML.stringify({
          schema: 1,
          name: 'lean-one',
          seed: 1,
          duration: '4s',
          broker: { url: broker().url },
          groups: [
            {
              name: 'dev',
              count: 1,
              clientId: 'lean-{i}',
              subscribe: [{ topic: 'lean/{i}/x', qos: 1 }],
              publish: [{ topic: 'lean/{i}/x', qos: 1, size: 64, rate: '2/s' }],
            },
          ],
        }),
      );
      const trace = path.join(dir, 'run-modules.txt');
      writeFileSync(trace, '');
      // Memory without the tracing hooks (they run on a thread of their own); modules in a second run.
      const plain = startCli(['run', file, '--quiet', '--json', '--out', path.join(dir, 'out')]);
      children.push(plain.child.pid!);
      let peakKb = 0;
      let peakAnonKb = 0;
      let threads = 0;
      const sampler = setInterval(() => {
        peakKb = Math.max(peakKb, statusField(plain.child.pid!, 'VmRSS'));
        peakAnonKb = Math.max(peakAnonKb, statusField(plain.child.pid!, 'RssAnon'));
        threads = Math.max(threads, statusField(plain.child.pid!, 'Threads'));
      }, 25);
      const run = await plain.done;
      clearInterval(sampler);
      expect(run.code, run.stderr).toBe(0);
      const summary = JSON.parse(run.stdout).summary;
      // The run really ran: its one client published and received its own QoS 1 messages.
      expect(summary.connections.succeeded).toBe(1);
      expect(summary.messages.received).toBe(summary.messages.expected);
      expect(summary.messages.expected).toBeGreaterThan(0);
      expect(peakKb / 1024).toBeGreaterThan(20); // the sampler saw the process
      expect(peakKb / 1024).toBeLessThanOrEqual(RUN_PEAK_RSS_MB);
      expect(peakAnonKb / 1024).toBeLessThanOrEqual(RUN_PEAK_ANON_MB);

      const traced = await startCli(['run', file, '--quiet', '--out', path.join(dir, 'out2')], {
        env: { FLEETSTORM_TRACE_MODULES: trace },
      }).done;
      expect(traced.code, traced.stderr).toBe(0);
      const { packages, own } = loaded(trace);
      expect(packages.has('hdr-histogram-js')).toBe(true); // the trace saw the run's own packages
      for (const name of [...NEVER_IN_RUN, 'csv-parse', 'ws']) expect(packages.has(name), `${name} loaded by a one-client run`).toBe(false);
      // The engine's connect path holds the identity-inventory reader (certs/inventory*, plain
      // node:fs; its CSV parser loads only for an inventory): the minting code must stay out.
      for (const file of own)
        expect(file).not.toMatch(
          /^(report\/html\/(render|charts|sections|chartjs-source)|report\/png|report\/write-report|broker\/embedded|certs\/(?!inventory\b|inventory-(format|stream)\b)|hosts\/thread-host|hosts\/process-host|hosts\/control\/control-broker|coordinator\/capacity)/,
        );
      const bare = await bareNode();
      process.stderr.write(
        `lean: run with one client peak VmRSS ${mb(peakKb)} MB, RssAnon ${mb(peakAnonKb)} MB, ${threads} threads` +
          ` (bare node: VmRSS ${mb(bare.rssKb)} MB, RssAnon ${mb(bare.anonKb)} MB)\n`,
      );
    },
    120_000,
  );

  it.runIf(onLinux)(
    'an idle agent stays under its memory bound and holds no engine before its first run',
    async () => {
      if (!(distIsFresh as (root: string) => boolean)(REPO))
        execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO, stdio: 'ignore' });
      const trace = path.join(dir, 'agent-modules.txt');
      writeFileSync(trace, '');
      const measure = async (env: NodeJS.ProcessEnv) => {
        const agent = startCli(['agent', '--control', broker().url, '--token', 'lean-test', '--id', `lean-${process.pid}`], { env });
        children.push(agent.child.pid!);
        let stderr = '';
        agent.child.stderr!.on('data', (d) => (stderr += d));
        const deadline = Date.now() + 30_000;
        while (!/waiting for a run/.test(stderr) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        expect(stderr).toMatch(/waiting for a run/);
        // Idle: connected to the control broker, no run yet. Let startup garbage settle, then read.
        await new Promise((r) => setTimeout(r, 1500));
        const rssKb = statusField(agent.child.pid!, 'VmRSS');
        const anonKb = statusField(agent.child.pid!, 'RssAnon');
        agent.child.kill('SIGTERM');
        await agent.done;
        return { rssKb, anonKb };
      };
      const { rssKb, anonKb } = await measure({});
      expect(rssKb / 1024).toBeGreaterThan(20);
      expect(rssKb / 1024).toBeLessThanOrEqual(AGENT_IDLE_RSS_MB);
      expect(anonKb / 1024).toBeLessThanOrEqual(AGENT_IDLE_ANON_MB);
      await measure({ FLEETSTORM_TRACE_MODULES: trace });
      const { packages, own } = loaded(trace);
      expect(packages.has('mqtt')).toBe(true); // the control connection: the trace saw it
      // It runs a scenario the coordinator already validated: no schema (zod), no YAML.
      for (const name of [...NEVER_IN_RUN, 'hdr-histogram-js', 'yaml', 'zod'])
        expect(packages.has(name), `${name} loaded by an idle agent`).toBe(false);
      expect(own.filter((f) => /^(engine|client|metrics)\//.test(f))).toEqual([]);
      const bare = await bareNode();
      process.stderr.write(
        `lean: idle agent VmRSS ${mb(rssKb)} MB, RssAnon ${mb(anonKb)} MB` +
          ` (bare node: VmRSS ${mb(bare.rssKb)} MB, RssAnon ${mb(bare.anonKb)} MB)\n`,
      );
    },
    120_000,
  );
});
