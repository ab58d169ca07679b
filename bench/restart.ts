// A broker restart under a fleet of persistent sessions.
//   npm run bench:restart                   # 100,000 devices over 6 mosquitto processes
//   npm run bench:restart -- --quick        # 20,000 devices over 3
//   extra: --devices N --brokers B --rate R --duration S --kill-after S --down S
//          --max-in-flight N --connect-rate C --processes P --threads T --source-addresses N (0: none)
// Every device has a persistent session (clean: false) and publishes QoS 1; broker k has its own
// devices (group devices-k, pinned with `endpoints`) publishing on b<k>/…, and one backend
// client (backend-k, clean: false) subscribed to b<k>/+/state, so fleetstorm's expected counts are
// exact per broker. Persistence is on and saved on every change (mosquitto-config.ts). Once the
// run is steady, an MQTT.js oracle with its own persistent session on broker 0 disconnects
// politely (its session keeps queueing), broker 0 is killed with SIGKILL, stays down `--down`
// seconds, restarts on the same port and config (debug logging to a file from then on, to count
// DUP resends), and the oracle comes back for what was queued. Writes bench/results/restart[-quick].json.

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PERSISTENCE_FILE } from '../src/broker/mosquitto-config.ts';
import { startMosquittoFleet } from '../src/broker/mosquitto.ts';
import { flag, num, optionalNum, round } from './lib/args.ts';
import { loadavg, settleTimeWait } from './lib/proc.ts';
import { Oracle } from './lib/oracle.ts';
import { runCli } from './lib/run-cli.ts';
import { table } from './lib/series.ts';

const quick = flag('quick');
const CLIENTS_PER_BROKER = 17_000;
const devices = num('devices', quick ? 20_000 : 100_000);
const brokers = num('brokers', Math.max(3, Math.ceil(devices / CLIENTS_PER_BROKER)));
const rate = num('rate', quick ? 2_000 : 5_000);
const durationS = num('duration', quick ? 100 : 150);
const killAfterS = num('kill-after', quick ? 30 : 45);
const downS = num('down', 5);
const maxInFlight = num('max-in-flight', 200);
const connectRate = num('connect-rate', quick ? 3_000 : 4_000);
/**
 * Local source addresses (127.0.0.2…): Linux slows every connect() sharply past ~14,000
 * connections per local port pool (src/plan/addresses.ts): bound, ~7,000 per address; the fleet binds ~6,000 to each.
 */
const sources = num('source-addresses', Math.ceil(devices / 6_000));
const processes = optionalNum('processes');
const threads = optionalNum('threads');
/** The oracle leaves this long before the kill, so the broker must persist what it queues meanwhile. */
const ORACLE_EARLY_S = 3;
/** And comes back this long after the broker is up again. */
const ORACLE_LATE_S = 3;
const K = 0; // the broker that is killed
/**
 * How mosquitto saves: 'seconds' (default) writes the database once a second; 'changes' is
 * src/broker/mosquitto-config.ts's setting, a full write after every change, which keeps a kill -9
 * from losing anything but rewrites the whole database (every session) per change: at thousands
 * of persistent sessions the broker then spends its time writing and falls minutes behind.
 */
const autosave = process.argv.includes('--autosave') ? process.argv[process.argv.indexOf('--autosave') + 1] : 'seconds';
if (autosave !== 'seconds' && autosave !== 'changes') {
  process.stderr.write('--autosave must be seconds or changes\n');
  process.exit(2);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const name = quick ? 'restart-quick' : 'restart';
  await settleTimeWait();
  const load0 = loadavg();
  const fleet = await startMosquittoFleet(brokers, {
    persistence: true,
    maxConnections: CLIENTS_PER_BROKER + 2000,
    maxQueuedMessages: 0,
    maxInflightMessages: 0,
    sysInterval: 60,
    startTimeoutMs: 30_000,
    // Later lines win in mosquitto's config: back to a time-based save, once a second.
    extraConfig: autosave === 'seconds' ? ['autosave_on_changes false', 'autosave_interval 1'] : [],
  });
  const victim = fleet.brokers[K];
  const perBroker = Array.from({ length: brokers }, (_, k) => Math.floor(devices / brokers) + (k < devices % brokers ? 1 : 0));
  const reconnect = { initialDelay: '1s', maxDelay: '8s', multiplier: 2, jitter: '50%' };
  const scenario = {
    schema: 1,
    name,
    description: `${devices} persistent devices over ${brokers} mosquitto processes; broker ${K} killed -9 and restarted`,
    seed: 1,
    duration: `${durationS}s`,
    drain: '10s',
    broker: { urls: fleet.urls, connectTimeout: '10s', sourceAddresses: sources > 0 ? [`127.0.0.2-127.0.0.${sources + 1}`] : [] },
    groups: perBroker.flatMap((n, k) => [
      {
        name: `backend-${k}`,
        count: 1,
        clientId: `b${k}-backend-{i}`,
        clean: false,
        keepalive: '60s',
        endpoints: [k],
        reconnect,
        subscribe: [{ topic: `b${k}/+/state`, qos: 1 }],
      },
      {
        name: `devices-${k}`,
        count: n,
        clientId: `b${k}-dev-{i}`,
        clean: false,
        keepalive: '60s',
        endpoints: [k],
        connectRate: `${Math.ceil(connectRate / brokers)}/s`,
        maxConnectsInFlight: maxInFlight,
        reconnect,
        publish: [{ topic: `b${k}/{i}/state`, qos: 1, size: 64, totalRate: `${round(rate / brokers, 3)}/s` }],
      },
    ]),
  };

  const oracle = new Oracle(victim.url, `b${K}/+/state`, 'restart-oracle');
  await oracle.connect();
  const work = mkdtempSync(path.join(os.tmpdir(), 'fleetstorm-restart-'));
  process.stderr.write(
    `restart: ${devices} devices over ${brokers} brokers (${perBroker[K]} on broker ${K}), ${rate} msg/s; load ${load0}\n`,
  );
  const cli = runCli(work, scenario, { processes, threads });

  // Broker 0's open fds once a second: an independent view of its clients leaving and coming back.
  const fds: { at: number; fds: number }[] = [];
  const fdTimer = setInterval(() => {
    let n = 0;
    try {
      n = readdirSync(`/proc/${victim.pid}/fd`).length;
    } catch {
      n = 0;
    }
    fds.push({ at: Date.now(), fds: n });
  }, 1000);
  // When broker 0 saves its database: mosquitto writes <file>.new and renames it over <file>, so
  // the .new file appearing marks a save's start and the file's new mtime its end. What the
  // broker took in after the start of its last save before the kill was on no disk.
  const dbFile = path.join(victim.dir, PERSISTENCE_FILE);
  const saves: { startedAt: number; endedAt: number }[] = [];
  let saveStart = 0;
  let lastMtime = 0;
  const saveTimer = setInterval(() => {
    const now = Date.now();
    if (saveStart === 0 && existsSync(`${dbFile}.new`)) saveStart = now;
    let mtime = 0;
    try {
      mtime = statSync(dbFile).mtimeMs;
    } catch {
      mtime = 0;
    }
    if (mtime !== lastMtime && mtime > 0) {
      if (lastMtime > 0) saves.push({ startedAt: saveStart || now, endedAt: now });
      lastMtime = mtime;
      saveStart = 0;
    }
  }, 20);
  const debugLog = path.join(work, 'broker-after-restart.log');
  let killAt = 0,
    upAt = 0,
    oracleOffAt = 0,
    oracleBackAt = 0,
    code = 0;
  let fdsBefore = 0;
  try {
    const steadyAt = await cli.steady(10 * 60_000);
    await sleep(Math.max(0, steadyAt + (killAfterS - ORACLE_EARLY_S) * 1000 - Date.now()));
    fdsBefore = fds.at(-1)?.fds ?? 0;
    oracleOffAt = Date.now();
    await oracle.goOffline();
    await sleep(ORACLE_EARLY_S * 1000);
    process.stderr.write(`restart: SIGKILL broker ${K} (pid ${victim.pid})\n`);
    killAt = Date.now();
    await victim.kill();
    clearInterval(saveTimer);
    // Same ports, same persistence; from now on log every packet to a file (DUP flags).
    const conf = readFileSync(victim.configFile, 'utf8').replace('log_dest stderr', `log_dest file ${debugLog}`);
    writeFileSync(victim.configFile, conf + 'log_type debug\n');
    await sleep(downS * 1000);
    await victim.restart();
    upAt = Date.now();
    process.stderr.write(`restart: broker ${K} up again (pid ${victim.pid}) after ${round((upAt - killAt) / 1000, 1)} s\n`);
    await sleep(ORACLE_LATE_S * 1000);
    for (let i = 0; ; i++) {
      try {
        await oracle.connect();
        break;
      } catch (err) {
        if (i >= 20) throw err;
        await sleep(500);
      }
    }
    oracleBackAt = Date.now();
    code = await cli.done;
    await oracle.quiet(3000, 30_000);
  } finally {
    clearInterval(fdTimer);
    clearInterval(saveTimer);
  }
  const seen = await Promise.race([oracle.stop(), sleep(5000).then(() => oracle.counts())]);
  const gaps = oracle.gaps();
  await fleet.stop();
  // 3 = the run completed and a gate failed (e.g. some device never connected), 1 = it stopped early:
  // both still write what was measured, and the verdict below says what missed.
  if (code !== 0 && code !== 1 && code !== 3) throw new Error(`fleetstorm exited with code ${code} (see ${work})`);

  const result = cli.result();
  const s = result.summary;
  const runStart = Date.parse(result.run.startedAt);
  const dev = result.groups[`devices-${K}`];
  const back = result.groups[`backend-${K}`];
  const others = Object.entries(result.groups).filter(([g]) => !g.endsWith(`-${K}`));

  // fleetstorm's timeline: connections back to where they were after the restart.
  const totalClients = devices + brokers;
  const killT = (killAt - runStart) / 1000;
  const upT = (upAt - runStart) / 1000;
  const steadyEndT = (result.run.steadyEndMs ?? result.run.durationMs) / 1000;
  const secondsAfterKill = result.timeline.filter((p) => p.t > killT && p.t <= steadyEndT);
  const allBackT = secondsAfterKill.find((p) => p.t > upT && p.connected >= totalClients)?.t ?? null;
  const fdBackAt = fds.find((f) => f.at > upAt && f.fds >= fdsBefore)?.at ?? null;

  // What the restarted broker logged: publishes it received with DUP set, redeliveries it made.
  let log = '';
  try {
    log = readFileSync(debugLog, 'utf8');
  } catch {
    log = '';
  }
  const count = (re: RegExp) => (log.match(re) ?? []).length;
  const brokerLog = {
    receivedPublishWithDup: count(/Received PUBLISH from \S+ \(d1,/g),
    receivedPublish: count(/Received PUBLISH from /g),
    sentPublishWithDupToOracle: count(/Sending PUBLISH to restart-oracle \(d1,/g),
    sentPublishWithDupToBackend: count(new RegExp(`Sending PUBLISH to b${K}-backend-\\S+ \\(d1,`, 'g')),
  };

  // The bound the plan puts on connects in flight: per group and shard, maxConnectsInFlight (a
  // one-client backend can have only one).
  const boundOf = (g: string) =>
    result.run.hosts.reduce((a, h) => a + Math.min(h.clients[g] ?? 0, g.startsWith('devices-') ? maxInFlight : 1000), 0);
  const bound = Object.keys(result.groups).reduce((a, g) => a + boundOf(g), 0);
  const devBound = boundOf(`devices-${K}`);

  // An oracle hole is the broker's loss when its message reached the broker after the start of
  // the broker's last save before the kill (or while it was down): it was on no disk when the
  // broker died. A message sent at t reaches the broker a little later, so the window opens
  // that delay (below) before the save started. Without an observed save,
  // the configured period (1 s) stands in for it.
  const savesBeforeKill = saves.filter((x) => x.endedAt <= killAt);
  const lastSaveStart = savesBeforeKill.at(-1)?.startedAt ?? killAt - (autosave === 'seconds' ? 1000 : 0);
  // How late a message reached the broker after it was sent, bounded by the end-to-end p99 of
  // the 10 seconds before the kill (a delivery comes after the broker took the message in).
  const ackP99Ms = Math.max(0, ...result.timeline.filter((p) => p.t > killT - 10 && p.t <= killT).map((p) => p.endToEndP99Ms));
  const windowFrom = lastSaveStart - ackP99Ms;
  // A hole's message was due one publish period after the message before it (a send skipped
  // while the device was offline takes no seq, so interpolating to the next delivery misleads).
  const step = oracle.stepMs();
  const holeSentAt = (x: (typeof gaps)[number]) =>
    step > 0
      ? x.prevIntendedMs + step * (x.seq - x.prevSeq)
      : x.prevIntendedMs + ((x.nextIntendedMs - x.prevIntendedMs) / (x.nextSeq - x.prevSeq || 1)) * (x.seq - x.prevSeq);
  const holeTimes = gaps.map(holeSentAt);
  const brokerSide = holeTimes.filter((at) => at >= windowFrom && at <= upAt).length;
  /** Holes by when their message was sent, in 250 ms bins relative to the kill. */
  const holeBins: Record<string, number> = {};
  for (const at of holeTimes) {
    const bin = (Math.floor((at - killAt) / 250) * 250) / 1000;
    holeBins[bin.toFixed(2)] = (holeBins[bin.toFixed(2)] ?? 0) + 1;
  }
  const expectedOracle = dev.messages.published;
  const oracleLost = expectedOracle - seen.unique;
  const fsUnique = back.messages.received - back.messages.duplicated;
  const figures = {
    benchmark: name,
    recordedAt: new Date().toISOString(),
    command: `npm run bench:restart -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine: {
      cores: os.availableParallelism(),
      memoryGB: round(os.totalmem() / 2 ** 30, 1),
      node: process.version,
      cpu: os.cpus()[0]?.model,
    },
    loadavg: { atStart: load0, atEnd: loadavg() },
    target: {
      autosave,
      devices,
      brokers,
      devicesOnKilledBroker: perBroker[K],
      publishPerSec: rate,
      durationS,
      killAfterSteadyS: killAfterS,
      downS,
      maxConnectsInFlight: maxInFlight,
      sourceAddresses: sources,
      reconnect,
    },
    exitCode: code,
    layout: result.run.hosts.map((h) => ({ id: h.id, kind: h.kind, clients: Object.values(h.clients).reduce((a, b) => a + b, 0) })),
    restart: {
      killAtS: round(killT, 1),
      upAtS: round(upT, 1),
      downS: round((upAt - killAt) / 1000, 1),
      /** Open fds of the killed broker just before the kill (its clients, plus a few files). */
      brokerFdsBeforeKill: fdsBefore,
      /** First timeline second after the restart with every client connected, seconds after the broker was up. */
      allBackAfterUpS: allBackT !== null ? round(allBackT - upT, 1) : null,
      /** The killed broker's open fds back to their pre-kill count (independent of fleetstorm). */
      brokerFdsBackAfterUpS: fdBackAt !== null ? round((fdBackAt - upAt) / 1000, 1) : null,
    },
    connections: {
      all: s.connections,
      killedBroker: { devices: dev.connections, backend: back.connections },
      maxInFlight: s.connections.maxInFlight ?? null,
      maxInFlightBound: bound,
      killedBrokerDevicesBound: devBound,
      reconnectGapMs: s.latencyMs.reconnect,
    },
    messages: {
      all: s.messages,
      killedBroker: {
        published: dev.messages.published,
        acked: dev.messages.acked,
        /** Sends due while the device was offline: fleetstorm skips them (it does not queue). */
        skippedWhileOffline: dev.messages.skipped ?? 0,
        backendReceived: back.messages.received,
        backendExpected: back.messages.expected,
        backendLost: back.messages.lost,
        backendDuplicated: back.messages.duplicated,
      },
      otherBrokers: {
        published: others.reduce((a, [, g]) => a + g.messages.published, 0),
        lost: others.reduce((a, [, g]) => a + g.messages.lost, 0),
        duplicated: others.reduce((a, [, g]) => a + g.messages.duplicated, 0),
      },
    },
    brokerLogAfterRestart: brokerLog,
    oracle: {
      ...seen,
      offlineWindowsS: oracle.offlineWindows().map(([a, b]) => [round((a - runStart) / 1000, 1), round((b - runStart) / 1000, 1)]),
      expected: expectedOracle,
      lost: oracleLost,
      fleetstormUniqueReceived: fsUnique,
      agreesWithFleetstorm: seen.unique === fsUnique,
      /** Holes inside the oracle's streams: the next delivered message's intended send time, seconds since the kill. */
      gaps: gaps.slice(0, 50).map((x) => ({
        stream: x.stream,
        seq: x.seq,
        prevSentSAfterKill: round((x.prevIntendedMs - killAt) / 1000, 3),
        nextSentSAfterKill: round((x.nextIntendedMs - killAt) / 1000, 3),
      })),
      gapCount: gaps.length,
      /** Holes sent within the last save period before the kill (± 250 ms of timer slack) or while it was down: lost by the broker. */
      gapsInBrokerUnsavedWindow: brokerSide,
      /** Hole send times relative to the kill: [first, last] in s, and counts in 250 ms bins. */
      holesSentSAfterKill: holeTimes.length
        ? [round((Math.min(...holeTimes) - killAt) / 1000, 3), round((Math.max(...holeTimes) - killAt) / 1000, 3)]
        : null,
      holesBySendTimeAfterKill: holeBins,
      /** Broker 0's database saves seen in the 10 s before the kill (s relative to the kill). */
      brokerSavesBeforeKillS: savesBeforeKill
        .filter((x) => x.endedAt >= killAt - 10_000)
        .map((x) => [round((x.startedAt - killAt) / 1000, 3), round((x.endedAt - killAt) / 1000, 3)]),
      unsavedWindowFromSAfterKill: round((windowFrom - killAt) / 1000, 3),
      brokerDelayBoundMs: ackP99Ms,
      publishPeriodMs: step,
      offlineFromS: round((oracleOffAt - runStart) / 1000, 2),
      backAtS: round((oracleBackAt - runStart) / 1000, 2),
    },
    /** fleetstorm's losses by the second they were sent in, seconds since the kill (timeline). */
    fleetstormLostBySecondAfterKill: result.timeline.filter((p) => p.lost > 0).map((p) => [round(p.t - killT, 1), p.lost]),
    errors: s.errors,
    brokerFdsPerSecond: fds.map((f) => [round((f.at - runStart) / 1000, 0), f.fds]),
  };
  const verdict = [
    {
      // Every device of broker 0 dropped with it and connected again (a retried first connect
      // also counts as a reconnect, so reconnects ≥ dropped), and the fleet ended fully connected.
      target: 'every dropped device back',
      measured: `${dev.connections.dropped ?? 0} dropped, ${dev.connections.reconnects ?? 0} reconnects, ${result.timeline.at(-1)?.connected ?? 0}/${totalClients} connected at the end`,
      bound: 'all',
      ok:
        (dev.connections.dropped ?? 0) > 0 &&
        (dev.connections.reconnects ?? 0) >= (dev.connections.dropped ?? 0) &&
        (result.timeline.at(-1)?.connected ?? 0) === totalClients,
    },
    {
      target: 'all connected again (s after up)',
      measured: String(figures.restart.allBackAfterUpS),
      bound: 'reached',
      ok: allBackT !== null,
    },
    {
      target: 'connects in flight (max)',
      measured: String(s.connections.maxInFlight ?? 'n/a'),
      bound: `≤ ${bound}`,
      ok: (s.connections.maxInFlight ?? Infinity) <= bound,
    },
    { target: 'lost (fleetstorm, all brokers)', measured: String(s.messages.lost), bound: '0', ok: s.messages.lost === 0 },
    {
      target: 'lost (oracle, offline across the kill)',
      measured: String(oracleLost),
      bound: "only the broker's unsaved",
      ok: brokerSide === oracleLost,
    },
    {
      target: "  of which sent after the broker's last save began",
      measured: String(brokerSide),
      bound: `all ${oracleLost}`,
      ok: brokerSide === oracleLost,
    },
    {
      target: 'oracle unique + unsaved = fleetstorm unique',
      measured: `${seen.unique} + ${brokerSide} / ${fsUnique}`,
      bound: 'equal',
      ok: seen.unique + brokerSide === fsUnique,
    },
    {
      // fleetstorm's backend-0 session: every duplicate it counted is a DUP resend the restarted
      // broker logged sending it (the oracle's own session gets its own resends).
      target: 'duplicates: fleetstorm backend = broker DUP resends to it',
      measured: `${back.messages.duplicated} / ${brokerLog.sentPublishWithDupToBackend}`,
      bound: 'equal',
      ok: back.messages.duplicated === brokerLog.sentPublishWithDupToBackend,
    },
    {
      target: 'duplicates: oracle (DUP-flagged received)',
      measured: `${seen.duplicates} (${seen.dupFlagged})`,
      bound: 'reported',
      ok: seen.duplicates <= seen.dupFlagged,
    },
    {
      target: 'sent while oracle offline, delivered',
      measured: String(seen.sentWhileOffline),
      bound: '> 0',
      ok: seen.sentWhileOffline > 0,
    },
  ];
  const out = { ...figures, verdict };
  const resultsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(path.join(resultsDir, `${name}.json`), JSON.stringify(out, null, 2) + '\n');
  const g = s.latencyMs.reconnect;
  process.stdout.write(
    `\n${name}: ${devices} devices, ${perBroker[K]} on the killed broker; down ${figures.restart.downS} s; ` +
      `dropped ${s.connections.dropped ?? 0}, reconnected ${s.connections.reconnects ?? 0}, reconnect failures ${s.connections.reconnectFailed ?? 0}; ` +
      `all back ${figures.restart.allBackAfterUpS} s after the broker was up (its fds: ${figures.restart.brokerFdsBackAfterUpS} s); ` +
      `reconnect gap p50 ${g.p50} p90 ${g.p90} p99 ${g.p99} max ${g.max} ms\n` +
      `broker ${K}: published ${dev.messages.published}, skipped while offline ${dev.messages.skipped ?? 0}, resent with DUP (broker log) ${brokerLog.receivedPublishWithDup}, ` +
      `backend received ${back.messages.received} (dup ${back.messages.duplicated}, lost ${back.messages.lost}); ` +
      `oracle unique ${seen.unique} (dup ${seen.duplicates}, DUP-flagged ${seen.dupFlagged}, sent while it was offline ${seen.sentWhileOffline}); ` +
      `loadavg ${load0} → ${figures.loadavg.atEnd}\n\n`,
  );
  process.stdout.write(
    table([['target', 'measured', 'bound', 'verdict'], ...verdict.map((v) => [v.target, v.measured, v.bound, v.ok ? 'PASS' : 'FAIL'])]),
  );
  process.stdout.write(
    "\nA loss the oracle sees too is the broker's: mosquitto acknowledged (or queued) a message and the kill -9 took it before\n" +
      "it reached disk. A loss only fleetstorm reports (the oracle has the message) would be fleetstorm's own.\n",
  );
  process.stderr.write(`wrote ${path.join(resultsDir, name)}.json\n`);
  if (flag('keep')) process.stderr.write(`kept ${work} (scenario, result.json, events, probe lines, broker log)\n`);
  else rmSync(work, { recursive: true, force: true });
}

await main();
