/**
 * Running a command in a container: create the exec, start it attached (the engine then streams the
 * multiplexed output on the hijacked connection until the command ends), and read its exit code.
 */
import { demuxStream } from './demux.js';
import { shortId } from './failure.js';
import { readText, type Transport } from './transport.js';
import type { ExecOptions, ExecResult } from './types.js';

export async function execInContainer(t: Transport, id: string, argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
  const { signal } = options;
  const short = shortId(id);
  const what = `exec ${JSON.stringify(argv[0] ?? '')} in container ${short}`;
  const { Id: execId } = await t.json<{ Id: string }>({
    method: 'POST',
    path: `/containers/${encodeURIComponent(id)}/exec`,
    json: {
      Cmd: argv,
      AttachStdout: true,
      AttachStderr: true,
      ...(options.env ? { Env: Object.entries(options.env).map(([k, v]) => `${k}=${v}`) } : {}),
      ...(options.user ? { User: options.user } : {}),
      ...(options.workingDir ? { WorkingDir: options.workingDir } : {}),
    },
    signal,
    what,
    subject: { kind: 'container', ref: id },
  });
  const { body } = await t.request({
    method: 'POST',
    path: `/exec/${execId}/start`,
    json: { Detach: false, Tty: false },
    signal,
    what,
    subject: { kind: 'container', ref: id },
  });
  const { stdout, stderr } = demuxStream(body);
  let out: string;
  let err: string;
  try {
    [out, err] = await Promise.all([readText(stdout), readText(stderr)]);
  } catch (error) {
    throw t.berthError(error, what);
  }
  const inspected = await t.json<{ ExitCode: number | null }>({
    method: 'GET',
    path: `/exec/${execId}/json`,
    signal,
    what,
    subject: { kind: 'exec', ref: execId },
  });
  return { exitCode: inspected.ExitCode ?? -1, stdout: out, stderr: err };
}
