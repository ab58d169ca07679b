// The coordinator's embedded control broker, closed to everyone without the token: it listens
// on loopback unless `--control-listen` names an interface, admits only the login derived from
// the token, and with `--control-listen mqtts://host:port` serves TLS: the user's certificate
// files when given, else a self-signed one made for this run, whose SHA-256 fingerprint agents
// pin (it travels in the control URL's fragment, `mqtts://host:port#sha256:<hex>`).

import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../broker/embedded.ts';
import { controlLogin, isControlLogin } from './token-keys.ts';

const DEFAULT_CONTROL_PORT = 1884;

export interface ControlListen {
  host: string;
  port: number;
  tls: boolean;
}

export interface ControlTlsFiles {
  cert: string;
  key: string;
}

export interface ControlBroker {
  /** How this process reaches it (pinned when the certificate is self-signed). */
  url: string;
  /** The `--control` URL to give agents, `<this-machine>` standing for a reachable address when listening on every interface. */
  agentUrl: string;
  close(): Promise<void>;
}

/** `host:port`, `:port`, `mqtt://host:port` or `mqtts://host:port`; default 127.0.0.1:1884, plain. */
export function parseControlListen(spec: string | undefined): ControlListen {
  if (spec === undefined || spec === '') return { host: '127.0.0.1', port: DEFAULT_CONTROL_PORT, tls: false };
  const m = /^(?:(mqtts?):\/\/)?(\[[0-9a-fA-F:.]+\]|[^:/[\]]*):(\d{1,5})$/.exec(spec);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new Error(`--control-listen "${spec}" must be host:port or mqtts://host:port`);
  return { host: (m[2] || '127.0.0.1').replace(/^\[|\]$/g, ''), port, tls: m[1] === 'mqtts' };
}

/** SHA-256 of a certificate's DER, lower-case hex without separators (how pins are written). */
function certFingerprint(pem: string | Buffer): string {
  return new X509Certificate(pem).fingerprint256.replace(/:/g, '').toLowerCase();
}

/** A throwaway certificate for this run only (P-256, two days), made with the openssl CLI. */
function selfSignedCert(): { cert: Buffer; key: Buffer } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fleetstorm-control-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=fleetstorm-control',
      ].concat(['-keyout', 'key.pem', '-out', 'cert.pem']),
      { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    return { cert: readFileSync(path.join(dir, 'cert.pem')), key: readFileSync(path.join(dir, 'key.pem')) };
  } catch (err) {
    throw new Error(`cannot make the control broker's certificate with openssl: ${(err as Error).message.split('\n')[0]}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function startControlBroker(listen: ControlListen, token: string, files?: ControlTlsFiles): Promise<ControlBroker> {
  const login = controlLogin(token);
  const material = !listen.tls ? undefined : files ? { cert: readFileSync(files.cert), key: readFileSync(files.key) } : selfSignedCert();
  const broker: EmbeddedBroker = await startEmbeddedBroker({
    host: listen.host,
    port: listen.port,
    tls: material,
    authenticate: (_client, username, password, done) => {
      if (isControlLogin(login, username, password)) return done(null, true);
      // CONNACK 4 (bad user name or password), as a broker with a password file answers.
      done(Object.assign(new Error('not the run token'), { returnCode: 4 }), false);
    },
  });
  const scheme = listen.tls ? 'mqtts' : 'mqtt';
  const pin = material && !files ? `#sha256:${certFingerprint(material.cert)}` : '';
  const everywhere = listen.host === '0.0.0.0' || listen.host === '::';
  const reach = everywhere ? '127.0.0.1' : listen.host.includes(':') ? `[${listen.host}]` : listen.host;
  return {
    url: `${scheme}://${reach}:${broker.port}${pin}`,
    agentUrl: `${scheme}://${everywhere ? '<this-machine>' : reach}:${broker.port}${pin}`,
    close: () => broker.close(),
  };
}
