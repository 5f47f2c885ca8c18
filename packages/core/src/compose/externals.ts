/** External networks and volumes must exist before anything is created: checked against the engine. */
import type { Engine } from '../engine/engine.js';
import { throwIfAborted } from '../errors.js';
import type { ComposeModel, ComposeService } from './model.js';
import { fileError, type Places } from './source.js';

export async function checkExternals(
  engine: Engine,
  model: ComposeModel,
  order: ComposeService[],
  places: Places,
  signal: AbortSignal | undefined,
): Promise<void> {
  const usedNetworks = new Set(order.flatMap((s) => Object.keys(s.networks)));
  const externalNetworks = [...usedNetworks].flatMap((key) => (model.networks[key]?.external ? [model.networks[key]] : []));
  if (externalNetworks.length > 0) {
    const present = await engine.listNetworks({});
    for (const network of externalNetworks) {
      const name = network?.name ?? network?.key ?? '';
      if (!present.some((n) => n.Name === name || n.Id === name)) {
        throw fileError(
          places,
          ['networks', network?.key ?? ''],
          `external network ${JSON.stringify(name)} does not exist`,
          `create it first: docker network create ${name}`,
        );
      }
    }
  }
  for (const service of order) {
    for (const mount of service.mounts) {
      if (mount.type !== 'volume' || !mount.source) continue;
      const volume = model.volumes[mount.source];
      if (!volume?.external) continue;
      throwIfAborted(signal, 'startCompose');
      const name = volume.name ?? volume.key;
      if (!(await engine.inspectVolume(name))) {
        throw fileError(
          places,
          ['volumes', volume.key],
          `external volume ${JSON.stringify(name)} does not exist`,
          `create it first: docker volume create ${name}`,
        );
      }
    }
  }
}
