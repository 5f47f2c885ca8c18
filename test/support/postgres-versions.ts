// The postgres versions the engine tests of the postgres module run on: BERTH_PG_VERSIONS, a comma
// list of tags of `postgres` ("10,15,18") or whole image names ("berth-test/postgres:17-debian").
// `pnpm test` runs the default below; `pnpm test:matrix` runs every stand-in of
// test/images/catalog.json (10, 12, 13, 14, 15, 16, 17, 18 and berth-test/postgres:17-debian).
const DEFAULT = '10,15,18';

function parse(text: string): string[] {
  const tags = text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  for (const tag of tags) {
    if (!/^[\w][\w.-]*$/.test(tag) && !/^[\w][\w./-]*:[\w][\w.-]*$/.test(tag)) {
      throw new Error(
        `BERTH_PG_VERSIONS: expected tags like "10,15,18" or image names like "berth-test/postgres:17-debian", got ${JSON.stringify(text)}`,
      );
    }
  }
  if (tags.length === 0) throw new Error('BERTH_PG_VERSIONS is empty; unset it for the default (10,15,18)');
  return tags;
}

export const POSTGRES_VERSIONS: { tag: string; image: string }[] = parse(process.env.BERTH_PG_VERSIONS || DEFAULT).map((tag) => ({
  tag,
  image: tag.includes(':') ? tag : `postgres:${tag}`,
}));
