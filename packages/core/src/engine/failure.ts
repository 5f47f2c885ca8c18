/**
 * An HTTP status and the engine's message → the berth error a caller can act on. What a 404 or a
 * 409 means depends on what the call was about (its `Subject`), so every call says.
 */
import {
  BerthError,
  ContainerNotFoundError,
  ContainerNotRunningError,
  EngineError,
  FileNotFoundInContainerError,
  ImageNotFoundError,
  NameConflictError,
  PortInUseError,
} from '../errors.js';

export interface Subject {
  kind: 'container' | 'image' | 'network' | 'volume' | 'exec' | 'archive';
  /** Id or name, for messages. */
  ref: string;
  /** For archives: the path inside the container. */
  path?: string;
}

/** A full container id shortened as the docker CLI shows it; a name or short id as it is. */
export function shortId(ref: string): string {
  return /^[0-9a-f]{64}$/.test(ref) ? ref.slice(0, 12) : ref;
}

export function engineFailure(status: number, engineMessage: string, what: string, subject?: Subject): BerthError {
  const details = { status, engineMessage };
  const message = what ? `${what} failed: ${engineMessage}` : engineMessage;
  const kind = subject?.kind;
  const ref = subject?.ref ?? '';
  const short = shortId(ref);

  if (status === 404) {
    if (/no such image/i.test(engineMessage) || (kind === 'image' && !/network|container/i.test(engineMessage))) {
      return new ImageNotFoundError(kind === 'image' ? `${what} failed: image ${ref} is not on the engine` : message, {
        details: { ...details, ...(kind === 'image' ? { image: ref } : {}) },
        hint: 'pull or build it first; with pullPolicy "missing" berth pulls it for you',
      });
    }
    if (kind === 'archive' && !/no such container/i.test(engineMessage)) {
      return new FileNotFoundInContainerError(`no ${subject?.path ?? 'such path'} in container ${short}`, {
        details: { ...details, containerId: ref, path: subject?.path },
        hint: 'check the path (absolute, inside the container); copyFrom() lists what a directory holds',
      });
    }
    if (
      /no such container/i.test(engineMessage) ||
      ((kind === 'container' || kind === 'archive') && !/network|image|volume/i.test(engineMessage))
    ) {
      return new ContainerNotFoundError(`${what} failed: no container ${short} on the engine`, {
        details: { ...details, containerId: ref },
        hint: 'the container was stopped and removed (by stop(), the session cleanup or someone else); start a new one',
      });
    }
  }
  if (status === 409) {
    if (/is not running|stopped\/paused|is paused|is restarting/i.test(engineMessage)) {
      return new ContainerNotRunningError(`${what} failed: container ${short} is not running`, {
        details: { ...details, containerId: ref },
        hint: 'the container exited; its logs (logs()) and inspect() say why',
      });
    }
    if (/already in use|already exists|conflict/i.test(engineMessage) && kind !== 'image') {
      return new NameConflictError(`${what} failed: ${engineMessage}`, {
        details,
        hint: 'another container, network or volume has this name; choose another name or remove the old one',
      });
    }
  }
  const taken = portInUse(engineMessage);
  if (taken) {
    const where = taken.hostIp && taken.hostIp !== '0.0.0.0' && taken.hostIp !== '::' ? `${taken.hostIp}:${taken.port}` : `${taken.port}`;
    return new PortInUseError(`${what ? `${what} failed: ` : ''}host port ${where} is already in use`, {
      details: { ...details, port: taken.port, ...(taken.hostIp ? { hostIp: taken.hostIp } : {}) },
      hint: `another container or process holds port ${taken.port}; publish on a free port instead (leave \`host\` out, or \`host: 'free'\`), or stop what holds it`,
    });
  }
  return new EngineError(message, { details, hint: hintFor(status) });
}

/**
 * The engine's words for a taken host port: Docker's "Bind for 0.0.0.0:5432 failed: port is already
 * allocated", or the kernel's "listen tcp4 0.0.0.0:5432: bind: address already in use" (Docker, Podman).
 */
export function portInUse(engineMessage: string): { port: number; hostIp?: string } | undefined {
  if (!/port is already allocated|address already in use/i.test(engineMessage)) return undefined;
  const match = /(?:Bind for|listen \w+|bind)\s+\[?([0-9a-fA-F.:]*?)\]?:(\d+)(?:\s+failed|:\s*bind)/.exec(engineMessage);
  if (!match) return undefined;
  return { port: Number(match[2]), ...(match[1] ? { hostIp: match[1] } : {}) };
}

function hintFor(status: number): string {
  if (status >= 500) return 'the engine failed on its side; its own log (journalctl -u docker, Docker Desktop diagnostics) says more';
  if (status === 401 || status === 403) return 'the engine refused the call; check its authorization plugins or the user it runs as';
  return 'run with DEBUG=berth:* to see the engine conversation';
}

/** The HTTP status an engine error carried, if it came from an engine answer. */
export function httpStatusOf(error: unknown): number | undefined {
  const status = error instanceof BerthError ? error.details.status : undefined;
  return typeof status === 'number' ? status : undefined;
}

/** The engine's own words for an engine error; the message otherwise. */
export function engineMessageOf(error: unknown): string {
  if (error instanceof BerthError) {
    const own = error.details.engineMessage;
    return typeof own === 'string' ? own : error.summary;
  }
  return error instanceof Error ? error.message : String(error);
}
