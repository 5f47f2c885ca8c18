import { describe, expect, it } from 'vitest';
import { InvalidSpecError } from '../errors.js';
import { resolveMysqlOptions } from './mysql/options.js';
import { resolveNatsOptions } from './nats/options.js';
import { resolveRabbitmqOptions } from './rabbitmq/options.js';

describe('module options are strict', () => {
  it('mysql(): an unknown key is an InvalidSpecError with a did-you-mean', () => {
    const call = () => resolveMysqlOptions({ rootPasword: 'x' } as never);
    expect(call).toThrow(InvalidSpecError);
    expect(call).toThrow(/unknown key `rootPasword` in mysql\(\) options; did you mean `rootPassword`\?/);
  });

  it('rabbitmq(): an unknown key is an InvalidSpecError with a did-you-mean', () => {
    const call = () => resolveRabbitmqOptions({ pasword: 'x' } as never);
    expect(call).toThrow(InvalidSpecError);
    expect(call).toThrow(/unknown key `pasword` in rabbitmq\(\) options; did you mean `password`\?/);
  });

  it('nats(): an unknown key is an InvalidSpecError with a did-you-mean', () => {
    const call = () => resolveNatsOptions({ jetStream: true } as never);
    expect(call).toThrow(InvalidSpecError);
    expect(call).toThrow(/unknown key `jetStream` in nats\(\) options; did you mean `jetstream`\?/);
  });

  it('known keys still pass', () => {
    expect(resolveNatsOptions({ jetstream: true }).jetstream).toBe(true);
    expect(resolveRabbitmqOptions({ password: 'pw' }).password).toBe('pw');
  });
});
