/**
 * When is a mysql/mariadb container ready? On first start both official entrypoints run a
 * *temporary* server for the init scripts, and it too logs "ready for connections". But they start
 * it with networking off (`--skip-networking`), so its line reads `port: 0`:
 *
 *   MySQL 8:  ... /usr/sbin/mysqld: ready for connections. Version: '8.0.36'  socket: '...'  port: 0  MySQL ...
 *   MariaDB:  ... mariadbd: ready for connections.
 *             Version: '11.4.2-MariaDB'  socket: '/run/mysqld/mysqld.sock'  port: 0  mariadb.org ...
 *
 * So the rule is: a `Version: ... socket: ... port: N` line with N > 0 — one rule for a fresh and an
 * already-initialised data directory (where no temporary server runs). MySQL's X plugin line
 * ("X Plugin ready for connections. Bind-address: ... port: 33060") has no `Version:` and does not
 * count. `wait.ports(3306)` runs after the line (its first check then passes at once), so a server
 * moved to another port fails clearly.
 *
 * A log that shows a postgres server instead fails at once instead of timing out.
 */
import { ContainerExitedError, WaitAttemptError, WaitFailedError } from '../../errors.js';
import { sequence } from '../../wait/composite.js';
import { ports } from '../../wait/ports.js';
import type { WaitStrategy } from '../../wait/strategy.js';

const VERSION_LINE = /Version: '[^']*'\s+socket: '[^']*'\s+port: (\d+)/;
const POSTGRES = /database system is ready to accept connections|PostgreSQL init process complete|initdb: /;

export function readyWithNetworking(): WaitStrategy {
  const description = 'log line "ready for connections ... port: N" with N > 0 (not the init server)';
  return {
    description,
    async wait(target, context) {
      for await (const line of target.logLines(context.signal)) {
        const match = VERSION_LINE.exec(line.text);
        if (match) {
          if (Number(match[1]) > 0) return;
          context.attempt(new WaitAttemptError('the init server (networking off, port 0) is ready; waiting for the real one'));
        } else if (POSTGRES.test(line.text)) {
          throw new WaitFailedError('this container runs postgres, not mysql or mariadb', {
            hint: 'for a postgres image use `postgres()` / `startPostgres()` from @berth/core/postgres',
          });
        }
      }
      context.signal.throwIfAborted();
      const state = await target.inspect(context.signal);
      if (!state.running) {
        throw new ContainerExitedError(`container exited with code ${state.exitCode} while waiting for ${description}`, {
          details: { exitCode: state.exitCode, oomKilled: state.oomKilled },
        });
      }
      throw new WaitFailedError('the log stream ended before mysql was ready');
    },
  };
}

/** Readiness of the mysql module: the log rule above, then a TCP listener on 3306 in the container. */
export function mysqlReady(): WaitStrategy {
  return sequence([readyWithNetworking(), ports({ ports: [3306] })]);
}
