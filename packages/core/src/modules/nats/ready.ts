/**
 * When is nats ready? With monitoring, when `GET /healthz` says ok (it includes JetStream when that
 * is enabled); in every case, when a client connection is accepted with the service's credentials:
 * the INFO line, then CONNECT and a PING answered by PONG (the server only answers once CONNECT was
 * accepted). The protocol check runs with monitoring too: /healthz knows nothing of credentials.
 * An `-ERR` answer (authorization violation) is final; a closed connection is "not yet".
 */
import { ModuleError, WaitAttemptError, WaitFailedError } from '../../errors.js';
import { describeError, poll, withTimeLimit } from '../../wait/backoff.js';
import { all } from '../../wait/composite.js';
import { http } from '../../wait/http.js';
import type { WaitStrategy } from '../../wait/strategy.js';
import { CLIENT_PORT, MONITOR_PORT } from './config-file.js';
import { NatsClosedError, NatsConnection, type NatsCredentials, NatsServerError } from './protocol.js';

export function natsAccepts(credentials: NatsCredentials): WaitStrategy {
  return {
    description: `NATS CONNECT and PING/PONG on port ${CLIENT_PORT}`,
    async wait(target, context) {
      const hostPort = target.mappedPort(CLIENT_PORT, 'tcp');
      await poll(
        context,
        (signal) =>
          withTimeLimit(signal, 5_000, 'NATS handshake', async (limited) => {
            const connection = await NatsConnection.open({ host: target.host, port: hostPort, ...credentials, signal: limited });
            connection.close();
          }).catch((error: unknown) => {
            throw classify(error);
          }),
        { maxMs: 200 },
      );
    },
  };
}

function classify(error: unknown): unknown {
  if (error instanceof NatsServerError) {
    return new WaitFailedError(error.summary, {
      cause: error,
      hint: 'the server does not accept the credentials berth was given: pass the same `auth` to nats() as the server uses (a `spec` or `args` override may have changed it)',
    });
  }
  if (error instanceof WaitAttemptError) return error;
  if (error instanceof NatsClosedError) return new WaitAttemptError(error.summary, { cause: error });
  if (error instanceof ModuleError) {
    return new WaitFailedError(`port ${CLIENT_PORT} does not speak the NATS protocol: ${error.summary}`, {
      cause: error,
      hint: 'is the image a NATS server image? nats() expects the official nats image or one with the same contract',
    });
  }
  if (error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === 'string') {
    return new WaitAttemptError(describeError(error), { cause: error });
  }
  return error;
}

export function natsReady(credentials: NatsCredentials, monitoring: boolean): WaitStrategy {
  const protocol = natsAccepts(credentials);
  return monitoring ? all([http('/healthz', { port: MONITOR_PORT }), protocol]) : protocol;
}
