import { describe, expect, it } from 'vitest';
import {
  ContainerNotFoundError,
  ContainerNotRunningError,
  EngineError,
  FileNotFoundInContainerError,
  ImageNotFoundError,
  NameConflictError,
  PortInUseError,
} from '../errors.js';
import { engineFailure, engineMessageOf, httpStatusOf, portInUse } from './failure.js';

const ID = 'a'.repeat(64);

describe('a taken host port', () => {
  it.each([
    [
      'driver failed programming external connectivity on endpoint berth-x (abc): Bind for 0.0.0.0:5432 failed: port is already allocated',
      { port: 5432, hostIp: '0.0.0.0' },
    ],
    [
      'driver failed programming external connectivity on endpoint x: Error starting userland proxy: listen tcp4 127.0.0.1:8080: bind: address already in use',
      { port: 8080, hostIp: '127.0.0.1' },
    ],
    ['rootlessport listen tcp 0.0.0.0:6379: bind: address already in use', { port: 6379, hostIp: '0.0.0.0' }],
    ['Bind for [::]:9000 failed: port is already allocated', { port: 9000, hostIp: '::' }],
  ])('%s', (message, taken) => {
    expect(portInUse(message)).toEqual(taken);
    const error = engineFailure(500, message, 'starting container x', { kind: 'container', ref: 'x' });
    expect(error).toBeInstanceOf(PortInUseError);
    expect(error.code).toBe('BERTH_PORT_IN_USE');
    expect(error.summary).toContain(`host port ${taken.hostIp === '127.0.0.1' ? '127.0.0.1:' : ''}${taken.port} is already in use`);
    expect(error.details).toMatchObject({ port: taken.port });
    expect(error.hint).toContain("host: 'free'");
  });
});

describe('engineFailure', () => {
  it.each([
    [404, 'No such container: abc', { kind: 'container', ref: ID }, ContainerNotFoundError],
    [404, 'Could not find the file /nope in container abc', { kind: 'archive', ref: ID, path: '/nope' }, FileNotFoundInContainerError],
    [404, 'No such container: abc', { kind: 'archive', ref: ID, path: '/etc' }, ContainerNotFoundError],
    [404, 'No such image: busybox:nope', { kind: 'container', ref: 'berth-x' }, ImageNotFoundError],
    [404, 'No such image: busybox:nope', { kind: 'image', ref: 'busybox:nope' }, ImageNotFoundError],
    [404, 'network berth-net not found', { kind: 'container', ref: 'berth-x' }, EngineError],
    [409, 'Container abc is not running', { kind: 'container', ref: ID }, ContainerNotRunningError],
    [409, 'Container abc is paused, unpause the container before exec', { kind: 'container', ref: ID }, ContainerNotRunningError],
    [409, 'Conflict. The container name "/x" is already in use by container "abc".', { kind: 'container', ref: 'x' }, NameConflictError],
    [409, 'network with name n already exists', { kind: 'network', ref: 'n' }, NameConflictError],
    [409, 'conflict: unable to remove repository reference "x" (must force)', { kind: 'image', ref: 'x' }, EngineError],
    [500, 'driver failed programming external connectivity', { kind: 'container', ref: ID }, EngineError],
  ] as const)('%d %s → %s', (status, message, subject, type) => {
    const error = engineFailure(status, message, 'doing it', subject);
    // The exact class: a subclass of EngineError where a plain one is expected is a misclassification.
    expect(error.constructor).toBe(type);
    expect(error.details.status).toBe(status);
    expect(error.details.engineMessage).toBe(message);
    expect(httpStatusOf(error)).toBe(status);
    expect(engineMessageOf(error)).toBe(message);
    expect(error.hint).toBeTruthy();
    expect(error.message).not.toContain(ID);
  });

  it('the subclasses are EngineErrors with status and the engine message on the instance', () => {
    const error = engineFailure(404, 'No such container: abc', 'inspecting', { kind: 'container', ref: 'abc' }) as ContainerNotFoundError;
    expect(error).toBeInstanceOf(EngineError);
    expect(error.status).toBe(404);
    expect(error.engineMessage).toBe('No such container: abc');
    expect(error.code).toBe('BERTH_CONTAINER_NOT_FOUND');
  });
});
