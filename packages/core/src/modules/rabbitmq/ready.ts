/**
 * When is rabbitmq ready? When it accepts an AMQP connection with the service's credentials on its
 * vhost (`amqpAccepts`) — checked by opening one, not by a log line: "Server startup complete" is
 * printed before a definitions import may have replaced the default user, and a port proxy
 * answers long before the broker listens. With the management plugin, its API must answer an
 * authenticated request too (`wait.http`), since fresh vhosts are made through it.
 *
 * A refusal is final (bad credentials, missing vhost: waiting longer will not help); a connection
 * that closes before the broker's greeting is "not yet"; bytes that are not AMQP mean the image is
 * not a broker.
 */
import { ModuleError, WaitAttemptError, WaitFailedError } from '../../errors.js';
import { describeError, poll, withTimeLimit } from '../../wait/backoff.js';
import { http } from '../../wait/http.js';
import type { WaitStrategy } from '../../wait/strategy.js';
import { AmqpClosedError, AmqpRefusedError, probeAmqp } from './amqp-probe.js';

export const AMQP_PORT = 5672;
export const MANAGEMENT_PORT = 15672;

export interface Credentials {
  user: string;
  password: string;
  vhost: string;
}

export function amqpAccepts(credentials: Credentials, port = AMQP_PORT): WaitStrategy {
  return {
    description: `AMQP connection as ${JSON.stringify(credentials.user)} to vhost ${JSON.stringify(credentials.vhost)} on port ${port}`,
    async wait(target, context) {
      const hostPort = target.mappedPort(port, 'tcp');
      await poll(
        context,
        (signal) =>
          withTimeLimit(signal, 5_000, 'AMQP handshake', (limited) =>
            probeAmqp({ host: target.host, port: hostPort, ...credentials, signal: limited }),
          ).catch((error: unknown) => {
            throw classify(error, credentials);
          }),
        { maxMs: 200 },
      );
    },
  };
}

function classify(error: unknown, credentials: Credentials): unknown {
  if (error instanceof AmqpRefusedError) {
    const hint =
      error.replyCode === 403
        ? `the broker does not accept user ${JSON.stringify(credentials.user)} with this password: definitions or config that define users replace RABBITMQ_DEFAULT_USER; include this user there, or pass the same \`user\`/\`password\` to rabbitmq()`
        : `the user has no access to vhost ${JSON.stringify(credentials.vhost)}: create it in the definitions, or leave \`vhost\` at its default`;
    return new WaitFailedError(error.summary, { cause: error, hint });
  }
  if (error instanceof WaitAttemptError) return error;
  if (error instanceof AmqpClosedError) return new WaitAttemptError(error.summary, { cause: error });
  if (error instanceof Error && 'code' in error && typeof (error as NodeJS.ErrnoException).syscall === 'string') {
    return new WaitAttemptError(describeError(error), { cause: error });
  }
  if (error instanceof ModuleError) {
    return new WaitFailedError(`port ${AMQP_PORT} does not speak AMQP 0-9-1: ${error.message}`, {
      cause: error,
      hint: 'is the image a RabbitMQ image? rabbitmq() expects the official rabbitmq image or one with the same contract',
    });
  }
  return error;
}

/**
 * AMQP first, then the management API. RabbitMQ starts its plugins (the management listener among
 * them) before it opens the AMQP listeners, so once AMQP is accepted the API should answer almost
 * at once; if it does not within a grace period, the image most likely has no management plugin,
 * and waiting for the whole start timeout would only hide that.
 */
/** `graceMs`: how long the management API may take to answer once AMQP is accepted. */
export function rabbitmqReady(credentials: Credentials, management: boolean, graceMs = 10_000): WaitStrategy {
  const amqp = amqpAccepts(credentials);
  if (!management) return amqp;
  const api = http('/api/overview', { port: MANAGEMENT_PORT, basicAuth: { username: credentials.user, password: credentials.password } });
  return {
    description: `${amqp.description}, then ${api.description}`,
    async wait(target, context) {
      await amqp.wait(target, context);
      const grace = AbortSignal.timeout(graceMs);
      const signal = AbortSignal.any([context.signal, grace]);
      const deadline = Math.min(context.deadline, performance.now() + graceMs);
      let last: unknown;
      try {
        await api.wait(target, {
          signal,
          deadline,
          attempt: (error) => {
            if (error !== undefined) last = error;
            context.attempt(error);
          },
        });
      } catch (error) {
        if (context.signal.aborted || !grace.aborted) throw error;
        throw new WaitFailedError(
          `the broker accepts AMQP but its management API on port ${MANAGEMENT_PORT} did not answer within ${graceMs / 1000} s (last: ${describeError(last)})`,
          {
            cause: last,
            hint: 'does the image have the management plugin? Use a -management tag, or pass `management: false` to rabbitmq() (fresh vhosts then go through rabbitmqctl)',
          },
        );
      }
    },
  };
}
