/**
 * How a run reaches processes it did not start itself: `berth run -- <command>` exports the hand-off
 * as environment variables, and every process of the command (a test runner, its workers, a dev
 * server, a shell script) inherits them.
 *
 *   BERTH_SERVICES       {"db":{"kind":"postgres","host":…,"url":…},…}  every service's details, JSON
 *   BERTH_BROKER_URL     http://127.0.0.1:<port>                        the lease broker (absent when no
 *   BERTH_BROKER_TOKEN   <hex>                                          service hands out slices)
 *
 * The broker's HTTP API (docs/runners.md) is two routes, so any language can take and give back a
 * fresh slice: POST /v1/<service>/acquire and POST /v1/<service>/release {"id": …}, each with
 * `Authorization: Bearer $BERTH_BROKER_TOKEN`.
 */
import { ConfigError } from '../errors.js';
import type { BrokerAddress } from './broker.js';
import type { ServiceDetailsBase } from './definition.js';
import type { Handoff } from './start-services.js';

export const SERVICES_VARIABLE = 'BERTH_SERVICES';
export const BROKER_URL_VARIABLE = 'BERTH_BROKER_URL';
export const BROKER_TOKEN_VARIABLE = 'BERTH_BROKER_TOKEN';

type Env = Record<string, string | undefined>;

/** The variables that carry `handoff` (the config's own `env` is set separately, as it is). */
export function runVariables(handoff: Handoff): Record<string, string> {
  const variables: Record<string, string> = { [SERVICES_VARIABLE]: JSON.stringify(handoff.services) };
  if (handoff.broker) {
    variables[BROKER_URL_VARIABLE] = handoff.broker.url;
    variables[BROKER_TOKEN_VARIABLE] = handoff.broker.token;
  }
  return variables;
}

/** The hand-off a `berth run` parent exported; a ConfigError that says how to get one when it did not. */
export function readRunVariables(env: Env = process.env): Handoff {
  const raw = env[SERVICES_VARIABLE];
  if (raw === undefined || raw === '') {
    throw new ConfigError(`${SERVICES_VARIABLE} is not set: this process was not started by \`berth run\``, {
      hint: 'start the command as `berth run -- <command>` (npx berth run -- …), which starts the services of berth.config.* and sets it',
    });
  }
  let services: unknown;
  try {
    services = JSON.parse(raw);
  } catch (error) {
    throw new ConfigError(`${SERVICES_VARIABLE} is not JSON`, {
      cause: error,
      hint: 'it is written by `berth run`; do not set it by hand',
    });
  }
  if (typeof services !== 'object' || services === null || Array.isArray(services)) {
    throw new ConfigError(`${SERVICES_VARIABLE} is not an object of service details`, {
      hint: 'it is written by `berth run`; do not set it by hand',
    });
  }
  const handoff: Handoff = { services: services as Record<string, ServiceDetailsBase> as Handoff['services'], env: {} };
  const url = env[BROKER_URL_VARIABLE];
  const token = env[BROKER_TOKEN_VARIABLE];
  if (url && token) handoff.broker = { url, token } satisfies BrokerAddress;
  return handoff;
}
