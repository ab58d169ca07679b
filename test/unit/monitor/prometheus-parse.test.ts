import { describe, expect, it } from 'vitest';
import { parsePrometheusText, parseSampleLine, seriesKey } from '../../../src/monitor/prometheus-parse.ts';

const EXPOSITION = `# HELP emqx_messages_received Messages received
# TYPE emqx_messages_received counter
emqx_messages_received 12345
# TYPE process_cpu_seconds_total counter
process_cpu_seconds_total 1.5e+01
# TYPE emqx_connections_count gauge
emqx_connections_count{node="emqx@127.0.0.1"} 2001 1700000000000
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.1"} 10
http_request_duration_seconds_bucket{le="+Inf"} 12
http_request_duration_seconds_sum 0.75
http_request_duration_seconds_count 12
# TYPE rpc_seconds summary
rpc_seconds{quantile="0.5"} 0.01
rpc_seconds_sum 3
rpc_seconds_count 300
weird{path="a \\"quoted\\" }, value",code="200"} -4
no_type_gauge NaN
inf_gauge +Inf
this is not a sample
`;

describe('parsePrometheusText', () => {
  it('keeps counters, gauges, _sum and _count; drops buckets, quantiles and non-finite values', () => {
    const { samples, types, badLines } = parsePrometheusText(EXPOSITION);
    expect(samples.map((s) => [seriesKey(s), s.value])).toEqual([
      ['emqx_messages_received', 12345],
      ['process_cpu_seconds_total', 15],
      ['emqx_connections_count{node="emqx@127.0.0.1"}', 2001],
      ['http_request_duration_seconds_sum', 0.75],
      ['http_request_duration_seconds_count', 12],
      ['rpc_seconds_sum', 3],
      ['rpc_seconds_count', 300],
      ['weird{code="200",path="a \\"quoted\\" }, value"}', -4],
    ]);
    expect(types).toEqual({
      emqx_messages_received: 'counter',
      process_cpu_seconds_total: 'counter',
      emqx_connections_count: 'gauge',
      http_request_duration_seconds: 'histogram',
      rpc_seconds: 'summary',
    });
    expect(badLines).toEqual([20]);
  });

  it('reads label values with escapes exactly', () => {
    expect(parseSampleLine('m{a="x\\\\y",b="line\\nbreak",} 7')).toEqual({ name: 'm', labels: { a: 'x\\y', b: 'line\nbreak' }, value: 7 });
  });

  it('rejects malformed lines', () => {
    for (const line of ['m{a="x"', 'm{a=x} 1', 'm 1 2 3', 'm abc', 'm{a="x\\q"} 1', '{a="x"} 1']) {
      expect(parseSampleLine(line), line).toBeNull();
    }
  });

  it('handles CRLF line ends and an OpenMetrics EOF', () => {
    const { samples } = parsePrometheusText('# TYPE a counter\r\na_total 3\r\n# EOF\r\n');
    expect(samples).toEqual([{ name: 'a_total', labels: {}, value: 3 }]);
  });
});
