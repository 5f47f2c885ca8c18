/**
 * The ssh transport: HTTP through `docker system dial-stdio` on the remote host, using the tunnelling
 * agent that ships with dockerode's modem. Loaded on first use only, so that importing berth never
 * loads ssh2; a user without an ssh engine never pays for it.
 */
import type http from 'node:http';
import { createRequire } from 'node:module';
import type { EngineEndpoint } from './endpoint.js';

type AgentFactory = (options: Record<string, unknown>) => http.Agent;
let factory: AgentFactory | undefined;

function load(): AgentFactory {
  if (!factory) {
    // docker-modem is dockerode's dependency, so resolve it from there.
    const fromHere = createRequire(import.meta.url);
    const fromDockerode = createRequire(fromHere.resolve('dockerode'));
    factory = fromDockerode('docker-modem/lib/ssh.js') as AgentFactory;
  }
  return factory;
}

/** A fresh agent per request: each one opens its own dial-stdio channel and closes with it. */
export async function sshAgent(endpoint: EngineEndpoint): Promise<http.Agent> {
  return load()({
    host: endpoint.host,
    port: endpoint.port ?? 22,
    ...(endpoint.username ? { username: endpoint.username } : {}),
    agent: process.env.SSH_AUTH_SOCK,
  });
}
