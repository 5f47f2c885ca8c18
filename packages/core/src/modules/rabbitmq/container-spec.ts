/**
 * The container spec of a rabbitmq service: the image's own command with the env contract
 * (`RABBITMQ_DEFAULT_USER`/`_PASS`/`_VHOST`), definitions and extra config copied into
 * /etc/rabbitmq before start, ports 5672 (and 15672 with management), and readiness = an AMQP
 * connection accepted with those credentials (ready.ts).
 */
import type { ContainerSpec, CopySpec } from '../../container/spec.js';
import { applySpecOverride } from '../spec-override.js';
import type { ResolvedRabbitmqOptions } from './options.js';
import { AMQP_PORT, MANAGEMENT_PORT, rabbitmqReady } from './ready.js';

export const DEFINITIONS_PATH = '/etc/rabbitmq/definitions.json';
export const BERTH_CONF_PATH = '/etc/rabbitmq/conf.d/90-berth.conf';

export function rabbitmqSpec(options: ResolvedRabbitmqOptions): ContainerSpec {
  const conf: string[] = [];
  const copy: CopySpec[] = [];
  if (options.definitions !== undefined) {
    copy.push({ content: options.definitions, target: DEFINITIONS_PATH, mode: 0o644 });
    conf.push(`load_definitions = ${DEFINITIONS_PATH}`);
  }
  if (options.config !== undefined) conf.push(options.config.trim());
  if (conf.length > 0) copy.push({ content: `${conf.join('\n')}\n`, target: BERTH_CONF_PATH, mode: 0o644 });
  const generated: ContainerSpec = {
    image: options.image,
    env: {
      RABBITMQ_DEFAULT_USER: options.user,
      RABBITMQ_DEFAULT_PASS: options.password,
      RABBITMQ_DEFAULT_VHOST: options.vhost,
    },
    ports: options.management ? [AMQP_PORT, MANAGEMENT_PORT] : [AMQP_PORT],
    ...(copy.length > 0 ? { copy } : {}),
    wait: rabbitmqReady(options, options.management),
    startupTimeoutMs: options.startupTimeoutMs,
  };
  return applySpecOverride(generated, options.spec);
}
