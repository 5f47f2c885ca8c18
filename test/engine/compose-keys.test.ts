// startCompose on a file that uses the keys real files use (#22 item 1 and 5): each key is checked
// where it shows, inside the running containers or on the engine's inspect, not on berth's model.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startCompose } from '@berth/core/compose';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

function projectDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-compose-keys-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const unique = (prefix: string) => `${prefix}-${Math.random().toString(16).slice(2, 10)}`;
const SLEEP = '[sleep, "300"]';

describe('startCompose applies the keys of real files', () => {
  it('secrets, configs, ulimits, sysctls, shm, dns, read-only root, network and volume sharing, fixed addresses, extends', async () => {
    const dir = projectDir({
      'pw.txt': 's3cret',
      'shared/base.yaml': `services:\n  base:\n    image: busybox:latest\n    environment: { FROM_BASE: "yes" }\n    volumes: ["./data:/base-data:ro"]\n`,
      'shared/data/hello.txt': 'from the base file',
      'compose.yaml': `
services:
  app:
    extends: { file: shared/base.yaml, service: base }
    command: ${SLEEP}
    env_file: [{ path: ./missing.env, required: false }]
    secrets: [pw, { source: token, target: tok, mode: 0400 }]
    configs: [{ source: inline, target: /etc/inline.conf, mode: 0440 }]
    ulimits: { nofile: { soft: 1024, hard: 2048 } }
    sysctls: { net.core.somaxconn: 1234 }
    shm_size: 128m
    dns_search: [berth.example]
    extra_hosts: ["h2=5.6.7.8"]
    tmpfs: [/tmp]
    cap_drop: [ALL]
    stop_signal: SIGINT
    stop_grace_period: 7s
    links: ["store:database"]
    volumes_from: ["store:ro"]
    networks:
      front: { ipv4_address: 172.29.77.10 }
  store:
    image: busybox:latest
    command: ["sh", "-c", "echo kept > /vol/file && sleep 300"]
    volumes: ["vol:/vol"]
    read_only: true
    networks: [front]
  side:
    image: busybox:latest
    command: ${SLEEP}
    network_mode: "service:store"
secrets:
  pw: { file: ./pw.txt }
  token: { environment: TOKEN }
configs:
  inline: { content: "answer=\${ANSWER}" }
networks:
  front:
    ipam: { config: [{ subnet: 172.29.77.0/24 }] }
volumes:
  vol: {}
`,
    });
    const projectName = unique('berthkeys');
    const env = await startCompose({ cwd: dir, projectName, env: { TOKEN: 't0k', ANSWER: '42' } });
    try {
      const app = env.service('app');
      const sh = async (service: string, script: string) => {
        const result = await env.service(service).exec(['sh', '-c', script]);
        expect(result.stderr, script).toBe('');
        return result.stdout.trim();
      };
      expect(await sh('app', 'cat /run/secrets/pw')).toBe('s3cret');
      expect(await sh('app', 'cat /run/secrets/tok; echo; stat -c %a /run/secrets/tok')).toBe('t0k\n400');
      expect(await sh('app', 'cat /etc/inline.conf; echo; stat -c %a /etc/inline.conf')).toBe('answer=42\n440');
      expect(await sh('app', 'ulimit -n; ulimit -Hn')).toBe('1024\n2048');
      expect(await sh('app', 'cat /proc/sys/net/core/somaxconn')).toBe('1234');
      expect(await sh('app', "df -k /dev/shm | awk 'NR==2 {print $2}'")).toBe(String(128 * 1024));
      expect(await sh('app', 'grep ^search /etc/resolv.conf')).toContain('berth.example');
      expect(await sh('app', 'grep h2 /etc/hosts')).toMatch(/^5\.6\.7\.8\s+h2$/);
      expect(await sh('store', 'touch /root-is-writable 2>/dev/null && echo yes || echo no')).toBe('no');
      expect(await sh('app', 'cat /base-data/hello.txt; echo; echo $FROM_BASE')).toBe('from the base file\nyes');
      expect(await sh('app', 'cat /vol/file')).toBe('kept');
      expect(await sh('app', "ip -4 addr | grep -o '172\\.29\\.77\\.10'")).toBe('172.29.77.10');
      // `links: [store:database]`: an alias of store on its network.
      const store = await env.service('store').inspect();
      const storeNetworks = Object.values(store?.NetworkSettings.Networks ?? {}) as { Aliases?: string[] | null }[];
      expect(storeNetworks.flatMap((n) => n.Aliases ?? [])).toContain('database');
      expect(await sh('app', "grep CapEff /proc/self/status | awk '{print $2}'")).toBe('0000000000000000');
      // `network_mode: service:store`: one network namespace.
      expect(await sh('side', 'readlink /proc/self/ns/net')).toBe(await sh('store', 'readlink /proc/self/ns/net'));
      const info = await app.inspect();
      expect(info?.Config).toMatchObject({ StopSignal: 'SIGINT', StopTimeout: 7 });
    } finally {
      await env.stop();
    }
    const { stdout } = await run('docker', ['ps', '-a', '--filter', `label=com.docker.compose.project=${projectName}`, '-q']);
    expect(stdout.trim()).toBe('');
  });
});
