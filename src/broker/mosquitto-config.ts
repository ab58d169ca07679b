// Mosquitto 2.0 configuration for brokers that tests and benchmarks start themselves: options
// as data, rendered to a config file by one pure function (so the file is easy to test and read).
import path from 'node:path';

export interface MosquittoTlsOptions {
  /** PEM paths. */
  ca: string;
  cert: string;
  key: string;
  /** Demand a client certificate signed by `ca` (mutual TLS). Default false. */
  requireClientCert?: boolean;
}

export interface MosquittoOptions {
  /** Number of plain MQTT listeners, each on its own free port. Default 1. */
  ports?: number;
  /** Loopback only; default 127.0.0.1. */
  host?: string;
  /** Keep sessions and queued QoS>0 messages on disk, saved on every change (survives kill -9). */
  persistence?: boolean;
  /** Mosquitto's default is 20 per client. */
  maxInflightMessages?: number;
  /** Mosquitto's default is 1000 per client. */
  maxQueuedMessages?: number;
  /** Per listener; mosquitto's default is unlimited (bounded by its fd limit). */
  maxConnections?: number;
  /** Seconds between $SYS updates; mosquitto's default is 10. */
  sysInterval?: number;
  /** name → password. Turns anonymous access off. */
  users?: Record<string, string>;
  /** Adds one mqtts:// listener with these files. */
  tls?: MosquittoTlsOptions;
  /**
   * Adds one MQTT-over-WebSocket listener (`protocol websockets`, ws://host:port/mqtt; mosquitto
   * serves any path), and with `tls` a second one speaking wss:// with the same files.
   */
  websockets?: boolean;
  /** Raw lines appended at the end, for anything not covered above. */
  extraConfig?: string[];
  /** Log connections and information messages too (noisy under load). Default false. */
  verbose?: boolean;
  /** How long to wait for every listener to accept TCP. Default 5000 ms. */
  startTimeoutMs?: number;
  /** Mosquitto binary. Default /usr/sbin/mosquitto. */
  binary?: string;
}

export interface MosquittoLayout {
  dir: string;
  host: string;
  plainPorts: number[];
  tlsPort?: number;
  wsPort?: number;
  wssPort?: number;
  passwordFile?: string;
  /** When true the config pins `user root`, else mosquitto would drop to its own user and lose
   * write access to the temp dir it was given. */
  runningAsRoot: boolean;
}

export const PERSISTENCE_FILE = 'mosquitto.db';

export function renderMosquittoConfig(opts: MosquittoOptions, layout: MosquittoLayout): string {
  const lines: string[] = ['# written by fleetstorm src/broker/mosquitto.ts'];
  if (layout.runningAsRoot) lines.push('user root');
  lines.push('log_dest stderr', 'log_type error', 'log_type warning');
  if (opts.verbose) lines.push('log_type notice', 'log_type information');
  else lines.push('connection_messages false');
  // Latency figures should not include Nagle's delay on the broker side.
  lines.push('set_tcp_nodelay true');

  if (layout.passwordFile) lines.push('allow_anonymous false', `password_file ${layout.passwordFile}`);
  else lines.push('allow_anonymous true');

  if (opts.persistence) {
    // autosave_on_changes makes autosave_interval a count of changes (subscriptions, retained
    // and queued messages) instead of seconds; 1 writes the database after every change, so a
    // QoS 1 message queued for an offline session is on disk before a kill -9 can lose it.
    lines.push(
      'persistence true',
      `persistence_location ${layout.dir}${path.sep}`,
      `persistence_file ${PERSISTENCE_FILE}`,
      'autosave_on_changes true',
      'autosave_interval 1',
    );
  }
  if (opts.maxInflightMessages !== undefined) lines.push(`max_inflight_messages ${opts.maxInflightMessages}`);
  if (opts.maxQueuedMessages !== undefined) lines.push(`max_queued_messages ${opts.maxQueuedMessages}`);
  if (opts.sysInterval !== undefined) lines.push(`sys_interval ${opts.sysInterval}`);

  // max_connections is a listener setting in mosquitto 2.0, so it follows each listener line.
  const listenerLines = (port: number) => {
    const block = [`listener ${port} ${layout.host}`];
    if (opts.maxConnections !== undefined) block.push(`max_connections ${opts.maxConnections}`);
    return block;
  };
  for (const port of layout.plainPorts) lines.push(...listenerLines(port));
  if (opts.tls && layout.tlsPort !== undefined) {
    lines.push(
      ...listenerLines(layout.tlsPort),
      `cafile ${opts.tls.ca}`,
      `certfile ${opts.tls.cert}`,
      `keyfile ${opts.tls.key}`,
      `require_certificate ${opts.tls.requireClientCert ? 'true' : 'false'}`,
    );
  }
  // Mosquitto 2.0.11 refuses to start with websockets listeners only: a plain one always comes first.
  if (layout.wsPort !== undefined) lines.push(...listenerLines(layout.wsPort), 'protocol websockets');
  if (opts.tls && layout.wssPort !== undefined) {
    lines.push(
      ...listenerLines(layout.wssPort),
      'protocol websockets',
      `cafile ${opts.tls.ca}`,
      `certfile ${opts.tls.cert}`,
      `keyfile ${opts.tls.key}`,
      `require_certificate ${opts.tls.requireClientCert ? 'true' : 'false'}`,
    );
  }
  lines.push(...(opts.extraConfig ?? []));
  return lines.join('\n') + '\n';
}
