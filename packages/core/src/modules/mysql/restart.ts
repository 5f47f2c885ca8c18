/**
 * What a started mysql/mariadb does when its container restarts (`container.restart()`): berth's
 * admin statements wait while it restarts, the new host port goes into the details handed out from
 * then on, the admin connections reopen there, and copies cut off by the restart are made again.
 * The template was made before the start resolved and lives in the data directory, which a restart
 * keeps; if it is gone anyway (a data directory in memory), fresh databases fail at once, saying so,
 * and so does the restart. A container that does not come back fails later requests with that error.
 */
import type { StartedContainer } from '../../container/handle.js';
import { type BerthError, ModuleError } from '../../errors.js';
import { notBackFromRestart } from '../follow-ports.js';
import type { MysqlAdmin } from './admin.js';
import { MYSQL_PORT } from './container-spec.js';
import { type MysqlDetails, mysqlUrl } from './details.js';

/** What a restart changes: the address berth hands out, whether the server is usable at all. */
export interface MysqlServerState {
  details: MysqlDetails;
  unusable?: BerthError;
}

export function followMysqlRestarts(
  container: StartedContainer,
  admin: MysqlAdmin,
  state: MysqlServerState,
  templateName: string,
): () => void {
  return container.onRestart({
    before: () => admin.suspend(),
    after: async ({ error }) => {
      if (error !== undefined) {
        const reason = notBackFromRestart('mysql', container, error);
        state.unusable ??= reason;
        admin.fail(reason);
        return;
      }
      const port = container.mappedPort(MYSQL_PORT);
      state.details = { ...state.details, port, url: mysqlUrl({ ...state.details, port }) };
      admin.resume(state.details);
      const rows = await admin.query('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [templateName]);
      if (rows.length === 0) {
        state.unusable ??= new ModuleError(
          `the template database ${templateName} did not survive restart() of mysql container ${container.name}`,
          {
            hint: 'berth makes the template once, at start; keep the data directory on disk across restarts, or start a new service',
            details: { containerName: container.name, image: container.image },
          },
        );
        throw state.unusable;
      }
    },
  });
}
