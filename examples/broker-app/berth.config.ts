// #region berth-config
import { defineConfig } from '@berth/core';
import { nats } from '@berth/core/nats';
import { rabbitmq } from '@berth/core/rabbitmq';

export default defineConfig({
  services: {
    // The management image: fresh vhosts are made through its HTTP API in milliseconds.
    mq: rabbitmq({ image: 'rabbitmq:3-management', user: 'shop', password: 'shop-secret' }),
    // An account per test (subjects and streams nobody else sees); JetStream for the audit stream.
    bus: nats({ image: 'nats:2', jetstream: true }),
  },
  // For code that reads its configuration from the environment: the services' own vhost/account.
  // Tests that publish take a fresh vhost / account of their own instead.
  env: {
    AMQP_URL: (s) => s.mq.url,
    NATS_URL: (s) => s.bus.url,
  },
});
// #endregion
