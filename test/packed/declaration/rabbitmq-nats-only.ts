import { nats, startNats } from '@berth/core/nats';
import { rabbitmq, startRabbitmq } from '@berth/core/rabbitmq';

export const mq = rabbitmq();
export const bus = nats();
export const startedMq = () => startRabbitmq();
export const startedBus = () => startNats();
