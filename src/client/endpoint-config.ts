// Where connections go, worked out once per run: every broker URL parsed, the TLS files read.
// The connect path then only picks a prepared Endpoint (and, with source addresses, a copy with
// the client's local address), so a connect storm neither parses URLs nor touches the disk.

import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import type tls from 'node:tls';
import { DEFAULT_PORTS } from '../scenario/broker-url.ts';
import type { Scenario } from '../scenario/types.ts';
import type { Endpoint } from './connection.ts';

export class EndpointConfig {
  /** One prepared endpoint per broker.urls entry. */
  readonly endpoints: readonly Endpoint[];
  /** With source addresses: endpoint × source address, [index * sources + source]. */
  private readonly bound: readonly Endpoint[];
  private readonly sourceCount: number;

  constructor(scenario: Scenario, baseDir: string) {
    const { urls, sourceAddresses } = scenario.broker;
    const tlsOptions = loadTls(scenario, baseDir);
    this.endpoints = urls.map((u) => parseEndpoint(u, tlsOptions));
    this.sourceCount = sourceAddresses.length;
    this.bound = this.endpoints.flatMap((e) => sourceAddresses.map((localAddress) => ({ ...e, localAddress })));
  }

  /** Endpoint `index` for the client with global id `globalId` (its source address, if any). */
  endpointFor(globalId: number, index: number): Endpoint {
    if (this.sourceCount === 0) return this.endpoints[index];
    const source = Math.floor(globalId / this.endpoints.length) % this.sourceCount;
    return this.bound[index * this.sourceCount + source];
  }
}

/** mqtt://, mqtts://, ws://host:port/path or wss://… → where and how to connect. */
export function parseEndpoint(raw: string, tlsOptions?: tls.ConnectionOptions): Endpoint {
  const url = new URL(raw);
  const webSocket = url.protocol === 'ws:' || url.protocol === 'wss:';
  const secure = url.protocol === 'mqtts:' || url.protocol === 'wss:';
  const endpoint: Endpoint = {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: Number(url.port) || DEFAULT_PORTS[url.protocol] || 1883,
  };
  // SNI carries host names only (RFC 6066); Node warns when given an IP address.
  const servername = tlsOptions?.servername ?? (isIP(endpoint.host) ? undefined : url.hostname);
  if (secure) endpoint.tls = { ...tlsOptions, ...(servername !== undefined ? { servername } : {}) };
  if (webSocket) endpoint.wsUrl = `${url.protocol}//${url.host}${url.pathname}${url.search}`;
  return endpoint;
}

function loadTls(scenario: Scenario, baseDir: string): tls.ConnectionOptions | undefined {
  const spec = scenario.broker.tls;
  if (!spec) return undefined;
  const read = (file?: string) => (file ? readFileSync(path.resolve(baseDir, file)) : undefined);
  return {
    ca: read(spec.ca),
    cert: read(spec.cert),
    key: read(spec.key),
    rejectUnauthorized: spec.rejectUnauthorized,
    servername: spec.servername,
  };
}
