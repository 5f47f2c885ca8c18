import { describe, expect, it } from 'vitest';
import {
  ContainerNotFoundError,
  ContainerNotRunningError,
  EngineError,
  FileNotFoundInContainerError,
  ImageNotFoundError,
  NameConflictError,
} from '../errors.js';
import { engineFailure, engineMessageOf, httpStatusOf } from './failure.js';

const ID = 'a'.repeat(64);

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
