/**
 * The baseline: the engine's HTTP API spoken directly with node:http over the unix socket, no
 * client library. What berth adds on top of a container start is measured against these calls.
 * Also used by the harness itself for things no subject should pay for (reading log timestamps,
 * removing leftovers).
 */
import http from 'node:http';

export const SOCKET = process.env.BENCH_DOCKER_SOCKET ?? '/var/run/docker.sock';
/**
 * Every container the bench makes, through any subject, carries this label with the run's id, so
 * the harness can sweep what a crashed subject left without touching anyone else's containers.
 */
export const BENCH_LABEL = 'berth-bench.run';
export const RUN_ID = process.env.BENCH_RUN_ID ?? `${process.pid}`;
export const benchLabels = { [BENCH_LABEL]: RUN_ID };

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

/** One request; resolves with { status, body } (body parsed as JSON when it looks like JSON). */
export function request(method, path, body) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request(
      {
        socketPath: SOCKET,
        agent,
        method,
        path,
        headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {},
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          const type = res.headers['content-type'] ?? '';
          const parsed = type.includes('json') && raw.length > 0 ? JSON.parse(raw.toString('utf8')) : raw;
          if (res.statusCode >= 400) {
            const message = parsed?.message ?? raw.toString('utf8');
            reject(Object.assign(new Error(`${method} ${path}: ${res.statusCode} ${message}`), { status: res.statusCode }));
          } else resolve({ status: res.statusCode, body: parsed });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** create + start; resolves with the id once the engine says the container started. */
export async function runContainer({ image, cmd, env = [], ports = [], labels = {}, tmpfs }) {
  const exposed = Object.fromEntries(ports.map((p) => [`${p}/tcp`, {}]));
  const bindings = Object.fromEntries(ports.map((p) => [`${p}/tcp`, [{ HostIp: '', HostPort: '' }]]));
  const { body } = await request('POST', '/containers/create', {
    Image: image,
    Cmd: cmd,
    Env: env,
    ExposedPorts: exposed,
    Labels: { ...benchLabels, ...labels },
    HostConfig: { PortBindings: bindings, ...(tmpfs ? { Tmpfs: tmpfs } : {}) },
  });
  await request('POST', `/containers/${body.Id}/start`);
  return body.Id;
}

export async function removeContainer(id) {
  try {
    await request('DELETE', `/containers/${id}?force=true&v=true`);
  } catch (error) {
    if (error.status !== 404) throw error;
  }
}

export async function inspectContainer(id) {
  return (await request('GET', `/containers/${id}/json`)).body;
}

export async function engineVersion() {
  return (await request('GET', '/version')).body;
}

export async function engineInfo() {
  return (await request('GET', '/info')).body;
}

/** Containers with a label (all states). */
export async function listContainers(label) {
  const filters = encodeURIComponent(JSON.stringify({ label: [label] }));
  return (await request('GET', `/containers/json?all=1&filters=${filters}`)).body;
}

/**
 * The container's log so far, with the engine's own timestamps: [{ stream, at (ms since epoch,
 * fractional), text }]. The engine stamps a line when it reads it from the container's output pipe.
 */
export async function timestampedLogs(id) {
  const { body } = await request('GET', `/containers/${id}/logs?stdout=1&stderr=1&timestamps=1`);
  return splitFrames(body).flatMap(({ stream, text }) =>
    text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        const space = line.indexOf(' ');
        return { stream, at: parseNanoTimestamp(line.slice(0, space)), text: line.slice(space + 1) };
      }),
  );
}

/**
 * Follows the log stream and resolves when a line matches `times` times. The floor for log
 * readiness: one stream, no extra calls. `onOpen` fires when the stream's headers arrive.
 */
export function followUntil(id, pattern, times = 1) {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: SOCKET, method: 'GET', path: `/containers/${id}/logs?stdout=1&stderr=1&follow=1` }, (res) => {
      let pending = Buffer.alloc(0);
      let text = '';
      let seen = 0;
      res.on('data', (chunk) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= 8) {
          const size = pending.readUInt32BE(4);
          if (pending.length < 8 + size) break;
          text += pending.subarray(8, 8 + size).toString('utf8');
          pending = pending.subarray(8 + size);
        }
        const lines = text.split('\n');
        text = lines.pop();
        for (const line of lines) {
          if (pattern.test(line)) seen += 1;
          if (seen >= times) {
            req.destroy();
            resolve();
            return;
          }
        }
      });
      res.on('end', () => reject(new Error(`log stream of ${id.slice(0, 12)} ended before ${times} match(es)`)));
    });
    req.on('error', (error) => {
      if (!req.destroyed || error.code !== 'ECONNRESET') reject(error);
    });
    req.end();
  });
}

/** The published host port of a container port. */
export async function mappedPort(id, port) {
  const info = await inspectContainer(id);
  const binding = info.NetworkSettings.Ports?.[`${port}/tcp`]?.[0];
  if (!binding) throw new Error(`${port}/tcp of ${id.slice(0, 12)} is not published`);
  return Number(binding.HostPort);
}

function splitFrames(buffer) {
  const frames = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const kind = buffer[offset];
    const size = buffer.readUInt32BE(offset + 4);
    frames.push({ stream: kind === 2 ? 'stderr' : 'stdout', text: buffer.subarray(offset + 8, offset + 8 + size).toString('utf8') });
    offset += 8 + size;
  }
  return frames;
}

/** "2026-11-27T17:30:00.123456789Z" → milliseconds since the epoch, keeping the sub-millisecond part. */
export function parseNanoTimestamp(iso) {
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(iso);
  if (!match) return Number.NaN;
  const fraction = Number(`0.${(match[2] ?? '0').padEnd(9, '0')}`);
  return Date.parse(`${match[1]}Z`) + fraction * 1000;
}

/** Lets the process exit while the keep-alive sockets idle. */
export function closeAgent() {
  agent.destroy();
}
