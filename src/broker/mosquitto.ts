// Starts real mosquitto brokers for tests and benchmarks: each in its own temp dir, on free
// loopback ports, stopped by PID. Never touches a system mosquitto on 1883.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findFreePorts } from './free-port.ts';
import { PERSISTENCE_FILE, renderMosquittoConfig, type MosquittoLayout, type MosquittoOptions } from './mosquitto-config.ts';
import { writePasswordFile } from './mosquitto-passwd.ts';
import { waitForPort } from './wait-for-port.ts';

export type { MosquittoOptions, MosquittoTlsOptions } from './mosquitto-config.ts';

export const MOSQUITTO_BINARY = '/usr/sbin/mosquitto';

export interface MosquittoHandle {
  /** First plain listener, `mqtt://127.0.0.1:N`. */
  url: string;
  urls: string[];
  port: number;
  ports: number[];
  /** Present when `tls` was given. */
  tlsUrl?: string;
  tlsPort?: number;
  /** Present when `websockets` was given: ws://host:N/mqtt (and wss:// with `tls` too). */
  wsUrl?: string;
  wssUrl?: string;
  /** PID of the current process (changes on restart). */
  readonly pid: number;
  /** Temp dir holding the config, password file and persistence database. */
  dir: string;
  configFile: string;
  persistenceFile: string;
  /** Last few KB mosquitto wrote to stderr. */
  stderrTail(): string;
  /** SIGTERM, SIGKILL after 3 s, waits for exit, removes `dir`. Safe to call twice. */
  stop(): Promise<void>;
  /** SIGKILL and wait for exit (crash tests); `dir` stays for `restart()`. */
  kill(): Promise<void>;
  /** Same config, ports and persistence dir; stops the running process first if any. */
  restart(): Promise<void>;
}

export function mosquittoAvailable(binary = MOSQUITTO_BINARY): boolean {
  try {
    accessSync(binary, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const STDERR_TAIL_BYTES = 4096;
const STOP_GRACE_MS = 3000;
const START_ATTEMPTS = 3;

// Brokers still running when this process exits would outlive it; kill them on the way out.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

interface Running {
  child: ChildProcess;
  exited: Promise<void>;
  exitReason: () => string | null;
  stderr: () => string;
}

function spawnMosquitto(binary: string, configFile: string): Running {
  const child = spawn(binary, ['-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'], detached: false });
  running.add(child);
  let tail = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    tail = (tail + chunk).slice(-STDERR_TAIL_BYTES);
  });
  let reason: string | null = null;
  const exited = new Promise<void>((resolve) => {
    child.once('error', (err) => {
      reason = `mosquitto could not be started (${binary}): ${err.message}`;
      running.delete(child);
      resolve();
    });
    child.once('exit', (code, signal) => {
      reason = `mosquitto exited (${signal ?? `code ${code}`})`;
      running.delete(child);
      resolve();
    });
  });
  return { child, exited, exitReason: () => reason, stderr: () => tail.trim() };
}

async function terminate(proc: Running, signal: NodeJS.Signals): Promise<void> {
  if (proc.exitReason()) return;
  proc.child.kill(signal);
  if (signal === 'SIGKILL') return proc.exited;
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), STOP_GRACE_MS);
  await proc.exited;
  clearTimeout(timer);
}

async function waitUntilListening(proc: Running, layout: MosquittoLayout, timeoutMs: number): Promise<void> {
  const ports = [layout.plainPorts, layout.tlsPort, layout.wsPort, layout.wssPort].flat().filter((p) => p !== undefined);
  try {
    for (const port of ports) {
      await waitForPort(port, { host: layout.host, timeoutMs, abortReason: proc.exitReason });
    }
  } catch (err) {
    await terminate(proc, 'SIGKILL');
    const tail = proc.stderr().split('\n').slice(-5).join(' | ');
    throw new Error(`${(err as Error).message} before listening on ${layout.host}:${ports.join(',')}${tail ? `: ${tail}` : ''}`);
  }
}

/** Starts one mosquitto on free loopback ports; resolves once every listener accepts TCP. */
export async function startMosquitto(opts: MosquittoOptions = {}): Promise<MosquittoHandle> {
  const binary = opts.binary ?? MOSQUITTO_BINARY;
  if (!mosquittoAvailable(binary)) throw new Error(`mosquitto not found at ${binary}`);
  const host = opts.host ?? '127.0.0.1';
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fleetstorm-mosquitto-'));
  const configFile = path.join(dir, 'mosquitto.conf');
  let passwordFile: string | undefined;
  if (opts.users) {
    passwordFile = path.join(dir, 'passwd');
    writePasswordFile(passwordFile, opts.users);
  }
  const plainCount = opts.ports ?? 1;
  const timeoutMs = opts.startTimeoutMs ?? 5000;

  let layout!: MosquittoLayout;
  let proc!: Running;
  // A free port can be taken between choosing it and mosquitto binding it; choose again then.
  for (let attempt = 1; ; attempt++) {
    const wsCount = opts.websockets ? (opts.tls ? 2 : 1) : 0;
    const ports = await findFreePorts(plainCount + (opts.tls ? 1 : 0) + wsCount, host);
    const wsAt = plainCount + (opts.tls ? 1 : 0);
    layout = {
      dir,
      host,
      passwordFile,
      plainPorts: ports.slice(0, plainCount),
      tlsPort: opts.tls ? ports[plainCount] : undefined,
      wsPort: wsCount > 0 ? ports[wsAt] : undefined,
      wssPort: wsCount > 1 ? ports[wsAt + 1] : undefined,
      runningAsRoot: process.getuid?.() === 0,
    };
    writeFileSync(configFile, renderMosquittoConfig(opts, layout));
    proc = spawnMosquitto(binary, configFile);
    try {
      await waitUntilListening(proc, layout, timeoutMs);
      break;
    } catch (err) {
      const portTaken = /address already in use|unable to create websockets listener/i.test(proc.stderr());
      if (!portTaken || attempt >= START_ATTEMPTS) {
        rmSync(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }

  let stopped: Promise<void> | null = null;
  const urls = layout.plainPorts.map((p) => `mqtt://${host}:${p}`);
  return {
    url: urls[0],
    urls,
    port: layout.plainPorts[0],
    ports: layout.plainPorts,
    tlsUrl: layout.tlsPort !== undefined ? `mqtts://${host}:${layout.tlsPort}` : undefined,
    tlsPort: layout.tlsPort,
    ...(layout.wsPort !== undefined ? { wsUrl: `ws://${host}:${layout.wsPort}/mqtt` } : {}),
    ...(layout.wssPort !== undefined ? { wssUrl: `wss://${host}:${layout.wssPort}/mqtt` } : {}),
    get pid() {
      return proc.child.pid ?? -1;
    },
    dir,
    configFile,
    persistenceFile: path.join(dir, PERSISTENCE_FILE),
    stderrTail: () => proc.stderr(),
    stop() {
      stopped ??= terminate(proc, 'SIGTERM').then(() => rmSync(dir, { recursive: true, force: true }));
      return stopped;
    },
    kill: () => terminate(proc, 'SIGKILL'),
    async restart() {
      if (stopped) throw new Error('mosquitto handle was stopped; start a new one');
      await terminate(proc, 'SIGTERM');
      proc = spawnMosquitto(binary, configFile);
      await waitUntilListening(proc, layout, timeoutMs);
    },
  };
}

export interface MosquittoFleet {
  brokers: MosquittoHandle[];
  /** First listener of each broker, in order. */
  urls: string[];
  stop(): Promise<void>;
}

/**
 * Starts `count` independent mosquitto processes. One process holds about 19,000 connections
 * here (fd hard limit 20000), so large benchmarks spread their clients over several.
 */
export async function startMosquittoFleet(count: number, opts: MosquittoOptions = {}): Promise<MosquittoFleet> {
  const settled = await Promise.allSettled(Array.from({ length: count }, () => startMosquitto(opts)));
  const brokers = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(brokers.map((b) => b.stop()));
    throw failed.reason;
  }
  return {
    brokers,
    urls: brokers.map((b) => b.url),
    stop: async () => {
      await Promise.all(brokers.map((b) => b.stop()));
    },
  };
}
