/**
 * Names @berth/core 0.1 exported from its root entry and documented, kept working as deprecated
 * aliases: each warns once at run time (see deprecation.ts) and is struck through in editors. They
 * go in a later minor version; CHANGELOG.md says which replaces which.
 */
import { deprecated } from '../deprecation.js';
import { setImageSubstitution as setSubstitution } from '../image/pull.js';
import type { Broker as AdapterBroker, BrokerAddress as AdapterBrokerAddress } from '../services/broker.js';
import { acquireLease as acquire, startBroker as brokerStart, releaseLease as release } from '../services/broker.js';
import { validateRunConfig as validate } from '../services/config.js';
import type { Handoff as AdapterHandoff, RunningServices as AdapterRunningServices } from '../services/start-services.js';
import { startServices as servicesStart } from '../services/start-services.js';

const fromAdapter = (name: string) => `\`import { ${name} } from '@berth/core/adapter'\``;

/** @deprecated Import it from `@berth/core/adapter` (the runner adapters' entry). */
export type Broker = AdapterBroker;
/** @deprecated Import it from `@berth/core/adapter` (or `@berth/core/broker` in test workers). */
export type BrokerAddress = AdapterBrokerAddress;
/** @deprecated Import it from `@berth/core/adapter` (or `@berth/core/broker` in test workers). */
export type Handoff = AdapterHandoff;
/** @deprecated Import it from `@berth/core/adapter`. */
export type RunningServices = AdapterRunningServices;

/** @deprecated Import it from `@berth/core/adapter`. */
export const acquireLease: typeof acquire = deprecated(
  "acquireLease from '@berth/core'",
  fromAdapter('acquireLease'),
  acquire as (...args: Parameters<typeof acquire>) => ReturnType<typeof acquire>,
) as typeof acquire;
/** @deprecated Import it from `@berth/core/adapter`. */
export const releaseLease: typeof release = deprecated("releaseLease from '@berth/core'", fromAdapter('releaseLease'), release);
/** @deprecated Import it from `@berth/core/adapter`. */
export const startBroker: typeof brokerStart = deprecated("startBroker from '@berth/core'", fromAdapter('startBroker'), brokerStart);
/** @deprecated Import it from `@berth/core/adapter`. */
export const startServices: typeof servicesStart = deprecated(
  "startServices from '@berth/core'",
  fromAdapter('startServices'),
  servicesStart,
);
/** @deprecated Import it from `@berth/core/adapter`. */
export const validateRunConfig: typeof validate = deprecated(
  "validateRunConfig from '@berth/core'",
  fromAdapter('validateRunConfig'),
  validate,
);
/**
 * @deprecated Pass the rewrite where the image is resolved instead: `ensureImage(image, { substitute })`.
 * The process-wide hook still applies to every start until it is removed.
 */
export const setImageSubstitution: typeof setSubstitution = deprecated(
  'setImageSubstitution()',
  'the `substitute` option of ensureImage()',
  setSubstitution,
);
