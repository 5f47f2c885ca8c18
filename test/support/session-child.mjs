// A session owner (or a joined worker) for the session engine tests and bench/reaper.mjs.
//
//   node session-child.mjs MODE
//
// It creates a session, a network, a named volume and a busybox container (attached to the network,
// with the volume mounted, through the Engine facade), prints one line `ready {json}` and then:
//   wait    waits until killed
//   throw   throws an uncaught exception      } both after a line `go` on stdin, so the test can
//   exit    lets the event loop drain          } look at the resources first (no endSession call)
//   end     after `go`: calls endSession() twice, prints `ended {json}` and exits
//   worker  also spawns `session-child.mjs join` (a worker inheriting the session) and waits
//   join    joins the inherited session, creates a container, prints `ready`, waits until its
//           parent goes (its stdin, a pipe from the parent, closes): an owner killed by a test must
//           not leave its worker sleeping under pid 1
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { core } from './session-core.mjs';

const mode = process.argv[2] ?? 'wait';
const engine = await core.getEngine();
const session = mode === 'join' ? await joined() : await core.createSession();

async function joined() {
  // Joining is what the container layer does on first use: ensureSession via createNetwork here.
  const net = await core.createNetwork();
  const s = await core.currentSession();
  return Object.assign({}, s, { net });
}

async function container(labels, network, volume) {
  const id = await engine.createContainer({
    Image: 'busybox:latest',
    Cmd: ['sleep', '3600'],
    Labels: labels,
    HostConfig: {
      NetworkMode: network,
      ...(volume ? { Binds: [`${volume}:/data`] } : {}),
      // An anonymous volume too: it must go with its container.
    },
    Volumes: { '/scratch': {} },
  });
  await engine.startContainer(id);
  return id;
}

const info = { session: session.id, owner: session.owner, pid: process.pid };
if (mode === 'join') {
  info.container = await container(session.labels, session.net.name);
  info.network = session.net.name;
} else {
  const net = await core.createNetwork();
  const volume = await core.createVolume();
  info.network = net.name;
  info.volume = volume.name;
  info.container = await container(session.labels, net.name, volume.name);
}

if (mode === 'worker') {
  // stdin is a pipe the worker only watches: when this process dies (SIGKILL included) the pipe
  // closes and the worker ends itself.
  const worker = spawn(process.execPath, [fileURLToPath(import.meta.url), 'join'], { stdio: ['pipe', 'pipe', 'inherit'] });
  info.worker = await new Promise((resolve, reject) => {
    let text = '';
    worker.stdout.on('data', (chunk) => {
      text += chunk;
      const line = text.split('\n').find((l) => l.startsWith('ready '));
      if (line) resolve(JSON.parse(line.slice(6)));
    });
    worker.on('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
}

console.log(`ready ${JSON.stringify(info)}`);

if (mode === 'throw' || mode === 'exit' || mode === 'end') {
  // Wait for the test to have seen the resources; then stdin is done with and holds nothing open.
  for await (const chunk of process.stdin) if (String(chunk).includes('go')) break;
  process.stdin.destroy();
}

if (mode === 'throw') {
  setTimeout(() => {
    throw new Error('boom (deliberately uncaught)');
  }, 50);
} else if (mode === 'end') {
  await core.endSession();
  await core.endSession();
  console.log(`ended ${JSON.stringify({ current: (await core.currentSession())?.id ?? null, env: process.env.BERTH_SESSION_ID ?? null })}`);
} else if (mode === 'join') {
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
} else if (mode !== 'exit') {
  setInterval(() => {}, 60_000);
}
