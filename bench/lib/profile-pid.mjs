// CPU profile of a running Node process for a window, without restarting it:
//   node bench/lib/profile-pid.mjs <pid> <seconds> <out.cpuprofile> [port]
// SIGUSR1 opens the process's inspector (127.0.0.1:<port>, default 9229; a second process
// needs another port only if the first is still open), then the Chrome DevTools Protocol's
// Profiler runs for the window. Summarise the file with bench/lib/profile-summary.mjs.
import { writeFileSync } from 'node:fs';
import WebSocket from 'ws';

const [pidArg, secondsArg, out, portArg] = process.argv.slice(2);
if (!pidArg || !secondsArg || !out) {
  process.stderr.write('usage: profile-pid.mjs <pid> <seconds> <out.cpuprofile> [port]\n');
  process.exit(2);
}
const port = Number(portArg ?? 9229);
process.kill(Number(pidArg), 'SIGUSR1');
let target;
for (let i = 0; i < 50 && !target; i++) {
  await new Promise((r) => setTimeout(r, 200));
  try {
    const list = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
    target = list[0];
  } catch {
    // not listening yet
  }
}
if (!target) throw new Error(`no inspector on 127.0.0.1:${port} after SIGUSR1 to ${pidArg}`);
const ws = new WebSocket(target.webSocketDebuggerUrl);
await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
let id = 0;
const pending = new Map();
ws.on('message', (data) => {
  const msg = JSON.parse(String(data));
  if (msg.id && pending.has(msg.id)) {
    pending.get(msg.id)(msg);
    pending.delete(msg.id);
  }
});
const call = (method, params = {}) =>
  new Promise((resolve) => {
    pending.set(++id, resolve);
    ws.send(JSON.stringify({ id, method, params }));
  });
await call('Profiler.enable');
await call('Profiler.setSamplingInterval', { interval: 1000 });
await call('Profiler.start');
await new Promise((r) => setTimeout(r, Number(secondsArg) * 1000));
const { result } = await call('Profiler.stop');
writeFileSync(out, JSON.stringify(result.profile));
// Close the inspector again so the process runs as before.
await call('Runtime.evaluate', { expression: "process.getBuiltinModule('node:inspector').close()" });
ws.close();
process.stderr.write(`wrote ${out}\n`);
